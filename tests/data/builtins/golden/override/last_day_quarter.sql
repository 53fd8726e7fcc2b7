select -- postgres dateadd does not support quarter interval.
    cast(
        ((date_trunc('quarter', date '2024-02-10') + 3 * interval '1 month') + -1 * interval '1 day')
        as date) as v
