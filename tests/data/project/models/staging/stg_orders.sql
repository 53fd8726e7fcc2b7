{{ config(alias='orders_staged', tags=['orders']) }}
select
    id as order_id,
    user_id as customer_id,
    order_date,
    status
from {{ source('raw', 'orders') }}
where id > {{ var('min_order_id') }}
