select id, name from {{ ref('base_m') }}
