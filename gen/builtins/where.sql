{#- A generic test's model, narrowed by its where config. -#}
{% macro get_where_subquery(relation) -%}
    {% do return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) %}
{%- endmacro %}

{% macro default__get_where_subquery(relation) -%}
    {% set cond = config.get('where', '') %}
    {% if cond %}
        {%- set narrowed -%}
            (select * from {{ relation }} where {{ cond }}) dbt_subquery
        {%- endset -%}
        {% do return(narrowed) %}
    {%- else -%}
        {% do return(relation) %}
    {%- endif -%}
{%- endmacro %}
