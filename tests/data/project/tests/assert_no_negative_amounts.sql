{{ config(severity='warn', tags=['money']) }}
-- a singular test: rows are failures
select * from {{ ref('stg_payments') }} where amount < 0
