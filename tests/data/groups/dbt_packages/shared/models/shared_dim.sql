select '{{ var("shared_region") }}' as region
