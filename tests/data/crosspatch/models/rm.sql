select * from {{ ref('pm') }}
