select (date '2024-01-31' + 1 * interval '1 month') as v
