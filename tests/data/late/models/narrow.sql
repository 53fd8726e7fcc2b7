{# every column of base but the note, from the catalog #}
{{ config(materialized='view') }}
{% set cols = adapter.get_columns_in_relation(ref('base')) %}
select
{%- for c in cols if c.name != 'note' %}
  {{ adapter.quote(c.name) }}{% if c.is_number() %} /* {{ c.data_type }} */{% endif %}{{ "," if not loop.last }}
{%- endfor %}
from {{ ref('base') }}
