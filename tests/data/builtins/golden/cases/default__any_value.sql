select 1 as v
/*
any_value(x)
*/
