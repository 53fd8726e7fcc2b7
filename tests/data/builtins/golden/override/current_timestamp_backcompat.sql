select pg_typeof(
    current_timestamp::timestamptz
)::text as v
