select id, name, extra, 'x' as more from {{ ref('base_m') }}
