{#- graph.nodes in dbt's order: its parse's, from the file system -#}
select
{%- if execute %}
{%- for n in graph.nodes.values() %}
    '{{ n.unique_id }}' as n{{ loop.index }}{{ "," if not loop.last }}
{%- endfor %}
{%- else %} 1 as n1
{%- endif %}
