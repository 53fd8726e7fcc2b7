-- dbt2ninja job 1
-- unique_id: model.hk.a
-- resource_type: model
-- materialized: table
-- relation: "ours"."r"."a"
-- adapter: postgres
-- hooks: "rendered"
-- on_configuration_change: "apply"
-- on_schema_change: "ignore"
-- post-hook: [{"index":null,"sql":"insert into r_audit.runs values ('post a', '\"ours\".\"r\".\"a\"')","transaction":true}]
-- pre-hook: [{"index":null,"sql":"create schema if not exists r_audit","transaction":true},{"index":null,"sql":"select 1; select 2","transaction":true}]
--

select 1 as id
