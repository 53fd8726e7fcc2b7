-- quoting: identifier: false — the name is folded by the server
{{ config(materialized='table', quoting={'identifier': false}) }}
select id from {{ ref('stg_customers') }}
