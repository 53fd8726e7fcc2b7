{% snapshot snap_legacy %}
{{ config(target_schema='snapshots', unique_key='id', strategy='timestamp',
          updated_at='updated_at', invalidate_hard_deletes=True) }}
select * from {{ ref('raw_customers') }}
{% endsnapshot %}
