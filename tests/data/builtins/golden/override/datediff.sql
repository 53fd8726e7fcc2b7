select ((date '2024-03-01')::date - (date '2024-01-31')::date + 1000) as v
