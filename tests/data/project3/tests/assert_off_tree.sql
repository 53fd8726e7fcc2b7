select * from {{ ref('base_m') }} where id < 0
