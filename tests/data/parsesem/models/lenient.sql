{% if not execute %}
{{ config(alias='len' ~ nothere.attr ~ nothere['k'] ~ nothere[1:2] ~ '_x') }}
{{ not_installed.star(from=ref('other'), except=['id']) }}
{% if nothere.flag %}{{ ref('missing_one') }}{% endif %}
{% for x in nothere.items() %}{{ ref(x) }}{% endfor %}
{{ helpers.no_such_macro(ref('base')) }}
{{ helpers.passthrough(nothere) }}
{{ config(tags=[(nothere == nothere.other) | string, (nothere is defined) | string, nothere | length | string, (nothere.a | default('dflt')) ~ (nothere.a if false)]) }}
{% endif %}
select 1 as id
