{% if var('round') == 1 %}
select 1 as id, 'abcde'::varchar(5) as v, 'ab'::char(2) as c, 'x'::text as t, 'y'::varchar as u, 'z'::varchar(4) as n
{% else %}
select 2 as id, 'abcdefghij'::varchar(10) as v, 'abcd'::char(4) as c, 'x'::varchar(3) as t, 'y'::varchar(300) as u, 'z'::text as n
{% endif %}
