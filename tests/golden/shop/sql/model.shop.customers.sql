-- dbt2ninja job 1
-- unique_id: model.shop.customers
-- resource_type: model
-- materialized: table
-- relation: "analytics"."shop"."customers"
-- adapter: postgres
-- columns: {"id":{"description":"The key."}}
-- description: "One row per customer."
-- grants: {"select":["reporter"]}
-- indexes: [{"columns":["id"],"unique":true}]
-- on_schema_change: "ignore"
-- persist_docs: {"relation":true,"columns":true}
--
with __dbt__cte__customer_orders as (
select customer_id, count(*) as n from "analytics"."shop"."stg_orders" group by 1
)
select c.id, c.name, o.n
from "analytics"."shop"."stg_customers" c
left join __dbt__cte__customer_orders o on o.customer_id = c.id
