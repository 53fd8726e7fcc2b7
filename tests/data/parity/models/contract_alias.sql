-- alias_types: dbt-postgres makes data_type string text
{{ config(materialized='table') }}
select id, name from {{ ref('stg_customers') }}
