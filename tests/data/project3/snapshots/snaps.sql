{% snapshot snap_on %}
{{ config(target_schema='snaps', strategy='check', unique_key='id', check_cols='all') }}
select * from {{ ref('base') }}
{% endsnapshot %}

{% snapshot snap_off %}
{{ config(enabled=false, target_schema='snaps', strategy='check', unique_key='id', check_cols='all') }}
select * from {{ ref('base') }}
{% endsnapshot %}
