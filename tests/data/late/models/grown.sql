{{ config(materialized='incremental', unique_key='id',
    pre_hook="insert into {{ target.schema }}.hooklog select 'pre', {{ 'true' if is_incremental() else 'false' }}, (select count(*) from {{ ref('base') }})",
    post_hook="comment on table {{ this }} is '{{ \"incremental\" if is_incremental() else \"first\" }}'") }}
select id, kind, price from {{ ref('base') }}
{% if is_incremental() %}
{% set top = run_query("select coalesce(max(id), 0) from " ~ this) %}
where id > {{ top.rows[0][0] }}
{% endif %}
