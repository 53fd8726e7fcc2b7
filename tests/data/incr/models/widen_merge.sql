{{ config(incremental_strategy='merge', unique_key='id', on_schema_change='append_new_columns') }}
{% if var('round') == 1 %}
select 1 as id, 'abc'::varchar(3) as v
{% else %}
select 1 as id, 'abcdefgh' as v, 2 as extra
{% endif %}
