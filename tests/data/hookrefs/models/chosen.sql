{%- set md = fromyaml("source_model: base\ncolumns: [id, 'n']\nflag: yes\n") -%}
{%- set extra = fromjson('{"parent": "history", "w": 0.5, "n": [1, 2]}') -%}
{%- set bad = fromjson('{not json', default={'parent': 'base'}) -%}
select {{ md['columns'] | join(', ') }}, {{ md['flag'] }} as flag, {{ extra['w'] }} as w
from {{ ref(md['source_model']) }}
join {{ ref(extra['parent']) }} using (id)
join {{ ref(bad['parent']) }} using (id)
where {{ tojson(extra['n']) | length }} > 0
