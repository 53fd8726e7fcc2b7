select date_trunc('year', date '2024-05-06')::date as v
