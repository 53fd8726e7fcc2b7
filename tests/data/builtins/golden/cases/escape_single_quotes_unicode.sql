select 'l''été ☃' as v
