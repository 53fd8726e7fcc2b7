{#- dbt's equals, get_intervals_between and date_spine, as dbt-postgres
    renders them (crossdb.sql says how they dispatch). -#}

{#- equals: = as SQL has it, or, under the project's flag
    enable_truthy_nulls_equals_macro, two nulls equal too. -#}
{% macro equals(expr1, expr2) %}{% do return(adapter.dispatch('equals', 'dbt')(expr1, expr2)) %}{% endmacro %}
{% macro default__equals(expr1, expr2) %}{% do dbt2ninja_postgres_only('equals') %}
    {%- if adapter.behavior.enable_truthy_nulls_equals_macro.no_warn -%}
        {{ '\n    case when ((' ~ expr1 ~ ' = ' ~ expr2 ~ ') or (' ~ expr1 ~ ' is null and '
            ~ expr2 ~ ' is null))\n        then 0\n        else 1\n    end = 0\n' }}
    {%- else -%}
        {{ '(' ~ expr1 ~ ' = ' ~ expr2 ~ ')\n' }}
    {%- endif -%}
{% endmacro %}
{% macro postgres__equals(expr1, expr2) %}{% do dbt2ninja_postgres_only('equals') %}
    {%- if adapter.behavior.enable_truthy_nulls_equals_macro.no_warn -%}
        {{ '\n    (' ~ expr1 ~ ' IS NOT DISTINCT FROM ' ~ expr2 ~ ')' }}
    {%- else -%}
        {{ '(' ~ expr1 ~ ' = ' ~ expr2 ~ ')' }}
    {%- endif -%}
{% endmacro %}

{#- get_intervals_between: the database's datediff of the two, the first
    value of the statement's first row, as dbt's statement block and
    load_result give it; 1 when the statement returns no row, and at
    parse, where no statement runs. A number that is not an int in the
    database (agate's Decimal) is the int or float that prints and
    compares as that Decimal does. -#}
{% macro get_intervals_between(start_date, end_date, datepart) %}{% do return(adapter.dispatch('get_intervals_between', 'dbt')(start_date, end_date, datepart)) %}{% endmacro %}
{% macro default__get_intervals_between(start_date, end_date, datepart) %}{% do dbt2ninja_postgres_only('get_intervals_between') %}
    {%- if not execute -%}
        {%- do return(1) -%}
    {%- endif -%}
    {%- set response, table = adapter.execute('\n\n        select ' ~ dbt.datediff(start_date, end_date, datepart),
        auto_begin=True, fetch=True) -%}
    {%- if table.rows | length == 0 -%}
        {%- do return(1) -%}
    {%- endif -%}
    {%- set value = table.rows[0][0] -%}
    {%- if value is none or value is integer -%}
        {%- do return(value) -%}
    {%- endif -%}
    {%- set text = value | string -%}
    {%- if text.lstrip('-').isdigit() -%}
        {%- do return(text | int) -%}
    {%- elif text | float | string == text -%}
        {%- do return(text | float) -%}
    {%- endif -%}
    {%- do exceptions.raise_compiler_error("unsupported: dbt.get_intervals_between, where the database's datediff is "
        ~ text ~ " (dbt2ninja cannot reckon with it as dbt's Decimal)") -%}
{% endmacro %}

{#- date_spine: a row for each datepart from start_date up to end_date,
    as many as the database counts between them. -#}
{% macro date_spine(datepart, start_date, end_date) %}{% do return(adapter.dispatch('date_spine', 'dbt')(datepart, start_date, end_date)) %}{% endmacro %}
{% macro default__date_spine(datepart, start_date, end_date) %}{% do dbt2ninja_postgres_only('date_spine') %}
    {%- set intervals = dbt.get_intervals_between(start_date, end_date, datepart) -%}
    {%- set column = 'date_' ~ datepart -%}
    {{- '\n\n\n    \n\n\n    ' -}}
    with rawdata as (

        {{ dbt.generate_series(intervals) }}

    ),

    all_periods as (

        select (
            {{ dbt.dateadd(datepart, "row_number() over (order by 1) - 1", start_date) }}
        ) as {{ column }}
        from rawdata

    ),

    filtered as (

        select *
        from all_periods
        where {{ column }} <= {{ end_date }}

    )

    select * from filtered

{% endmacro %}
