select 
    current_timestamp::timestamp
 is not null as v
