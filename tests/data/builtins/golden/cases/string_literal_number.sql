select '7' as v
