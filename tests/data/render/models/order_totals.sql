{% set methods = fromjson('["card", "coupon"]') + fromyaml('- transfer') %}
with p as (
    select * from {{ ref('stg_payments') }}
)
select
    order_id,
    {% for m in methods -%}
    sum(case when method = '{{ m }}' then amount else 0 end) as {{ m }}_amount,
    {% endfor -%}
    sum(amount) as total
from p
group by 1
