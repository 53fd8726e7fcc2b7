-- a mixed-case name, quoted as dbt-postgres quotes it by default
{{ config(materialized='table') }}
select id, name from {{ ref('stg_customers') }}
