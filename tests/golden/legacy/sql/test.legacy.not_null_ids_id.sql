-- dbt2ninja job 1
-- unique_id: test.legacy.not_null_ids_id
-- resource_type: test
-- materialized: test
-- relation: "dev"."public"."not_null_ids_id"
-- adapter: postgres
-- severity: "ERROR"
--
select count(*) from "dev"."public"."ids" where id is null
