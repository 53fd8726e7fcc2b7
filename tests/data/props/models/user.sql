select * from {{ ref('dep') }} cross join {{ ref('vm', v=1) }} cross join {{ ref('soon') }}
