select 'timestamp|timestamptz' as v
