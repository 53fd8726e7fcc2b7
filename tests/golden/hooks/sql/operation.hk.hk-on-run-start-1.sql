-- dbt2ninja job 1
-- unique_id: operation.hk.hk-on-run-start-1
-- resource_type: operation
-- materialized: operation
-- relation: 
-- adapter: postgres
-- hook: "hk.on-run-start.1"
--
insert into r_audit.runs values ('start2', 'None')
