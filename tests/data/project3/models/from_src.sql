select id from {{ source('raw', 'kept') }}
