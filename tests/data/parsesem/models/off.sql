{{ config(enabled=false) }}
select {{ dbt_utils.star(from=ref('base'), except=['id']) }} from {{ ref('base') }}
