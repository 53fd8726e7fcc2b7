-- dbt2ninja job 1
-- unique_id: model.shop.fct_sales.v1
-- resource_type: model
-- materialized: table
-- relation: "analytics"."shop"."fct_sales_v1"
-- adapter: postgres
-- on_schema_change: "ignore"
--
select id, amount from "analytics"."shop"."orders"
