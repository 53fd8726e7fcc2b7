{{ config(on_schema_change='sync_all_columns') }}
{% if var('round') == 1 %}
select 1 as id, array[1] as f
{% else %}
select 2 as id, array['x'] as f
{% endif %}
