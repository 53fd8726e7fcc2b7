-- dbt2ninja job 1
-- unique_id: model.hk.c
-- resource_type: model
-- materialized: incremental
-- relation: "ours"."r_other"."c"
-- adapter: postgres
-- hooks: "rendered"
-- on_configuration_change: "apply"
-- on_schema_change: "ignore"
-- post-hook: [{"index":null,"sql":"insert into r_audit.runs values ('post c', '\"ours\".\"r_other\".\"c\"')","transaction":true}]
--

select 3 as id
