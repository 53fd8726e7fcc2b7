select id from {{ ref('ps') }}
