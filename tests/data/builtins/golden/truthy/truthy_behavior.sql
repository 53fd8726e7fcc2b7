select 'True True on off' as v
