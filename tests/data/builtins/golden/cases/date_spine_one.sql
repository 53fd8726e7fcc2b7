select count(*) as v from (


    


    with rawdata as (

        

    

    with p as (
        select 0 as generated_number union all select 1
    ), unioned as (

    select

    
    p0.generated_number * power(2, 0)
    
    
    + 1
    as generated_number

    from

    
    p as p0
    
    

    )

    select *
    from unioned
    where generated_number <= 1.0
    order by generated_number



    ),

    all_periods as (

        select (
            

    date '2024-01-01' + ((interval '1 year') * (row_number() over (order by 1) - 1))


        ) as date_year
        from rawdata

    ),

    filtered as (

        select *
        from all_periods
        where date_year <= date '2025-01-01'

    )

    select * from filtered

) s
