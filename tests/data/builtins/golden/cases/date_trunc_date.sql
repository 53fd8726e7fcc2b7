select date_trunc('month', date '2024-02-29')::date as v
