{% macro passthrough(x) %}{{ x.anything }}{{ x['item'](1) }}{% endmacro %}

{% macro inc_or_not() %}{% if is_incremental() %}1{% else %}0{% endif %}{% endmacro %}

{% macro late_source(s, t) %}{% if execute %}{{ source(s, t) }}{% endif %}{% endmacro %}
