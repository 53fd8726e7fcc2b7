select pg_typeof(
    (current_timestamp at time zone 'utc')::timestamptz
)::text as v
