select 1 as v union all select 2 

    except

 select 2
