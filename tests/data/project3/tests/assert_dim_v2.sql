select * from {{ ref('dim', v=2) }} where more is null
