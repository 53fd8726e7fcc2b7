select current_date as date_day, 1 as fy
