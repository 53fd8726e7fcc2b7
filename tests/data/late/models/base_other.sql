{{ config(materialized='table') }}
select id, kind, price, upper(note) as note, doubled from {{ ref('base') }}
