{{ config(materialized='view') }}
select {{ dbt_utils.star(from=ref('base'), except=['doubled']) }} from {{ ref('base') }}
