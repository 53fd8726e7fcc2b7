{#- graph.nodes, graph.sources and graph.exposures in dbt's order: its parse's, from the file system -#}
select
{%- if execute %}
{%- for n in graph.nodes.values() %}
    '{{ n.unique_id }}' as n{{ loop.index }},
{%- endfor %}
{%- for s in graph.sources.values() %}
    '{{ s.unique_id }}' as s{{ loop.index }},
{%- endfor %}
{%- for x in graph.exposures.values() %}
    '{{ x.unique_id }}' as x{{ loop.index }}{{ "," if not loop.last }}
{%- endfor %}
{%- else %} 1 as n1
{%- endif %}
