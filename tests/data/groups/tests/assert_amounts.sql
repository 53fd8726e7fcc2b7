{{ config(severity='warn', group='finance') }}
select * from {{ ref('orders') }} where amount > 100000
