-- dbt2ninja job 1
-- unique_id: snapshot.snap.c_all
-- resource_type: snapshot
-- materialized: snapshot
-- relation: "demo"."public"."c_all"
-- adapter: postgres
-- check_cols: "all"
-- hard_deletes: "new_record"
-- on_configuration_change: "apply"
-- on_schema_change: "ignore"
-- snapshot_meta_column_names: {"dbt_is_deleted":"gone","dbt_scd_id":null,"dbt_updated_at":null,"dbt_valid_from":null,"dbt_valid_to":null}
-- strategy: "check"
-- unique_key: "id"
--


select * from raw.src
