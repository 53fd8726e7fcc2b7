select array_cat(array[1], array[2])::text as v
