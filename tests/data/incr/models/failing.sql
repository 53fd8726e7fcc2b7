{{ config(on_schema_change='fail') }}
{% if var('round') == 1 %}
select 1 as id, 'a'::varchar(3) as v
{% else %}
select 2 as id, 'abcd'::varchar(4) as v, 4 as z
{% endif %}
