{% macro pkg_cast(x) %}cast({{ x }} as integer){% endmacro %}

{% macro label() %}package{% endmacro %}

{% macro greet() %}{{ return(adapter.dispatch('greet', 'mypkg')()) }}{% endmacro %}

{% macro default__greet() %}hello from the package{% endmacro %}
