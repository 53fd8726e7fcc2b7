{#- dbt's cross-database date and time macros, as dbt-postgres renders
    them (crossdb.sql says how they dispatch). -#}
{% macro date_trunc(datepart, date) %}{% do return(adapter.dispatch('date_trunc', 'dbt')(datepart, date)) %}{% endmacro %}
{% macro default__date_trunc(datepart, date) %}{% do dbt2ninja_postgres_only('date_trunc') %}date_trunc('{{ datepart }}', {{ date }}){% endmacro %}

{#- dateadd: PostgreSQL multiplies an interval of one datepart. -#}
{% macro dateadd(datepart, interval, from_date_or_timestamp) %}{% do return(adapter.dispatch('dateadd', 'dbt')(datepart, interval, from_date_or_timestamp)) %}{% endmacro %}
{% macro default__dateadd(datepart, interval, from_date_or_timestamp) %}{% do dbt2ninja_postgres_only('dateadd') %}

    dateadd(
        {{ datepart }},
        {{ interval }},
        {{ from_date_or_timestamp }}
        )

{% endmacro %}
{% macro postgres__dateadd(datepart, interval, from_date_or_timestamp) %}{% do dbt2ninja_postgres_only('dateadd') %}

    {{ from_date_or_timestamp }} + ((interval '1 {{ datepart }}') * ({{ interval }}))

{% endmacro %}
{% macro materialize__dateadd(datepart, interval, from_date_or_timestamp) %}{% do dbt2ninja_materialize_own('dateadd') %}{% endmacro %}

{#- last_day: the day before the start of the next datepart; PostgreSQL
    adds three months for a quarter. -#}
{% macro last_day(date, datepart) %}{% do return(adapter.dispatch('last_day', 'dbt')(date, datepart)) %}{% endmacro %}
{% macro default_last_day(date, datepart) -%}
    {%- set next = dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date)) -%}
    cast(
        {{ dbt.dateadd('day', '-1', next) }}
        as date)
{%- endmacro %}
{% macro default__last_day(date, datepart) %}{% do dbt2ninja_postgres_only('last_day') %}{{ dbt.default_last_day(date, datepart) }}{% endmacro %}
{% macro postgres__last_day(date, datepart) %}{% do dbt2ninja_postgres_only('last_day') %}
    {%- if datepart != 'quarter' -%}
        {{ dbt.default_last_day(date, datepart) }}
    {%- else -%}
        {%- set next = dbt.dateadd('month', '3', dbt.date_trunc(datepart, date)) -%}
        -- postgres dateadd does not support quarter interval.
    cast(
        {{ dbt.dateadd('day', '-1', next) }}
        as date)
    {%- endif -%}
{% endmacro %}
{% macro materialize__last_day(date, datepart) %}{% do dbt2ninja_materialize_own('last_day') %}{% endmacro %}
