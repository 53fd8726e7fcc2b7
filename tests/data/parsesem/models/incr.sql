{{ config(materialized='incremental') }}
select 1 as id {% if is_incremental() %}where true{% endif %}
