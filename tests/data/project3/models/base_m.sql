select id, name, id * 10 as extra from {{ ref('base') }}
