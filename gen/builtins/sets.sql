{#- dbt's cross-database aggregates, set operators and arrays
    (crossdb.sql says how they dispatch). PostgreSQL has no any_value
    (before 16): min stands in. -#}
{% macro any_value(expression) %}{% do return(adapter.dispatch('any_value', 'dbt')(expression)) %}{% endmacro %}
{% macro default__any_value(expression) %}{% do dbt2ninja_postgres_only('any_value') %}any_value({{ expression }}){% endmacro %}
{% macro postgres__any_value(expression) %}{% do dbt2ninja_postgres_only('any_value') %}min({{ expression }}){% endmacro %}

{% macro bool_or(expression) %}{% do return(adapter.dispatch('bool_or', 'dbt')(expression)) %}{% endmacro %}
{% macro default__bool_or(expression) %}{% do dbt2ninja_postgres_only('bool_or') %}bool_or({{ expression }}){% endmacro %}

{#- Set operators, on lines of their own. -#}
{% macro except() %}{% do return(adapter.dispatch('except', 'dbt')()) %}{% endmacro %}
{% macro default__except() %}{% do dbt2ninja_postgres_only('except') %}{{ '\n\n    except\n\n' }}{% endmacro %}

{% macro intersect() %}{% do return(adapter.dispatch('intersect', 'dbt')()) %}{% endmacro %}
{% macro default__intersect() %}{% do dbt2ninja_postgres_only('intersect') %}{{ '\n\n    intersect\n\n' }}{% endmacro %}

{#- Arrays. The empty array's type defaults to the integer label. -#}
{% macro array_construct(inputs=[], data_type='integer') %}{% do return(adapter.dispatch('array_construct', 'dbt')(inputs, data_type)) %}{% endmacro %}
{% macro default__array_construct(inputs, data_type) %}{% do dbt2ninja_postgres_only('array_construct') %}
    {% if inputs | length == 0 %}array[]::{{ data_type }}[]{% else %}array[ {{ inputs | join(' , ') }} ]{% endif %}
    {{ '' }}{% endmacro %}

{% macro array_append(array, new_element) %}{% do return(adapter.dispatch('array_append', 'dbt')(array, new_element)) %}{% endmacro %}
{% macro default__array_append(array, new_element) %}{% do dbt2ninja_postgres_only('array_append') %}array_append({{ array }}, {{ new_element }}){% endmacro %}

{% macro array_concat(array_1, array_2) %}{% do return(adapter.dispatch('array_concat', 'dbt')(array_1, array_2)) %}{% endmacro %}
{% macro default__array_concat(array_1, array_2) %}{% do dbt2ninja_postgres_only('array_concat') %}array_cat({{ array_1 }}, {{ array_2 }}){% endmacro %}
