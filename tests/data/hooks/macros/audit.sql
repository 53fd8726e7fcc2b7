{% macro audit(what) %}insert into {{ target.schema }}_audit.runs values ('{{ what }}', '{{ this }}'){% endmacro %}
