{# the project as graph gives it when dbt compiles: every model's name and
   materialization, in the graph's order, its tests, a node by unique_id #}
{%- set models = [] -%}
{%- set tests = [] -%}
{%- if execute -%}
{%- for n in graph.nodes.values() if n.package_name == project_name -%}
  {%- if n.resource_type == 'model' -%}
    {%- do models.append(n.name ~ ':' ~ n.config.materialized) -%}
  {%- elif n.resource_type == 'test' -%}
    {%- do tests.append(n.test_metadata.name) -%}
  {%- endif -%}
{%- endfor -%}
{%- endif %}
select '{{ models | join(",") }}' as models,
  '{{ tests | sort | join(",") }}' as tests,
  {{ graph.get('sources', {}) | length if execute else 0 }} as sources,
  '{{ graph.nodes["model.ledger.report"].depends_on.nodes | join(",") if execute }}' as report_parents,
  (select count(*) from {{ ref('stg_payments').information_schema('columns') }}
    where table_name = 'stg_payments') as payment_columns,
  '{{ this.information_schema('tables').include(database=False) }}' as info_schema
