select to_date('1999-12-31', 'YYYY-MM-DD') as v
