select 1 as v
/*
date_trunc('day', d)
*/
