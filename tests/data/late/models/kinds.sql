{# one column per kind the table holds: run_query, as dbt_utils.pivot does #}
{{ config(materialized='table') }}
{% set found = run_query("select distinct kind from " ~ ref('base') ~ " order by 1") %}
{% if execute %}{% set kinds = found.columns[0].values() %}{% else %}{% set kinds = [] %}{% endif %}
select
{%- for k in kinds %}
  sum(case when kind = '{{ k }}' then price else 0 end) as {{ k }}_total{{ "," if not loop.last }}
{%- endfor %}
from {{ ref('base') }}
