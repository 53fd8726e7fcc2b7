{{ config(schema='own', tags=['events']) }}
select
    {{ var('rate') }} as rate,
    '{{ var('label') }}' as label,
    {{ var('batch') | int * 2 }} as batch,
    '{{ label() }}' as pkg_label,
    '{{ greet() }}' as greeting
from {{ ref('pkg_base') }}
