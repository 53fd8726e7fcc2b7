select 'back\\slash''' as v
