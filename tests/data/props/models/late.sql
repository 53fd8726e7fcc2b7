{{ config(meta={'k': 1}, tags=['zz', 'aa'], bind=false, partition_by={'field': 'id'}) }}
{% if execute %}{% set r = run_query('select 1') %}{% endif %}
select 1 as id, 2 as x
