{% macro relation_audit(name) %}
{% if execute %}
  {% set rel = adapter.get_relation(database=target.database, schema=target.schema, identifier=name) %}
  {% do run_query("insert into " ~ target.schema ~ "_audit.runs (what, node) values ('relation', '" ~ (rel.type if rel else 'none') ~ "')") %}
  insert into {{ target.schema }}_audit.runs (what, node) values ('relation sql', '{{ rel.identifier if rel else "none" }}')
{% endif %}
{% endmacro %}
