{{ config(access='private', materialized='view') }}
select id, count(*) as n from {{ ref('stg_orders') }} group by id
