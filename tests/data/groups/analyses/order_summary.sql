select status, sum(amount) from {{ ref('orders') }} group by 1
