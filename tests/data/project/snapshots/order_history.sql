{% snapshot orders_snapshot %}
{{ config(unique_key='order_id', strategy='check', check_cols=['status'], tags=['history']) }}
select order_id, customer_id, status from {{ ref('stg_orders') }}
{% endsnapshot %}
