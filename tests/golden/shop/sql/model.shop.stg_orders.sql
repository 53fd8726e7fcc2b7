-- dbt2ninja job 1
-- unique_id: model.shop.stg_orders
-- resource_type: model
-- materialized: view
-- relation: "analytics"."shop"."stg_orders"
-- adapter: postgres
-- on_schema_change: "ignore"
--
select id, customer_id, amount, ordered_at
from "analytics"."shop"."raw_orders"
