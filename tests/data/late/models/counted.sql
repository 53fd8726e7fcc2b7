select {{ row_count(ref('base')) }} as base_rows
