{# a relation that may be there: get_relation of another one #}
{% set other = adapter.get_relation(database=target.database, schema=target.schema, identifier='not_there') %}
{% set mine = adapter.get_relation(database=target.database, schema=target.schema, identifier='base') %}
select {{ 'true' if other is none else 'false' }} as missing,
  '{{ mine.type if mine is not none else "none" }}' as base_type,
  count(*) as n from {{ ref('base') }}
