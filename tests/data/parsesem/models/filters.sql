-- dbt's text filters: as they are, and is_list
select '{{ "x"|as_text }}' as t, {{ 5|as_number }} as n, {{ true|as_bool }} as b, {{ [1]|is_list }} as l, {{ (1,)|is_list }} as tl, '{{ adapter.type() }}' as ty
