select 
    (current_timestamp at time zone 'utc')::timestamp
 is not null as v
