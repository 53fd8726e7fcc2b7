{{ config(materialized='incremental', unique_key='id', on_schema_change='fail') }}
select id, name, tier, updated_at{% if var('round') == 1 or 'inc_fail' != 'inc_sync' %}, score{% endif %}
{%- if var('round') == 2 %}, score * 2 as score2{% endif %}
from {{ ref('raw_customers') }}
{% if is_incremental() %}
where updated_at > (select max(updated_at) from {{ this }})
{% endif %}
