-- dbt2ninja job 1
-- unique_id: model.shop.stg_customers
-- resource_type: model
-- materialized: view
-- relation: "analytics"."shop"."stg_customers"
-- adapter: postgres
-- on_schema_change: "ignore"
--
select id, name from "analytics"."shop"."raw_customers"
