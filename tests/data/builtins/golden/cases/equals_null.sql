select coalesce((null::int = null::int)::text, 'null') as v
