-- dbt2ninja job 1
-- unique_id: model.utils.calendar
-- resource_type: model
-- materialized: table
-- relation: "analytics"."shop"."calendar"
-- adapter: postgres
-- on_schema_change: "ignore"
--
select generate_series(date '2024-01-01', date '2024-12-31', interval '1 day')::date as day
