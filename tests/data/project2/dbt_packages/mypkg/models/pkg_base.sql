select id from {{ ref('pkg_rates') }}
