select to_date('2023-01-05', 'YYYY-MM-DD') as v
