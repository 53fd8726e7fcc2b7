{{ config(materialized='table') }}
select
    id,
    order_id,
    {{ label('method') }} as method,
    {{ cents_to_dollars('amount') }} as amount,
    {{ var('rate') }} * 1 as rate,
    '{{ env_var("RENDER_REGION", "eu") }}' as region
from {{ ref('payments') }}
