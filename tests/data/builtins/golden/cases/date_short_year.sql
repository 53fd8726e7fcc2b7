select to_date('999-12-31', 'YYYY-MM-DD') as v
