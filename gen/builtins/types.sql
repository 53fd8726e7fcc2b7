{#- dbt's cross-database types (crossdb.sql says how they dispatch): what
    dbt-postgres's Column makes of dbt's type labels (only "string" is
    translated), and numeric with dbt's precision and scale. -#}
{% macro type_string() %}{% do return(adapter.dispatch('type_string', 'dbt')()) %}{% endmacro %}
{% macro default__type_string() %}{% do dbt2ninja_postgres_only('type_string') %}{% do return('TEXT') %}{% endmacro %}

{% macro type_timestamp() %}{% do return(adapter.dispatch('type_timestamp', 'dbt')()) %}{% endmacro %}
{% macro default__type_timestamp() %}{% do dbt2ninja_postgres_only('type_timestamp') %}{% do return('timestamp') %}{% endmacro %}

{% macro type_float() %}{% do return(adapter.dispatch('type_float', 'dbt')()) %}{% endmacro %}
{% macro default__type_float() %}{% do dbt2ninja_postgres_only('type_float') %}{% do return('float') %}{% endmacro %}

{% macro type_numeric() %}{% do return(adapter.dispatch('type_numeric', 'dbt')()) %}{% endmacro %}
{% macro default__type_numeric() %}{% do dbt2ninja_postgres_only('type_numeric') %}{% do return('numeric(28,6)') %}{% endmacro %}

{% macro type_bigint() %}{% do return(adapter.dispatch('type_bigint', 'dbt')()) %}{% endmacro %}
{% macro default__type_bigint() %}{% do dbt2ninja_postgres_only('type_bigint') %}{% do return('bigint') %}{% endmacro %}

{% macro type_int() %}{% do return(adapter.dispatch('type_int', 'dbt')()) %}{% endmacro %}
{% macro default__type_int() %}{% do dbt2ninja_postgres_only('type_int') %}{% do return('integer') %}{% endmacro %}

{% macro type_boolean() %}{% do return(adapter.dispatch('type_boolean', 'dbt')()) %}{% endmacro %}
{% macro default__type_boolean() %}{% do dbt2ninja_postgres_only('type_boolean') %}{% do return('boolean') %}{% endmacro %}
