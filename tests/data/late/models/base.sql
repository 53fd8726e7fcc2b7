{{ config(materialized='table') }}
select id, kind, price, note, price * 2 as doubled from {{ ref('items') }}
