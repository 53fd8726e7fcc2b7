select * from {{ ref('shared', 'shared_dim') }}
