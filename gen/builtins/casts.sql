{#- dbt's cross-database casts (crossdb.sql says how they dispatch). -#}
{% macro cast(field, type) %}{% do return(adapter.dispatch('cast', 'dbt')(field, type)) %}{% endmacro %}
{% macro default__cast(field, type) %}{% do dbt2ninja_postgres_only('cast') %}
    cast({{ field }} as {{ type }})
{% endmacro %}
{% macro materialize__cast(field, type) %}{% do dbt2ninja_materialize_own('cast') %}{% endmacro %}

{% macro safe_cast(field, type) %}{% do return(adapter.dispatch('safe_cast', 'dbt')(field, type)) %}{% endmacro %}
{#- a plain cast, after a line of four spaces -#}
{% macro default__safe_cast(field, type) %}{% do dbt2ninja_postgres_only('safe_cast') %}
    {{ '' }}
    cast({{ field }} as {{ type }})
{% endmacro %}

{#- not returned: what the dispatched macro prints, indented -#}
{% macro cast_bool_to_text(field) %}
  {{ adapter.dispatch('cast_bool_to_text', 'dbt')(field) }}
{% endmacro %}
{% macro default__cast_bool_to_text(field) %}{% do dbt2ninja_postgres_only('cast_bool_to_text') %}
    cast({{ field }} as TEXT)
{% endmacro %}
