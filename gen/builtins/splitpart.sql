{#- dbt's cross-database split_part (crossdb.sql says how it dispatches).
    PostgreSQL counts a negative part from the end only from version 14:
    dbt-postgres turns it into a part from the start, the string's length
    less its length without the delimiters, plus 2 and the negative part
    (a delimiter of more than one character counted by its characters,
    as there). -#}
{% macro split_part(string_text, delimiter_text, part_number) %}{% do return(adapter.dispatch('split_part', 'dbt')(string_text, delimiter_text, part_number)) %}{% endmacro %}
{% macro default__split_part(string_text, delimiter_text, part_number) %}{% do dbt2ninja_postgres_only('split_part') %}

    split_part(
        {{ string_text }},
        {{ delimiter_text }},
        {{ part_number }}
        )

{% endmacro %}
{% macro _split_part_negative(string_text, delimiter_text, part_number) %}{% do dbt2ninja_postgres_only('split_part') %}

    split_part(
        {{ string_text }},
        {{ delimiter_text }},
          length({{ string_text }})
          - length(
              replace({{ string_text }},  {{ delimiter_text }}, '')
          ) + 2 + {{ part_number }}
        )

{% endmacro %}
{% macro postgres__split_part(string_text, delimiter_text, part_number) %}{% do dbt2ninja_postgres_only('split_part') %}
    {%- if part_number < 0 -%}
        {%- set part = dbt._split_part_negative(string_text, delimiter_text, part_number) -%}
    {%- else -%}
        {%- set part = dbt.default__split_part(string_text, delimiter_text, part_number) -%}
    {%- endif -%}
    {{ '\n\n  \n    ' ~ part ~ '\n  \n\n' }}
{%- endmacro %}
