-- dbt2ninja job 1
-- unique_id: model.shop.stg_events
-- resource_type: model
-- materialized: view
-- relation: "analytics"."shop"."stg_events"
-- adapter: postgres
-- on_schema_change: "ignore"
--
select * from "analytics"."raw"."events"
