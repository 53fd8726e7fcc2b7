select cast(
        ((date_trunc('month', date '2024-02-10') + 1 * interval '1 month') + -1 * interval '1 day')
        as date) as v
