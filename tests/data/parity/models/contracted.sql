{{ config(materialized='table') }}
select id, name, tier, score from {{ ref('stg_customers') }}
