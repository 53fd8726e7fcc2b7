-- dbt2ninja job 1
-- unique_id: snapshot.snap.c_upd
-- resource_type: snapshot
-- materialized: snapshot
-- relation: "demo"."public"."c_upd"
-- adapter: postgres
-- check_cols: ["v"]
-- dbt_valid_to_current: "'9999-12-31'::timestamp"
-- hard_deletes: "new_record"
-- on_configuration_change: "apply"
-- on_schema_change: "ignore"
-- snapshot_meta_column_names: {"dbt_is_deleted":null,"dbt_scd_id":null,"dbt_updated_at":null,"dbt_valid_from":null,"dbt_valid_to":null}
-- strategy: "check"
-- unique_key: "id"
-- updated_at: "at"
--


select * from raw.src
