{% macro label() %}root{% endmacro %}

{% macro postgres__greet() %}hello from the root{% endmacro %}

{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ target.schema }}_x_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
