{% macro cents_to_dollars(col, scale=2) -%}
    round({{ col }} / 100.0, {{ scale }})
{%- endmacro %}

{% macro label(x) %}{{ return(adapter.dispatch('label')(x)) }}{% endmacro %}
{% macro default__label(x) %}upper({{ x }}){% endmacro %}
{% macro postgres__label(x) %}lower({{ x }}){% endmacro %}

{% macro wrap(alias='w') -%}
select * from (
{{ caller() }}
) {{ alias }}
{%- endmacro %}

{% macro column_list(cols) -%}
{%- for c in cols %}{{ c }}{% if not loop.last %}, {% endif %}{% endfor -%}
{%- endmacro %}
