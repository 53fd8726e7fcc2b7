{{ config(severity='error', tags=['sqltag']) }}
select 1 as id where false
