select '''''' as v
