{% macro audit(rel) %}insert into audit select count(*) from {{ rel }}{% endmacro %}
{% macro grant_all(rel) %}grant select on {{ rel }} to public{% endmacro %}
{% macro log_start() %}select 1{% endmacro %}
{% macro log_end(rel) %}analyze {{ rel }}{% endmacro %}
{% macro cleanup(name) %}delete from {{ ref(name) }} where false{% endmacro %}
