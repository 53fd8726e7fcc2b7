select
    o.order_id,
    o.customer_id,
    o.order_date,
    o.status,
    t.total
from {{ ref('stg_orders') }} o
join {{ ref('order_totals') }} t using (order_id)
