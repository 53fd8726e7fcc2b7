select
    id as customer_id,
    first_name,
    last_name,
    signed_up,
    vip
from {{ ref('raw_customers') }}
