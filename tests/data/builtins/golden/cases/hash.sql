select md5(cast('dbt' as TEXT)) as v
