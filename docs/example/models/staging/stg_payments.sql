select
    id as order_id,
    case when status = 'placed' then 'invoice' else 'card' end as method,
    amount
from {{ ref('raw_orders') }}
