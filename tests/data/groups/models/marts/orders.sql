select o.id, o.customer_id, o.amount, o.status, c.name as "Customer Name"
from {{ ref('stg_orders') }} o join {{ ref('stg_customers') }} c on c.id = o.customer_id
