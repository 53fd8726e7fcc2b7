select
    c.customer_id,
    c.first_name,
    c.last_name,
    c.vip,
    count(o.order_id) as orders,
    coalesce(sum(o.total), 0) as lifetime_value
from {{ ref('stg_customers') }} c
left join {{ ref('orders') }} o using (customer_id)
group by 1, 2, 3, 4
