{{ config(materialized='view') }}

select
    customer_id,
    case
        when lifetime_value >= 30 then 'gold'
        when lifetime_value >= 15 then 'silver'
        else 'bronze'
    end as segment
from {{ ref('customers') }}
