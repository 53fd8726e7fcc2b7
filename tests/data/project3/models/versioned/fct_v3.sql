{{ config(enabled=false) }}
select id from {{ ref('base_m') }}
