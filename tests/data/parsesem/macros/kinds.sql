{% macro root_kind() %}r{% endmacro %}
