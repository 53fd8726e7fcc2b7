select {{ dbt_utils.star(ref('orders2'), except=['greeting']) }}
from {{ ref('orders2') }}
