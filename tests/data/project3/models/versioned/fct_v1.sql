select id from {{ ref('base_m') }}
