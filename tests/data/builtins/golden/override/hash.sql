select md5(('dbt')::text) as v
