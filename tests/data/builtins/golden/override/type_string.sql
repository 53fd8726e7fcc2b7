select cast(1 as varchar) as v, 'varchar' as t
