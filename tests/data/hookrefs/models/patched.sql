{{ config(post_hook="{{ cleanup('base') }}") }}
select 2 as id
