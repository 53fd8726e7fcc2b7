{#- A project's own versions of dbt's cross-database macros: dbt's
    dispatch decides which of them win. -#}
{% macro postgres__dateadd(datepart, interval, from_date_or_timestamp) -%}
    ({{ from_date_or_timestamp }} + {{ interval }} * interval '1 {{ datepart }}')
{%- endmacro %}

{% macro default__hash(field) -%}
    md5(({{ field }})::text)
{%- endmacro %}

{#- dbt-postgres has its own, but the project's namespace is searched
    first, every prefix, then dbt's: these win too -#}
{% macro default__datediff(first_date, second_date, datepart) -%}
    (({{ second_date }})::date - ({{ first_date }})::date + 1000)
{%- endmacro %}

{% macro default__any_value(expression) -%}
    max({{ expression }})
{%- endmacro %}

{% macro default__type_string() %}{{ return('varchar') }}{% endmacro %}

{#- the project's type_timestamp, where a name is looked up bare -#}
{% macro type_timestamp() %}{{ return('timestamptz') }}{% endmacro %}
