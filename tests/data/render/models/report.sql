{{ config(materialized='table') }}
-- the big orders, wrapped: a comment before WITH, as dbt's sqlparse reads it
with big as (select * from {{ ref('big_orders') }})
{% call wrap('r') %}
select {{ column_list(['order_id', 'total']) }} from big
{% endcall %}
