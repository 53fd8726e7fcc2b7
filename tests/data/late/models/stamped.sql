{# timestamps from the database, printed as Python prints a datetime #}
select '{{ dbt_utils.get_single_value("select timestamp '2020-01-02 03:04:05.5'") }}'::text as frac,
  '{{ dbt_utils.get_single_value("select timestamp '2021-06-07 08:09:10'") }}'::text as whole
