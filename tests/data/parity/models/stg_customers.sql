-- a view, its description and its columns' persisted
select id, name, tier, signup_date, updated_at, active, score
from {{ ref('raw_customers') }}
