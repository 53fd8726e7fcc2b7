-- dbt2ninja job 1
-- unique_id: operation.hk.hk-on-run-end-1
-- resource_type: operation
-- materialized: operation
-- relation: 
-- adapter: postgres
-- hook: "hk.on-run-end.1"
--
grant usage on schema r to public;grant usage on schema r_other to public;
