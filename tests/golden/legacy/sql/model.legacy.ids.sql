-- dbt2ninja job 1
-- unique_id: model.legacy.ids
-- resource_type: model
-- materialized: view
-- relation: "dev"."public"."ids"
-- adapter: postgres
-- hooks: "rendered"
-- post-hook: ["grant select on \"dev\".\"public\".\"ids\" to reader"]
--
select * from "dev"."public"."raw_ids"
