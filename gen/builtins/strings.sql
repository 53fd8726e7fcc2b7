{#- dbt's cross-database string macros, as dbt-postgres renders them
    (crossdb.sql says how they dispatch). -#}
{% macro concat(fields) %}{% do return(adapter.dispatch('concat', 'dbt')(fields)) %}{% endmacro %}
{% macro default__concat(fields) %}{% do dbt2ninja_postgres_only('concat') %}{{ fields | join(' || ') }}{% endmacro %}

{#- hash: md5 of the text of field -#}
{% macro hash(field) %}{% do return(adapter.dispatch('hash', 'dbt')(field)) %}{% endmacro %}
{% macro default__hash(field) %}{% do dbt2ninja_postgres_only('hash') %}md5(cast({{ field }} as TEXT)){% endmacro %}

{#- Literals: a quote doubled, and a value between quotes as it is. -#}
{% macro escape_single_quotes(expression) %}{% do return(adapter.dispatch('escape_single_quotes', 'dbt')(expression)) %}{% endmacro %}
{% macro default__escape_single_quotes(expression) %}{% do dbt2ninja_postgres_only('escape_single_quotes') %}{{ expression | replace("'", "''") }}{% endmacro %}

{% macro string_literal(value) %}{% do return(adapter.dispatch('string_literal', 'dbt')(value)) %}{% endmacro %}
{% macro default__string_literal(value) %}{% do dbt2ninja_postgres_only('string_literal') %}'{{ value }}'{% endmacro %}

{#- PostgreSQL's own functions, each argument on a line. -#}
{% macro replace(field, old_chars, new_chars) %}{% do return(adapter.dispatch('replace', 'dbt')(field, old_chars, new_chars)) %}{% endmacro %}
{% macro default__replace(field, old_chars, new_chars) %}{% do dbt2ninja_postgres_only('replace') %}

    replace(
        {{ field }},
        {{ old_chars }},
        {{ new_chars }}
    )


{% endmacro %}

{% macro length(expression) %}{% do return(adapter.dispatch('length', 'dbt')(expression)) %}{% endmacro %}
{% macro default__length(expression) %}{% do dbt2ninja_postgres_only('length') %}

    length(
        {{ expression }}
    ){% endmacro %}

{% macro position(substring_text, string_text) %}{% do return(adapter.dispatch('position', 'dbt')(substring_text, string_text)) %}{% endmacro %}
{% macro default__position(substring_text, string_text) %}{% do dbt2ninja_postgres_only('position') %}

    position(
        {{ substring_text }} in {{ string_text }}
    ){% endmacro %}

{% macro right(string_text, length_expression) %}{% do return(adapter.dispatch('right', 'dbt')(string_text, length_expression)) %}{% endmacro %}
{% macro default__right(string_text, length_expression) %}{% do dbt2ninja_postgres_only('right') %}

    right(
        {{ string_text }},
        {{ length_expression }}
    ){% endmacro %}
