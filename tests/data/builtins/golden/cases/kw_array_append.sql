select array_append(array[1], 2)::text as v
