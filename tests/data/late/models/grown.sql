{{ config(materialized='incremental', unique_key='id') }}
select id, kind, price from {{ ref('base') }}
{% if is_incremental() %}
{% set top = run_query("select coalesce(max(id), 0) from " ~ this) %}
where id > {{ top.rows[0][0] }}
{% endif %}
