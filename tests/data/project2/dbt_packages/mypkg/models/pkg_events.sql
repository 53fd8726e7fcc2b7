{{ config(schema='own', tags=['events']) }}
select
    {{ var('rate') }} as rate,
    '{{ var('label') }}' as label,
    '{{ label() }}' as pkg_label,
    '{{ greet() }}' as greeting
from {{ ref('pkg_base') }}
