{{ config(materialized='table', post_hook=[
  "{% if execute %}{% set n = run_query('select count(*) from ' ~ this).columns[0].values()[0] %}insert into " ~ target.schema ~ "_audit.runs (what, node, n) values ('post c', '{{ this.name }}', {{ n }}){% endif %}",
  "{% set rel = adapter.get_relation(database=this.database, schema=this.schema, identifier='b') %}insert into " ~ target.schema ~ "_audit.runs (what, node) values ('post c rel', '{{ rel.type if rel else 'none' }}')"
]) }}
select a.id, a.name from {{ ref('a') }} a join {{ ref('b') }} b on a.id = b.id
