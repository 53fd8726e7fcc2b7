{# its post-hook drops it, as dbt_utils' integration tests drop a seed #}
{{ config(materialized='table',
    post_hook="{% do adapter.drop_relation(this.incorporate(type='table')) %}") }}
select 1 as x
