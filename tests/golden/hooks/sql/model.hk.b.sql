-- dbt2ninja job 1
-- unique_id: model.hk.b
-- resource_type: model
-- materialized: view
-- relation: "ours"."r"."b"
-- adapter: postgres
-- hooks: "rendered"
-- on_configuration_change: "apply"
-- on_schema_change: "ignore"
-- post-hook: [{"index":null,"sql":"insert into r_audit.runs values ('post b', '\"ours\".\"r\".\"b\"')","transaction":true},{"index":null,"sql":"select '\"ours\".\"r\".\"b\"' as x","transaction":false}]
--

with __dbt__cte__eph as (

select 2 as id
) select * from "ours"."r"."a" union all select * from __dbt__cte__eph
