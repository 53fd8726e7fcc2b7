{% test dbt_utils_free_test(model) %}select * from {{ model }} where false{% endtest %}
