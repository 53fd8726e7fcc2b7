select (date '2024-02-28' + 2 * interval '1 day') as v
