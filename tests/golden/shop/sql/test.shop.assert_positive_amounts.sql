-- dbt2ninja job 1
-- unique_id: test.shop.assert_positive_amounts
-- resource_type: test
-- materialized: test
-- relation: "analytics"."shop_dbt_test__audit"."assert_positive_amounts"
-- adapter: postgres
-- error_if: "!= 0"
-- fail_calc: "count(*)"
-- severity: "ERROR"
-- warn_if: "!= 0"
--
-- amounts are positive
select *
from "analytics"."shop"."orders"
where amount <= 0
