-- a table: indexes, grants, hooks in and out of the transaction, unlogged
{{ config(
    materialized='table',
    unlogged=true,
    indexes=[
      {'columns': ['id'], 'unique': true},
      {'columns': ['tier', 'name']},
      {'columns': ['name'], 'type': 'hash'},
    ],
    grants={'select': ['reader']},
    pre_hook=[before_begin("create table if not exists public.hook_log (model text, step text, n bigint)"),
              "insert into public.hook_log values ('customers', 'pre', 0)"],
    post_hook=["insert into public.hook_log select 'customers', 'post', count(*) from {{ this }}",
               after_commit("insert into public.hook_log select 'customers', 'after', count(*) from {{ this }}")],
) }}
select id, name, tier, score from {{ ref('stg_customers') }}
