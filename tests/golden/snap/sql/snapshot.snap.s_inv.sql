-- dbt2ninja job 1
-- unique_id: snapshot.snap.s_inv
-- resource_type: snapshot
-- materialized: snapshot
-- relation: "demo"."public"."s_inv"
-- adapter: postgres
-- dbt_valid_to_current: "'9999-12-31'::timestamp"
-- hard_deletes: "invalidate"
-- on_configuration_change: "apply"
-- on_schema_change: "ignore"
-- snapshot_meta_column_names: {"dbt_is_deleted":null,"dbt_scd_id":null,"dbt_updated_at":null,"dbt_valid_from":null,"dbt_valid_to":null}
-- strategy: "timestamp"
-- unique_key: ["id","k"]
-- updated_at: "at"
--


select * from raw.src
