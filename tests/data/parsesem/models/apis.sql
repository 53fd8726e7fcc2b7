{% set r = api.Relation.create(database='d', schema='s', identifier='t') %}
{{ config(tags=[r | string, api.Relation.create(identifier='x').render(), api.Relation.add_ephemeral_prefix('e'),
    api.Column.translate_type('string'), api.Column.numeric_type('numeric', 10, 2),
    ref('base').information_schema('columns') | string, this.information_schema() | string]) }}
select '{{ api.Column.translate_type("string") }}' as a, '{{ ref("base").information_schema("tables") }}' as b,
    '{{ api.Relation.create(schema="s", identifier="t") }}' as c
