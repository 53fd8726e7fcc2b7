select 1 as v
/*
'it's'
*/
