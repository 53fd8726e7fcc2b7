{{ config(materialized='ephemeral') }}
select order_id, total from {{ ref('order_totals') }} where total > 5
