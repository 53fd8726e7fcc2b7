{#- dbt's cross-database listagg (crossdb.sql says how it dispatches):
    the measures joined by the delimiter, in the order of the
    order by clause, the first limit_num of them. -#}
{% macro listagg(measure, delimiter_text="','", order_by_clause=none, limit_num=none) %}{% do return(adapter.dispatch('listagg', 'dbt')(measure, delimiter_text, order_by_clause, limit_num)) %}{% endmacro %}
{% macro default__listagg(measure, delimiter_text, order_by_clause, limit_num) %}{% do dbt2ninja_postgres_only('listagg') %}
    {%- set ordered = 'within group (' ~ order_by_clause ~ ')' if order_by_clause else '' -%}
    {%- if limit_num -%}
    array_to_string(
        array_slice(
            array_agg(
                {{ measure }}
            ){{ ordered }}
            ,0
            ,{{ limit_num }}
        ),
        {{ delimiter_text }}
        )
    {%- else %}
    listagg(
        {{ measure }},
        {{ delimiter_text }}
        )
        {{ ordered }}
    {%- endif %}
{%- endmacro %}
{% macro postgres__listagg(measure, delimiter_text, order_by_clause, limit_num) %}{% do dbt2ninja_postgres_only('listagg') %}
    {%- set ordered = order_by_clause if order_by_clause else '' -%}
    {%- if limit_num -%}
    array_to_string(
        (array_agg(
            {{ measure }}
            {{ ordered }}
        ))[1:{{ limit_num }}],
        {{ delimiter_text }}
        )
    {%- else %}
    string_agg(
        {{ measure }},
        {{ delimiter_text }}
        {{ ordered }}
        )
    {%- endif %}
{%- endmacro %}
{% macro materialize__listagg(measure, delimiter_text, order_by_clause, limit_num) %}{% do dbt2ninja_materialize_own('listagg') %}{% endmacro %}
