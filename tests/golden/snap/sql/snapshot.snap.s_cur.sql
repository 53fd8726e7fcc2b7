-- dbt2ninja job 1
-- unique_id: snapshot.snap.s_cur
-- resource_type: snapshot
-- materialized: snapshot
-- relation: "demo"."public"."s_cur"
-- adapter: postgres
-- columns: {"v":{"description":"A value."}}
-- dbt_valid_to_current: "'9999-12-31'::timestamp"
-- description: "The source's history."
-- grants: {"select":["reader"]}
-- hard_deletes: "new_record"
-- on_configuration_change: "apply"
-- on_schema_change: "ignore"
-- persist_docs: {"columns":true,"relation":true}
-- snapshot_meta_column_names: {"dbt_is_deleted":"isdel","dbt_scd_id":"sid","dbt_updated_at":"ua","dbt_valid_from":"vf","dbt_valid_to":"vt"}
-- sql_header: "insert into raw.header_log values ('s_cur');"
-- strategy: "timestamp"
-- unique_key: "id"
-- updated_at: "at"
--


select * from raw.src
