{{ config(on_schema_change='append_new_columns') }}
{% if var('round') == 1 %}
select 1 as id, 'x' as x, 'y' as y, 'abc'::char(3) as ch
{% else %}
select 2 as id, 'y' as y, 'z' as z, 'w'::char(2) as w, 'abc'::char(3) as ch,
    '2024-01-02 03:04:05.678'::timestamp(2) as ts, 7.25::numeric(5,2) as amount
{% endif %}
