{% snapshot snap %}
{{ config(target_schema='snaps', unique_key='id', strategy='check', check_cols='all', post_hook="{{ cleanup('base') }}") }}
select * from {{ ref('base') }}
{% endsnapshot %}
