-- schema Mixed, unquoted (dbt_project.yml's quoting): parity_mixed
{{ config(materialized='table', schema='Mixed') }}
select id from {{ ref('stg_customers') }}
