{{ config(materialized='table') }}
{% call wrap('r') %}
select {{ column_list(['order_id', 'total']) }} from {{ ref('big_orders') }}
{% endcall %}
