select count(*) as v from (


    


    with rawdata as (

        

    

    with p as (
        select 0 as generated_number union all select 1
    ), unioned as (

    select

    
    p0.generated_number * power(2, 0)
     + 
    
    p1.generated_number * power(2, 1)
     + 
    
    p2.generated_number * power(2, 2)
     + 
    
    p3.generated_number * power(2, 3)
     + 
    
    p4.generated_number * power(2, 4)
     + 
    
    p5.generated_number * power(2, 5)
    
    
    + 1
    as generated_number

    from

    
    p as p0
     cross join 
    
    p as p1
     cross join 
    
    p as p2
     cross join 
    
    p as p3
     cross join 
    
    p as p4
     cross join 
    
    p as p5
    
    

    )

    select *
    from unioned
    where generated_number <= 46.0
    order by generated_number



    ),

    all_periods as (

        select (
            

    timestamp '2024-01-01 10:30' + ((interval '1 hour') * (row_number() over (order by 1) - 1))


        ) as date_hour
        from rawdata

    ),

    filtered as (

        select *
        from all_periods
        where date_hour <= timestamp '2024-01-03 08:00'

    )

    select * from filtered

) s
