{{ config(materialized='incremental', incremental_strategy='merge', unique_key='id', merge_exclude_columns=['tier']) }}
select id, name, tier, updated_at{% if var('round') == 1 or 'inc_merge_exclude' != 'inc_sync' %}, score{% endif %}
{%- if var('round') == 2 %}, score * 2 as score2{% endif %}
from {{ ref('raw_customers') }}
{% if is_incremental() %}
where updated_at > (select max(updated_at) from {{ this }})
{% endif %}
