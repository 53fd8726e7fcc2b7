{#- graph read, then the database: the executor renders it, with graph -#}
{%- set names = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
    | map(attribute='name') | sort | join(',') -%}
{%- set n = run_query('select 7 as seven').columns[0].values()[0] if execute else 0 -%}
select {{ n }} as seven, '{{ names }}' as models
