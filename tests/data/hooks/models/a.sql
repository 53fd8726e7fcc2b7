{{ config(materialized='table', pre_hook=["create schema if not exists {{ target.schema }}_audit", "select 1; select 2"]) }}
select 1 as id
