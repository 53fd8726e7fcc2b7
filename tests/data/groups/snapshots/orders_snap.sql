{% snapshot orders_snap %}
{{ config(unique_key='id', strategy='check', check_cols=['status', 'amount'], target_schema=target.schema ~ '_snaps') }}
select * from {{ ref('stg_orders') }}
{% endsnapshot %}
