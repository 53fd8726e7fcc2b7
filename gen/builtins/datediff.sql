{#- dbt's cross-database datediff (crossdb.sql says how it dispatches):
    second_date less first_date in dateparts, as dbt-postgres counts
    them: years and days directly, weeks from the days and the days of
    the week, each other datepart as the coarser datepart's difference
    scaled plus the difference of its own field. -#}
{% macro datediff(first_date, second_date, datepart) %}{% do return(adapter.dispatch('datediff', 'dbt')(first_date, second_date, datepart)) %}{% endmacro %}
{% macro default__datediff(first_date, second_date, datepart) %}{% do dbt2ninja_postgres_only('datediff') %}datediff(
        {{ datepart }},
        {{ first_date }},
        {{ second_date }}
        ){% endmacro %}
{% macro postgres__datediff(first_date, second_date, datepart) %}{% do dbt2ninja_postgres_only('datediff') %}
    {%- set scaled = {
        'quarter': ['year', 4, 'date', false],
        'month': ['year', 12, 'date', false],
        'hour': ['day', 24, 'timestamp', false],
        'minute': ['hour', 60, 'timestamp', false],
        'second': ['minute', 60, 'timestamp', true],
        'millisecond': ['minute', 60000, 'timestamp', true],
        'microsecond': ['minute', 60000000, 'timestamp', true]} -%}
    {%- set f, s = first_date, second_date -%}
    {%- if datepart == 'year' -%}
        {%- set sql = "(date_part('year', (" ~ s ~ ")::date) - date_part('year', (" ~ f ~ ")::date))" -%}
    {%- elif datepart == 'day' -%}
        {%- set sql = "((" ~ s ~ ")::date - (" ~ f ~ ")::date)" -%}
    {%- elif datepart == 'week' -%}
        {%- set sql = "(" ~ datediff(f, s, 'day') ~ " / 7 + case\n"
            ~ "            when date_part('dow', (" ~ f ~ ")::timestamp) <= date_part('dow', (" ~ s ~ ")::timestamp) then\n"
            ~ "                case when " ~ f ~ " <= " ~ s ~ " then 0 else -1 end\n"
            ~ "            else\n"
            ~ "                case when " ~ f ~ " <= " ~ s ~ " then 1 else 0 end\n"
            ~ "        end)" -%}
    {%- elif datepart is string and datepart in scaled -%}
        {%- set coarser, factor, cast_to, floored = scaled[datepart] -%}
        {%- set parts = [] -%}
        {%- for d in [s, f] -%}
            {%- set p = "date_part('" ~ datepart ~ "', (" ~ d ~ ")::" ~ cast_to ~ ")" -%}
            {%- do parts.append("floor(" ~ p ~ ")" if floored else p) -%}
        {%- endfor -%}
        {%- set sql = "(" ~ datediff(f, s, coarser) ~ " * " ~ factor ~ " + " ~ parts[0] ~ " - " ~ parts[1] ~ ")" -%}
    {%- else -%}
        {%- do exceptions.raise_compiler_error("Unsupported datepart for macro datediff in postgres: {!r}".format(datepart)) -%}
    {%- endif -%}
    {{ '\n        ' ~ sql ~ '\n    ' }}
{%- endmacro %}
{% macro materialize__datediff(first_date, second_date, datepart) %}{% do dbt2ninja_materialize_own('datediff') %}{% endmacro %}
