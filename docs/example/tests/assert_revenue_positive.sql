-- every day with orders has positive revenue
select order_date, revenue
from {{ ref('daily_revenue') }}
where revenue <= 0
