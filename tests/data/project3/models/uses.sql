select d1.id, d2.more, d.name, f.name as fname
from {{ ref('dim', v=1) }} d1
join {{ ref('dim', version=2) }} d2 using (id)
join {{ ref('dim') }} d using (id)
join {{ ref('fct') }} f using (id)
join {{ ref('vers', 'fct', v='2') }} f2 using (id)
