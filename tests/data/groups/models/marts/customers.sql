{{ config(access='protected') }}
select c.id, c.name, count(o.id) as n_orders, max(f.n) as max_n
from {{ ref('stg_customers') }} c left join {{ ref('orders') }} o on o.customer_id = c.id
left join {{ ref('fin_base') }} f on f.id = o.id
group by 1, 2
