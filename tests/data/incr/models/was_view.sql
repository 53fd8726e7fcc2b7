{{ config(materialized='view' if var('round') == 1 else 'incremental') }}
select {{ var('round') }} as id
