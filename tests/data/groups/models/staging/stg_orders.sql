select * from (values (1, 1, 100, 'placed'), (2, 1, 250, 'shipped'), (3, 2, 75, 'placed')) v(id, customer_id, amount, status)
where id > {{ var('min_id') }}
