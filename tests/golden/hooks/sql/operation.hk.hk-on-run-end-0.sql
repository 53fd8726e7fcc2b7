-- dbt2ninja job 1
-- unique_id: operation.hk.hk-on-run-end-0
-- resource_type: operation
-- materialized: operation
-- relation: 
-- adapter: postgres
-- hook: "hk.on-run-end.0"
--
insert into r_audit.runs select 'end', string_agg(s, ',' order by s) from (values ('r'),('r_other')) v(s)
