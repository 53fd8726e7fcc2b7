select {{ helpers.inc_or_not() }} as id
