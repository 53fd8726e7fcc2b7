{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['id'], on_schema_change='append_new_columns', incremental_predicates=['DBT_INTERNAL_DEST.id > 0']) }}
select id, name, tier, updated_at{% if var('round') == 1 or 'inc_delete_insert' != 'inc_sync' %}, score{% endif %}
{%- if var('round') == 2 %}, score * 2 as score2{% endif %}
from {{ ref('raw_customers') }}
{% if is_incremental() %}
where updated_at > (select max(updated_at) from {{ this }})
{% endif %}
