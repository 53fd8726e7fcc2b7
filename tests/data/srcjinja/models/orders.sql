select o.id, c.name from {{ source('land', 'orders') }} o
join {{ source('land', 'customers') }} c on c.id = o.customer_id
union all
select id, name from {{ source('other', 'things') }}
