{{ config(materialized='materialized_view', indexes=[{'columns': ['tier'], 'unique': true}]) }}
select tier, count(*) as n, sum(score) as score from {{ ref('raw_customers') }} group by tier
