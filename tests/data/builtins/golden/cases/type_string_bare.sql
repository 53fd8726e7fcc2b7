select cast(1 as TEXT) as v
