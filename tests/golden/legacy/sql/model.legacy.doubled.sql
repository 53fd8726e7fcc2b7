-- dbt2ninja job 1
-- unique_id: model.legacy.doubled
-- resource_type: model
-- materialized: table
-- relation: "dev"."public"."doubled"
-- adapter: postgres
--
with __dbt__CTE__eph as (
select id from "dev"."public"."ids"
)select id * 2 from __dbt__CTE__eph
