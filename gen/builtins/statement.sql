{#- dbt's statement blocks and run_query: what the statement returns is
    kept under its name for load_result. At parse time (execute false)
    nothing runs, and load_result answers none; when a node's render
    needs them it is rendered on its connection, when it runs. -#}
{%- macro statement(name=None, fetch_result=False, auto_begin=True, language='sql') -%}
  {%- if execute: -%}
    {%- set compiled_code = caller() -%}
    {%- if name == 'main' -%}
      {%- do exceptions.raise_compiler_error("statement('main'): only a materialization runs its main statement, and dbt2ninja's are its own") -%}
    {%- endif -%}
    {%- if language != 'sql' -%}
      {%- do exceptions.raise_compiler_error("statement macro didn't get supported language") -%}
    {%- endif -%}
    {%- set res, table = adapter.execute(compiled_code, auto_begin=auto_begin, fetch=fetch_result) -%}
    {%- if name is not none -%}
      {{ store_result(name, response=res, agate_table=table) }}
    {%- endif -%}
  {%- endif -%}
{%- endmacro %}

{% macro run_query(sql) %}
  {% call statement("run_query_statement", fetch_result=true, auto_begin=false) %}
    {{ sql }}
  {% endcall %}

  {% do return(load_result("run_query_statement").table) %}
{% endmacro %}
