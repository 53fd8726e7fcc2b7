select * from {{ source('raw', 't1') }} union all select * from {{ helpers.late_source('raw', 't2') }}
