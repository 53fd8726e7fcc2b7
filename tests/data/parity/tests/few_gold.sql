-- thresholds: warn from 1, error from 10; counted by sum(n), at most 5 rows
{{ config(severity='error', warn_if='>= 1', error_if='>= 10', fail_calc='sum(n)', limit=5) }}
select tier, count(*) as n from {{ ref('customers') }} group by tier
