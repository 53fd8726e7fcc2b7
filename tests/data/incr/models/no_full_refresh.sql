{{ config(full_refresh=false, unique_key='id') }}
select {{ var('round') }} as id
