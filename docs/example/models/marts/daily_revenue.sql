{{ config(materialized='incremental', unique_key='order_date', incremental_strategy='delete+insert') }}

select order_date, sum(total) as revenue, count(*) as orders
from {{ ref('orders') }}
{% if is_incremental() %}
where order_date >= (select max(order_date) from {{ this }})
{% endif %}
group by order_date
