{{ config(materialized='incremental', unique_key='id') }}
select id, order_id, amount from {{ ref('stg_payments') }}
{% if is_incremental() %}
where id > (select coalesce(max(id), 0) from {{ this }})
{% endif %}
