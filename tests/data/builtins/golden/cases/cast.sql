select 
    cast('2024-01-02' as date)
 as v
