{% test has_kind(model, column_name, kinds) %}
select * from {{ model }} where {{ column_name }} not in ({{ helpers.kind_list(kinds) }})
{% endtest %}

{% macro kind_list(kinds) %}{% for k in kinds %}{{ adapter.dispatch('quote_kind', 'helpers')(k) }}{% if not loop.last %}, {% endif %}{% endfor %}{% endmacro %}

{% macro default__quote_kind(k) %}'{{ k }}'{% endmacro %}

{% macro kind_a() %}a{% endmacro %}
