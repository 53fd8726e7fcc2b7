{#- dbt's cross-database date literal and current time (crossdb.sql
    says how they dispatch). date: a literal of the date year-month-day,
    which must exist, its year not padded (as Python's strftime). -#}
{% macro date(year, month, day) %}{% do return(adapter.dispatch('date', 'dbt')(year, month, day)) %}{% endmacro %}
{% macro default__date(year, month, day) %}{% do dbt2ninja_postgres_only('date') %}
    {%- for x in [year, month, day] -%}
        {%- if x is not integer or x is boolean -%}
            {%- do exceptions.raise_compiler_error("unsupported: dbt.date() of " ~ x ~ ", not an integer") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) -%}
    {%- set days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
    {%- if year < 1 or year > 9999 -%}
        {%- do exceptions.raise_compiler_error("year " ~ year ~ " is out of range") -%}
    {%- elif month < 1 or month > 12 -%}
        {%- do exceptions.raise_compiler_error("month must be in 1..12") -%}
    {%- elif day < 1 or day > days[month - 1] -%}
        {%- do exceptions.raise_compiler_error("day is out of range for month") -%}
    {%- endif -%}
    to_date('{{ year }}-{{ '%02d' | format(month) }}-{{ '%02d' | format(day) }}', 'YYYY-MM-DD')
{%- endmacro %}

{#- The current time: PostgreSQL's now(); the backcompat forms cast
    current_timestamp to the timestamp type. -#}
{% macro current_timestamp() -%}
    {{ adapter.dispatch('current_timestamp', 'dbt')() }}
{%- endmacro %}
{% macro default__current_timestamp() %}{% do dbt2ninja_postgres_only('current_timestamp') %}
    {%- do exceptions.raise_compiler_error('current_timestamp macro not implemented for adapter ' ~ target.type) -%}
{% endmacro %}
{% macro postgres__current_timestamp() %}{% do dbt2ninja_postgres_only('current_timestamp') %}now(){% endmacro %}

{% macro current_timestamp_backcompat() %}{% do return(adapter.dispatch('current_timestamp_backcompat', 'dbt')()) %}{% endmacro %}
{% macro default__current_timestamp_backcompat() %}{% do dbt2ninja_postgres_only('current_timestamp_backcompat') %}
    current_timestamp::timestamp
{% endmacro %}
{% macro postgres__current_timestamp_backcompat() %}{% do dbt2ninja_postgres_only('current_timestamp_backcompat') %}
    current_timestamp::{{ type_timestamp() }}
{% endmacro %}

{% macro current_timestamp_in_utc_backcompat() %}{% do return(adapter.dispatch('current_timestamp_in_utc_backcompat', 'dbt')()) %}{% endmacro %}
{% macro default__current_timestamp_in_utc_backcompat() %}{% do dbt2ninja_postgres_only('current_timestamp_in_utc_backcompat') %}
    {%- do return(adapter.dispatch('current_timestamp_backcompat', 'dbt')()) -%}
{% endmacro %}
{% macro postgres__current_timestamp_in_utc_backcompat() %}{% do dbt2ninja_postgres_only('current_timestamp_in_utc_backcompat') %}
    (current_timestamp at time zone 'utc')::{{ type_timestamp() }}
{% endmacro %}
