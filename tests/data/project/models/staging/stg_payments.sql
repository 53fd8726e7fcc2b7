{{
    config(
        materialized='table',
        post_hook="analyze {{ this }}"
    )
}}
select
    id as payment_id,
    order_id,
    payment_method,
    {{ cents_to_dollars('amount') }} as amount
from {{ ref('raw_payments') }}
