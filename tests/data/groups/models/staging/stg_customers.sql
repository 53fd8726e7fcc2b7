{{ config(tags=['pii'], meta={'contains_pii': true}) }}
select * from (values (1, 'Ann', 'de'), (2, 'Bob', 'fr')) v(id, name, country)
