select * from {{ ref('off_call') }} where id < 0
