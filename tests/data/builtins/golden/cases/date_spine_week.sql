select string_agg(date_week::date::text, ',' order by date_week) as v from (


    


    with rawdata as (

        

    

    with p as (
        select 0 as generated_number union all select 1
    ), unioned as (

    select

    
    p0.generated_number * power(2, 0)
     + 
    
    p1.generated_number * power(2, 1)
    
    
    + 1
    as generated_number

    from

    
    p as p0
     cross join 
    
    p as p1
    
    

    )

    select *
    from unioned
    where generated_number <= 4
    order by generated_number



    ),

    all_periods as (

        select (
            

    date '2024-01-03' + ((interval '1 week') * (row_number() over (order by 1) - 1))


        ) as date_week
        from rawdata

    ),

    filtered as (

        select *
        from all_periods
        where date_week <= date '2024-02-01'

    )

    select * from filtered

) s
