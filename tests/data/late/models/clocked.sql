{#- reads the clock: rendered when it runs, with the executor's clock -#}
{%- set now = modules.datetime.datetime.now() -%}
select {{ now.year >= 2024 }} as recent,
  '{{ modules.datetime.date(1997, 9, 29) + modules.datetime.timedelta(days=3) }}'::date as d,
  {{ (now - now.replace(microsecond=0)).total_seconds() < 1 }} as whole
