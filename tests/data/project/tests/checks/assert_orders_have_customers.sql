select o.order_id
from {{ ref('orders') }} o
left join {{ ref('customers') }} c on c.customer_id = o.customer_id
where c.customer_id is null
