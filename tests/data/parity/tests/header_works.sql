select * from {{ ref('with_header') }} where id2 <> 2 * id
