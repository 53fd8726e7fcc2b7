-- dbt2ninja job 1
-- unique_id: model.shop.fct_sales.v2
-- resource_type: model
-- materialized: table
-- relation: "analytics"."shop"."fct_sales_v2"
-- adapter: postgres
-- on_schema_change: "ignore"
--
select id, amount, customer_id from "analytics"."shop"."orders"
