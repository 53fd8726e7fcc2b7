{{ config(materialized='incremental', schema='other') }}
select 3 as id
