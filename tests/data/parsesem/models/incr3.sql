{{ config(materialized='incremental') }}
select 1 as id {% if dbt.is_incremental() %}where true{% endif %}
