{{ config(store_failures=true, store_failures_as='view') }}
select * from {{ ref('customers') }} where score < 2
