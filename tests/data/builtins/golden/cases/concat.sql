select 'a' || null::text || 'c' || 1::text as v
