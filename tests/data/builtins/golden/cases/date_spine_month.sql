select string_agg(date_month::date::text, ',' order by date_month) as v from (


    


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
    where generated_number <= 4.0
    order by generated_number



    ),

    all_periods as (

        select (
            

    date '2023-11-15' + ((interval '1 month') * (row_number() over (order by 1) - 1))


        ) as date_month
        from rawdata

    ),

    filtered as (

        select *
        from all_periods
        where date_month <= date '2024-03-01'

    )

    select * from filtered

) s
