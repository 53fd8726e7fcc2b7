-- dbt2ninja job 1
-- unique_id: operation.hk.hk-on-run-start-0
-- resource_type: operation
-- materialized: operation
-- relation: 
-- adapter: postgres
-- hook: "hk.on-run-start.0"
-- schemas: [["ours","r"],["ours","r_other"]]
--
create schema if not exists r_audit; create table if not exists r_audit.runs (what text, at_schema text); insert into r_audit.runs values ('start', 'r')
