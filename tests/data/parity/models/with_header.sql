-- sql_header: a function the model's query needs
{{ config(materialized='table') }}
{% call set_sql_header(config) %}
create or replace function pg_temp.twice(x integer) returns integer language sql as $$ select 2 * x $$;
{% endcall %}
select id, pg_temp.twice(id) as id2 from {{ ref('stg_customers') }}
