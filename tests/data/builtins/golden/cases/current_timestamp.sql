select now() is not null as v
