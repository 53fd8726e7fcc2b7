select
    e.rate,
    e.label,
    {{ mypkg.pkg_cast("'5'") }} as five,
    '{{ label() }}' as root_label,
    '{{ mypkg.greet() }}' as greeting,
    b.id
from {{ ref('mypkg', 'pkg_events') }} e
cross join {{ ref('pkg_base') }} b
