{{ config(materialized='table') }}
select 2 as id
