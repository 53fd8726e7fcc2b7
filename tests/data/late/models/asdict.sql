{# dbt_utils.get_query_results_as_dict: agate's columns, items() and
   values(); numeric and float columns as Python's Decimal #}
{% set d = dbt_utils.get_query_results_as_dict("select kind, sum(price) as total, count(*) as n, avg(price)::float8 as mean from " ~ ref('base') ~ " group by kind order by kind") %}
select 0 as k
{%- for kind in d['kind'] %}{% set i = loop.index0 %}
  , '{{ kind }}' as kind_{{ loop.index }}, {{ d['total'][i] }} as total_{{ loop.index }},
  {{ d['total'][i] + d['n'][i] }} as plus_{{ loop.index }}, {{ d['total'][i] * 2 }} as twice_{{ loop.index }},
  {{ d['total'][i] | int }} as whole_{{ loop.index }}, '{{ d['mean'][i] }}'::text as mean_{{ loop.index }},
  {{ 'true' if d['total'][i] > 20 else 'false' }} as big_{{ loop.index }},
  {{ 'true' if d['total'][i] == 42.5 else 'false' }} as exact_{{ loop.index }},
  {{ 'true' if d['mean'][i] >= 1.625 else 'false' }} as mean_ge_{{ loop.index }}
{%- endfor %}
{%- set t = set(d['kind']) %}
  , {{ t | length }} as kinds, {{ 'true' if 'book' in t else 'false' }} as has_book,
  '{{ t | sort | join(",") }}' as sorted_kinds
