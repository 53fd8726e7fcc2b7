{% macro row_count(rel) %}
  {% if not execute %}{{ return(0) }}{% endif %}
  {% call statement('counted', fetch_result=True) %}
    select count(*) as n from {{ rel }}
  {% endcall %}
  {% set res = load_result('counted') %}
  {{ return(res['data'][0][0]) }}
{% endmacro %}
