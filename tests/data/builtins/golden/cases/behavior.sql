select 'False off True' as v
