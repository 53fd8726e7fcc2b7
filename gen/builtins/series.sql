{#- dbt's cross-database generate_series (crossdb.sql says how it
    dispatches): the numbers 1 to upper_bound, as the sums of the bits of
    as many cross joined pairs (0, 1) as upper_bound needs. -#}
{% macro get_powers_of_two(upper_bound) %}{% do return(adapter.dispatch('get_powers_of_two', 'dbt')(upper_bound)) %}{% endmacro %}
{% macro default__get_powers_of_two(upper_bound) %}{% do dbt2ninja_postgres_only('get_powers_of_two') %}
    {%- if upper_bound <= 0 -%}
        {%- do exceptions.raise_compiler_error("upper bound must be positive") -%}
    {%- endif -%}
    {%- for bits in range(1, 63) if upper_bound <= 2 ** bits -%}
        {%- do return(bits) -%}
    {%- endfor -%}
    {%- do exceptions.raise_compiler_error("unsupported: dbt.get_powers_of_two of " ~ upper_bound ~ ", more than 2 ** 62") -%}
{% endmacro %}

{% macro generate_series(upper_bound) %}{% do return(adapter.dispatch('generate_series', 'dbt')(upper_bound)) %}{% endmacro %}
{% macro default__generate_series(upper_bound) %}{% do dbt2ninja_postgres_only('generate_series') %}
    {%- set bits = dbt.get_powers_of_two(upper_bound) -%}
    {%- set sum, pairs = [], [] -%}
    {%- for i in range(bits) -%}
        {%- do sum.append('\n    p' ~ i ~ '.generated_number * power(2, ' ~ i ~ ')\n    '
            ~ ('' if loop.last else ' + ') ~ '\n    ') -%}
        {%- do pairs.append('\n    p as p' ~ i ~ '\n    ' ~ ('' if loop.last else ' cross join ') ~ '\n    ') -%}
    {%- endfor %}

    {{ '' }}

    with p as (
        select 0 as generated_number union all select 1
    ), unioned as (

    select

    {{ sum | join('') }}
    + 1
    as generated_number

    from

    {{ pairs | join('') }}

    )

    select *
    from unioned
    where generated_number <= {{ upper_bound }}
    order by generated_number

{% endmacro %}
