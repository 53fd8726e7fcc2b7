{{ config(on_schema_change='sync_all_columns', unique_key='id') }}
{% if var('round') == 1 %}
select 1 as id, 1 as a, 'b'::text as b, 'd'::varchar(5) as d, 1.5::numeric(4,1) as e
{% else %}
select 2 as id, 'two'::text as a, 3 as c, 'dd'::varchar(3) as d, 2.5::numeric(6,2) as e
{% endif %}
