{{ config(post_hook="{{ cleanup('history') }}", pre_hook=["select 1", "{{ audit(ref('base')) }}"]) }}
select id from {{ ref('base') }}
