{{ config(materialized='view', post_hook={"sql": "select '{{ this }}' as x", "transaction": false}) }}
select * from {{ ref('a') }} union all select * from {{ ref('eph') }}
