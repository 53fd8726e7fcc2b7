-- dbt2ninja job 1
-- unique_id: model.shop.orders
-- resource_type: model
-- materialized: incremental
-- relation: "analytics"."shop"."orders"
-- adapter: postgres
-- hooks: "rendered"
-- incremental_strategy: "merge"
-- on_schema_change: "append_new_columns"
-- post-hook: [{"sql":"analyze \"analytics\".\"shop\".\"orders\"","transaction":false,"index":1}]
-- pre-hook: [{"sql":"set local work_mem = '64MB'","transaction":true,"index":1}]
-- unique_key: ["id"]
--
select o.*, r.region
from "analytics"."shop"."stg_orders" o
cross join "analytics"."platform"."dim_region" r
where o.ordered_at > (select coalesce(max(ordered_at), '1900-01-01') from "analytics"."shop"."orders")
