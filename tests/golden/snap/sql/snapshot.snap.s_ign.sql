-- dbt2ninja job 1
-- unique_id: snapshot.snap.s_ign
-- resource_type: snapshot
-- materialized: snapshot
-- relation: "demo"."public"."s_ign"
-- adapter: postgres
-- hard_deletes: "ignore"
-- on_configuration_change: "apply"
-- on_schema_change: "ignore"
-- snapshot_meta_column_names: {"dbt_is_deleted":null,"dbt_scd_id":null,"dbt_updated_at":null,"dbt_valid_from":null,"dbt_valid_to":null}
-- strategy: "timestamp"
-- unique_key: "id"
-- updated_at: "at"
--


select * from raw.src
