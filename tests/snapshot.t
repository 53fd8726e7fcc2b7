#!/bin/sh
# Snapshots through real ninja, against what dbt-postgres 1.11 leaves:
# tests/data/snap's seven snapshots (timestamp and check strategies,
# dbt_valid_to_current, hard_deletes ignore / invalidate / new_record and
# the legacy invalidate_hard_deletes, renamed meta columns, a composite
# key, sql_header, grants, persist_docs) over six rounds of changes to
# their source, including a column added and one widened. The expected
# tables were taken by the reference dbt (../shared/reference-dbt); when it
# is there, the same rounds are also taken by it into database ref and the
# two compared directly. now() is a fixed clock per round (public.now(),
# ahead of pg_catalog in the search path) so that the check strategy's
# times and every dbt_scd_id are reproducible.
. "$(dirname "$0")/lib.sh"
withpg
REFDBT=$REFERENCE
SNAPS="s_cur s_inv s_legacy s_ign c_all c_list c_upd"

# setup DB: the source, the clock, the header's log
setup() {
	psql -Xq -v ON_ERROR_STOP=1 -d "$1" <<'EOF' || return 1
create schema raw;
create table raw.src (id int, k text, v varchar(5), at timestamp);
create table raw.header_log (who text);
create table public.clock (t timestamptz);
create function public.now() returns timestamptz language sql stable as 'select t from public.clock';
EOF
	psql -Xqc "alter database $1 set search_path = public, pg_catalog"
}

# round N DB: the source's Nth change, at 2024-06-0N
round() {
	case $1 in
	1) s="insert into raw.src values (1, 'a', 'x', '2024-01-01'), (2, 'b', 'y', '2024-01-01'),
		(3, 'c', 'z', null), (4, null, 'w', '2024-01-01')" ;;
	2) s="update raw.src set v = 'x2', at = '2024-02-01' where id = 1;
		delete from raw.src where id = 2;
		insert into raw.src values (5, 'e', 'q', '2024-02-01');
		update raw.src set v = 'z2' where id = 3" ;;
	3) s="alter table raw.src add column w text;
		alter table raw.src alter column v type varchar(10);
		update raw.src set w = 'new' where id = 1;
		insert into raw.src values (2, 'b', 'y2', '2024-03-01');
		update raw.src set k = 'd', at = '2024-03-01' where id = 4;
		update raw.src set v = 'longer1234', at = '2024-03-01' where id = 5" ;;
	4) s="delete from raw.src where id in (2, 5)" ;;
	5) s="select 1" ;;
	6) s="insert into raw.src values (2, 'b', 'y3', '2024-04-01')" ;;
	esac
	psql -Xq -v ON_ERROR_STOP=1 -d "$2" -c "delete from public.clock;
		insert into public.clock values ('2024-06-0$1 00:00:00+00'); $s" >/dev/null
}

# dump DB: every snapshot's columns and rows, in one canonical text
dump() {
	for t in $SNAPS; do
		echo "== $t"
		psql -XAtq -d "$1" -c "select string_agg(column_name || ' ' || data_type ||
			coalesce('(' || character_maximum_length || ')', ''), ', ' order by ordinal_position)
			from information_schema.columns where table_schema = 'public' and table_name = '$t'"
		psql -XAtq -d "$1" -c "select t::text from public.$t t order by 1"
	done
	echo "== header_log $(psql -XAtq -d "$1" -c 'select count(*) from raw.header_log')"
	psql -XAtq -d "$1" -c "select 'grant ' || table_name || ' ' || grantee || ' ' || privilege_type
		from information_schema.role_table_grants where table_schema = 'public' and grantee = 'reader'
		union all select 'comment ' || c.relname || coalesce('.' || a.attname, '') || ' ' || d.description
		from pg_description d join pg_class c on c.oid = d.objoid
		left join pg_attribute a on a.attrelid = c.oid and a.attnum = d.objsubid and d.objsubid > 0
		where c.relnamespace = 'public'::regnamespace order by 1"
}

# what the reference dbt left after rounds 1 and 6, and the MD5 of dump's
# output after each round
expected() {
	case $1 in
	1) cat <<'EOF1'
== s_cur
id integer, k text, v character varying(5), at timestamp without time zone, sid text, ua timestamp without time zone, vf timestamp without time zone, vt timestamp without time zone, isdel text
(1,a,x,"2024-01-01 00:00:00",8bd6037542377309505ab720e545f24e,"2024-01-01 00:00:00","2024-01-01 00:00:00","9999-12-31 00:00:00",False)
(2,b,y,"2024-01-01 00:00:00",f8e4dcba7004839b9c5b44a77923cd0a,"2024-01-01 00:00:00","2024-01-01 00:00:00","9999-12-31 00:00:00",False)
(3,c,z,,eec250c1ce93e1977f730c44dd8e5e4d,,,"9999-12-31 00:00:00",False)
(4,,w,"2024-01-01 00:00:00",18f7efff57638d523883ed001cd0fe1e,"2024-01-01 00:00:00","2024-01-01 00:00:00","9999-12-31 00:00:00",False)
== s_inv
id integer, k text, v character varying(5), at timestamp without time zone, dbt_scd_id text, dbt_updated_at timestamp without time zone, dbt_valid_from timestamp without time zone, dbt_valid_to timestamp without time zone
(1,a,x,"2024-01-01 00:00:00",2e0422b2a674d18f53900ca153c73ea7,"2024-01-01 00:00:00","2024-01-01 00:00:00","9999-12-31 00:00:00")
(2,b,y,"2024-01-01 00:00:00",cc412266d7aa1fcb5c301f8aeff31225,"2024-01-01 00:00:00","2024-01-01 00:00:00","9999-12-31 00:00:00")
(3,c,z,,9f1c332c68d9d6c8f9e258343cd3362e,,,"9999-12-31 00:00:00")
(4,,w,"2024-01-01 00:00:00",fd28b6a922d0199a81bda23ac1c5e764,"2024-01-01 00:00:00","2024-01-01 00:00:00","9999-12-31 00:00:00")
== s_legacy
id integer, k text, v character varying(5), at timestamp without time zone, dbt_scd_id text, dbt_updated_at timestamp without time zone, dbt_valid_from timestamp without time zone, dbt_valid_to timestamp without time zone
(1,a,x,"2024-01-01 00:00:00",8bd6037542377309505ab720e545f24e,"2024-01-01 00:00:00","2024-01-01 00:00:00",)
(2,b,y,"2024-01-01 00:00:00",f8e4dcba7004839b9c5b44a77923cd0a,"2024-01-01 00:00:00","2024-01-01 00:00:00",)
(3,c,z,,eec250c1ce93e1977f730c44dd8e5e4d,,,)
(4,,w,"2024-01-01 00:00:00",18f7efff57638d523883ed001cd0fe1e,"2024-01-01 00:00:00","2024-01-01 00:00:00",)
== s_ign
id integer, k text, v character varying(5), at timestamp without time zone, dbt_scd_id text, dbt_updated_at timestamp without time zone, dbt_valid_from timestamp without time zone, dbt_valid_to timestamp without time zone
(1,a,x,"2024-01-01 00:00:00",8bd6037542377309505ab720e545f24e,"2024-01-01 00:00:00","2024-01-01 00:00:00",)
(2,b,y,"2024-01-01 00:00:00",f8e4dcba7004839b9c5b44a77923cd0a,"2024-01-01 00:00:00","2024-01-01 00:00:00",)
(3,c,z,,eec250c1ce93e1977f730c44dd8e5e4d,,,)
(4,,w,"2024-01-01 00:00:00",18f7efff57638d523883ed001cd0fe1e,"2024-01-01 00:00:00","2024-01-01 00:00:00",)
== c_all
id integer, k text, v character varying(5), at timestamp without time zone, dbt_scd_id text, dbt_updated_at timestamp without time zone, dbt_valid_from timestamp without time zone, dbt_valid_to timestamp without time zone, gone text
(1,a,x,"2024-01-01 00:00:00",c34d19d2759452ce3216185c4f1de79a,"2024-06-01 00:00:00","2024-06-01 00:00:00",,False)
(2,b,y,"2024-01-01 00:00:00",60db010627f3a8717cc0a5c4359774b1,"2024-06-01 00:00:00","2024-06-01 00:00:00",,False)
(3,c,z,,6a17c79c7a5f0bace24ffa9e81c16e6e,"2024-06-01 00:00:00","2024-06-01 00:00:00",,False)
(4,,w,"2024-01-01 00:00:00",944de8f80546d972bffe1f246eada567,"2024-06-01 00:00:00","2024-06-01 00:00:00",,False)
== c_list
id integer, k text, v character varying(5), at timestamp without time zone, dbt_scd_id text, dbt_updated_at timestamp without time zone, dbt_valid_from timestamp without time zone, dbt_valid_to timestamp without time zone
(1,a,x,"2024-01-01 00:00:00",c34d19d2759452ce3216185c4f1de79a,"2024-06-01 00:00:00","2024-06-01 00:00:00","9999-12-31 00:00:00")
(2,b,y,"2024-01-01 00:00:00",60db010627f3a8717cc0a5c4359774b1,"2024-06-01 00:00:00","2024-06-01 00:00:00","9999-12-31 00:00:00")
(3,c,z,,6a17c79c7a5f0bace24ffa9e81c16e6e,"2024-06-01 00:00:00","2024-06-01 00:00:00","9999-12-31 00:00:00")
(4,,w,"2024-01-01 00:00:00",944de8f80546d972bffe1f246eada567,"2024-06-01 00:00:00","2024-06-01 00:00:00","9999-12-31 00:00:00")
== c_upd
id integer, k text, v character varying(5), at timestamp without time zone, dbt_scd_id text, dbt_updated_at timestamp without time zone, dbt_valid_from timestamp without time zone, dbt_valid_to timestamp without time zone, dbt_is_deleted text
(1,a,x,"2024-01-01 00:00:00",8bd6037542377309505ab720e545f24e,"2024-01-01 00:00:00","2024-01-01 00:00:00","9999-12-31 00:00:00",False)
(2,b,y,"2024-01-01 00:00:00",f8e4dcba7004839b9c5b44a77923cd0a,"2024-01-01 00:00:00","2024-01-01 00:00:00","9999-12-31 00:00:00",False)
(3,c,z,,eec250c1ce93e1977f730c44dd8e5e4d,,,"9999-12-31 00:00:00",False)
(4,,w,"2024-01-01 00:00:00",18f7efff57638d523883ed001cd0fe1e,"2024-01-01 00:00:00","2024-01-01 00:00:00","9999-12-31 00:00:00",False)
== header_log 1
comment s_cur The source's history.
comment s_cur.v A value.
grant s_cur reader SELECT
EOF1
	;;
	6) cat <<'EOF6'
== s_cur
id integer, k text, at timestamp without time zone, sid text, ua timestamp without time zone, vf timestamp without time zone, vt timestamp without time zone, isdel text, v character varying(256), w text
(1,a,"2024-01-01 00:00:00",8bd6037542377309505ab720e545f24e,"2024-01-01 00:00:00","2024-01-01 00:00:00","2024-02-01 00:00:00",False,x,)
(1,a,"2024-02-01 00:00:00",2e82cee106c704e5a20fc8fbc5618f48,"2024-02-01 00:00:00","2024-02-01 00:00:00","9999-12-31 00:00:00",False,x2,)
(2,b,"2024-01-01 00:00:00",8d297306c726160801e0cedad151a355,"2024-06-02 00:00:00","2024-06-02 00:00:00","2024-03-01 00:00:00",True,y,)
(2,b,"2024-01-01 00:00:00",f8e4dcba7004839b9c5b44a77923cd0a,"2024-01-01 00:00:00","2024-01-01 00:00:00","2024-06-02 00:00:00",False,y,)
(2,b,"2024-03-01 00:00:00",0de2c55a35a3b97c1d87d62dd585f556,"2024-06-04 00:00:00","2024-06-04 00:00:00","2024-04-01 00:00:00",True,y2,)
(2,b,"2024-03-01 00:00:00",1f96aee791fde0d8444856be50e489a2,"2024-03-01 00:00:00","2024-03-01 00:00:00","2024-06-04 00:00:00",False,y2,)
(2,b,"2024-04-01 00:00:00",9b9d644e3b66929b4c5838a8b317af4f,"2024-04-01 00:00:00","2024-04-01 00:00:00","9999-12-31 00:00:00",False,y3,)
(3,c,,eec250c1ce93e1977f730c44dd8e5e4d,,,"9999-12-31 00:00:00",False,z,)
(4,,"2024-01-01 00:00:00",18f7efff57638d523883ed001cd0fe1e,"2024-01-01 00:00:00","2024-01-01 00:00:00","2024-03-01 00:00:00",False,w,)
(4,d,"2024-03-01 00:00:00",e799c58500b5c8e618294299251115a8,"2024-03-01 00:00:00","2024-03-01 00:00:00","9999-12-31 00:00:00",False,w,)
(5,e,"2024-02-01 00:00:00",039867e31d4a093ba1b9de495a821a0d,"2024-02-01 00:00:00","2024-02-01 00:00:00","2024-03-01 00:00:00",False,q,)
(5,e,"2024-03-01 00:00:00",5c67f318d4809edf1b68b7f6aeeeca0d,"2024-03-01 00:00:00","2024-03-01 00:00:00","2024-06-04 00:00:00",False,longer1234,)
(5,e,"2024-03-01 00:00:00",dc72b94901c01b4cabed1c9a3ec5be7b,"2024-06-04 00:00:00","2024-06-04 00:00:00","9999-12-31 00:00:00",True,longer1234,)
== s_inv
id integer, k text, at timestamp without time zone, dbt_scd_id text, dbt_updated_at timestamp without time zone, dbt_valid_from timestamp without time zone, dbt_valid_to timestamp without time zone, v character varying(10), w text
(1,a,"2024-01-01 00:00:00",2e0422b2a674d18f53900ca153c73ea7,"2024-01-01 00:00:00","2024-01-01 00:00:00","2024-02-01 00:00:00",x,)
(1,a,"2024-02-01 00:00:00",8acf02fbe7b32e51ed0d46448cc0e67a,"2024-02-01 00:00:00","2024-02-01 00:00:00","9999-12-31 00:00:00",x2,)
(2,b,"2024-01-01 00:00:00",cc412266d7aa1fcb5c301f8aeff31225,"2024-01-01 00:00:00","2024-01-01 00:00:00","2024-06-02 00:00:00",y,)
(2,b,"2024-03-01 00:00:00",4fefef37ae175269ef0d13e473d9e857,"2024-03-01 00:00:00","2024-03-01 00:00:00","2024-06-04 00:00:00",y2,)
(2,b,"2024-04-01 00:00:00",68ddfac236e24ecdac80a6365aa2a453,"2024-04-01 00:00:00","2024-04-01 00:00:00","9999-12-31 00:00:00",y3,)
(3,c,,9f1c332c68d9d6c8f9e258343cd3362e,,,"9999-12-31 00:00:00",z,)
(4,,"2024-01-01 00:00:00",fd28b6a922d0199a81bda23ac1c5e764,"2024-01-01 00:00:00","2024-01-01 00:00:00","2024-06-02 00:00:00",w,)
(4,,"2024-01-01 00:00:00",fd28b6a922d0199a81bda23ac1c5e764,"2024-01-01 00:00:00","2024-01-01 00:00:00","2024-06-03 00:00:00",w,)
(4,d,"2024-03-01 00:00:00",7a6a0b38f0d39980df5c7ef983c4408e,"2024-03-01 00:00:00","2024-03-01 00:00:00","9999-12-31 00:00:00",w,)
(5,e,"2024-02-01 00:00:00",55bdf4e986b9ae454ab2b765dcef0f73,"2024-02-01 00:00:00","2024-02-01 00:00:00","2024-03-01 00:00:00",q,)
(5,e,"2024-03-01 00:00:00",23a5b5e218869248562361a53c456454,"2024-03-01 00:00:00","2024-03-01 00:00:00","2024-06-04 00:00:00",longer1234,)
== s_legacy
id integer, k text, at timestamp without time zone, dbt_scd_id text, dbt_updated_at timestamp without time zone, dbt_valid_from timestamp without time zone, dbt_valid_to timestamp without time zone, v character varying(10), w text
(1,a,"2024-01-01 00:00:00",8bd6037542377309505ab720e545f24e,"2024-01-01 00:00:00","2024-01-01 00:00:00","2024-02-01 00:00:00",x,)
(1,a,"2024-02-01 00:00:00",2e82cee106c704e5a20fc8fbc5618f48,"2024-02-01 00:00:00","2024-02-01 00:00:00",,x2,)
(2,b,"2024-01-01 00:00:00",f8e4dcba7004839b9c5b44a77923cd0a,"2024-01-01 00:00:00","2024-01-01 00:00:00","2024-06-02 00:00:00",y,)
(2,b,"2024-03-01 00:00:00",1f96aee791fde0d8444856be50e489a2,"2024-03-01 00:00:00","2024-03-01 00:00:00","2024-06-04 00:00:00",y2,)
(2,b,"2024-04-01 00:00:00",9b9d644e3b66929b4c5838a8b317af4f,"2024-04-01 00:00:00","2024-04-01 00:00:00",,y3,)
(3,c,,eec250c1ce93e1977f730c44dd8e5e4d,,,,z,)
(4,,"2024-01-01 00:00:00",18f7efff57638d523883ed001cd0fe1e,"2024-01-01 00:00:00","2024-01-01 00:00:00","2024-03-01 00:00:00",w,)
(4,d,"2024-03-01 00:00:00",e799c58500b5c8e618294299251115a8,"2024-03-01 00:00:00","2024-03-01 00:00:00",,w,)
(5,e,"2024-02-01 00:00:00",039867e31d4a093ba1b9de495a821a0d,"2024-02-01 00:00:00","2024-02-01 00:00:00","2024-03-01 00:00:00",q,)
(5,e,"2024-03-01 00:00:00",5c67f318d4809edf1b68b7f6aeeeca0d,"2024-03-01 00:00:00","2024-03-01 00:00:00","2024-06-04 00:00:00",longer1234,)
== s_ign
id integer, k text, at timestamp without time zone, dbt_scd_id text, dbt_updated_at timestamp without time zone, dbt_valid_from timestamp without time zone, dbt_valid_to timestamp without time zone, v character varying(10), w text
(1,a,"2024-01-01 00:00:00",8bd6037542377309505ab720e545f24e,"2024-01-01 00:00:00","2024-01-01 00:00:00","2024-02-01 00:00:00",x,)
(1,a,"2024-02-01 00:00:00",2e82cee106c704e5a20fc8fbc5618f48,"2024-02-01 00:00:00","2024-02-01 00:00:00",,x2,)
(2,b,"2024-01-01 00:00:00",f8e4dcba7004839b9c5b44a77923cd0a,"2024-01-01 00:00:00","2024-01-01 00:00:00","2024-03-01 00:00:00",y,)
(2,b,"2024-03-01 00:00:00",1f96aee791fde0d8444856be50e489a2,"2024-03-01 00:00:00","2024-03-01 00:00:00","2024-04-01 00:00:00",y2,)
(2,b,"2024-04-01 00:00:00",9b9d644e3b66929b4c5838a8b317af4f,"2024-04-01 00:00:00","2024-04-01 00:00:00",,y3,)
(3,c,,eec250c1ce93e1977f730c44dd8e5e4d,,,,z,)
(4,,"2024-01-01 00:00:00",18f7efff57638d523883ed001cd0fe1e,"2024-01-01 00:00:00","2024-01-01 00:00:00","2024-03-01 00:00:00",w,)
(4,d,"2024-03-01 00:00:00",e799c58500b5c8e618294299251115a8,"2024-03-01 00:00:00","2024-03-01 00:00:00",,w,)
(5,e,"2024-02-01 00:00:00",039867e31d4a093ba1b9de495a821a0d,"2024-02-01 00:00:00","2024-02-01 00:00:00","2024-03-01 00:00:00",q,)
(5,e,"2024-03-01 00:00:00",5c67f318d4809edf1b68b7f6aeeeca0d,"2024-03-01 00:00:00","2024-03-01 00:00:00",,longer1234,)
== c_all
id integer, k text, at timestamp without time zone, dbt_scd_id text, dbt_updated_at timestamp without time zone, dbt_valid_from timestamp without time zone, dbt_valid_to timestamp without time zone, gone text, v character varying(256), w text
(1,a,"2024-01-01 00:00:00",c34d19d2759452ce3216185c4f1de79a,"2024-06-01 00:00:00","2024-06-01 00:00:00","2024-06-02 00:00:00",False,x,)
(1,a,"2024-02-01 00:00:00",46dc5fad616d188ab28889802cdb6847,"2024-06-02 00:00:00","2024-06-02 00:00:00","2024-06-03 00:00:00",False,x2,)
(1,a,"2024-02-01 00:00:00",89115cce75452c4b2d73d8b2ec7fd26e,"2024-06-03 00:00:00","2024-06-03 00:00:00",,False,x2,new)
(2,b,"2024-01-01 00:00:00",30180cdc2d810f744eeca259e632619f,"2024-06-02 00:00:00","2024-06-02 00:00:00","2024-06-03 00:00:00",True,y,)
(2,b,"2024-01-01 00:00:00",60db010627f3a8717cc0a5c4359774b1,"2024-06-01 00:00:00","2024-06-01 00:00:00","2024-06-02 00:00:00",False,y,)
(2,b,"2024-03-01 00:00:00",0cad68dd39910b26920849da0996fb9b,"2024-06-04 00:00:00","2024-06-04 00:00:00","2024-06-06 00:00:00",True,y2,)
(2,b,"2024-03-01 00:00:00",54a7c52ec3d58c743550a44bef102088,"2024-06-03 00:00:00","2024-06-03 00:00:00","2024-06-04 00:00:00",False,y2,)
(2,b,"2024-04-01 00:00:00",2adb4f908075b2cb5015b7b46c67ce9a,"2024-06-06 00:00:00","2024-06-06 00:00:00",,False,y3,)
(3,c,,47d08f9dcf28395dcebaacbdfb870c1f,"2024-06-02 00:00:00","2024-06-02 00:00:00","2024-06-03 00:00:00",False,z2,)
(3,c,,6a17c79c7a5f0bace24ffa9e81c16e6e,"2024-06-01 00:00:00","2024-06-01 00:00:00","2024-06-02 00:00:00",False,z,)
(3,c,,8438fa726805fe50b8a4a5c98c81ba11,"2024-06-03 00:00:00","2024-06-03 00:00:00",,False,z2,)
(4,,"2024-01-01 00:00:00",944de8f80546d972bffe1f246eada567,"2024-06-01 00:00:00","2024-06-01 00:00:00","2024-06-03 00:00:00",False,w,)
(4,d,"2024-03-01 00:00:00",a0ce36580778488dea3115cb4d98f4fe,"2024-06-03 00:00:00","2024-06-03 00:00:00",,False,w,)
(5,e,"2024-02-01 00:00:00",1827be761a42ca1558e87df08e51e96a,"2024-06-02 00:00:00","2024-06-02 00:00:00","2024-06-03 00:00:00",False,q,)
(5,e,"2024-03-01 00:00:00",558baec84e691edbafcbea8be2c17ac5,"2024-06-03 00:00:00","2024-06-03 00:00:00","2024-06-04 00:00:00",False,longer1234,)
(5,e,"2024-03-01 00:00:00",ec0a99cd6cdc98ef99165c0052f7ed67,"2024-06-04 00:00:00","2024-06-04 00:00:00",,True,longer1234,)
== c_list
id integer, k text, at timestamp without time zone, dbt_scd_id text, dbt_updated_at timestamp without time zone, dbt_valid_from timestamp without time zone, dbt_valid_to timestamp without time zone, v character varying(10), w text
(1,a,"2024-01-01 00:00:00",c34d19d2759452ce3216185c4f1de79a,"2024-06-01 00:00:00","2024-06-01 00:00:00","2024-06-02 00:00:00",x,)
(1,a,"2024-02-01 00:00:00",46dc5fad616d188ab28889802cdb6847,"2024-06-02 00:00:00","2024-06-02 00:00:00","9999-12-31 00:00:00",x2,)
(2,b,"2024-01-01 00:00:00",60db010627f3a8717cc0a5c4359774b1,"2024-06-01 00:00:00","2024-06-01 00:00:00","2024-06-03 00:00:00",y,)
(2,b,"2024-03-01 00:00:00",54a7c52ec3d58c743550a44bef102088,"2024-06-03 00:00:00","2024-06-03 00:00:00","2024-06-06 00:00:00",y2,)
(2,b,"2024-04-01 00:00:00",2adb4f908075b2cb5015b7b46c67ce9a,"2024-06-06 00:00:00","2024-06-06 00:00:00","9999-12-31 00:00:00",y3,)
(3,c,,47d08f9dcf28395dcebaacbdfb870c1f,"2024-06-02 00:00:00","2024-06-02 00:00:00","9999-12-31 00:00:00",z2,)
(3,c,,6a17c79c7a5f0bace24ffa9e81c16e6e,"2024-06-01 00:00:00","2024-06-01 00:00:00","2024-06-02 00:00:00",z,)
(4,,"2024-01-01 00:00:00",944de8f80546d972bffe1f246eada567,"2024-06-01 00:00:00","2024-06-01 00:00:00","2024-06-03 00:00:00",w,)
(4,d,"2024-03-01 00:00:00",a0ce36580778488dea3115cb4d98f4fe,"2024-06-03 00:00:00","2024-06-03 00:00:00","9999-12-31 00:00:00",w,)
(5,e,"2024-02-01 00:00:00",1827be761a42ca1558e87df08e51e96a,"2024-06-02 00:00:00","2024-06-02 00:00:00","2024-06-03 00:00:00",q,)
(5,e,"2024-03-01 00:00:00",558baec84e691edbafcbea8be2c17ac5,"2024-06-03 00:00:00","2024-06-03 00:00:00","9999-12-31 00:00:00",longer1234,)
== c_upd
id integer, k text, at timestamp without time zone, dbt_scd_id text, dbt_updated_at timestamp without time zone, dbt_valid_from timestamp without time zone, dbt_valid_to timestamp without time zone, dbt_is_deleted text, v character varying(256), w text
(1,a,"2024-01-01 00:00:00",8bd6037542377309505ab720e545f24e,"2024-01-01 00:00:00","2024-01-01 00:00:00","2024-02-01 00:00:00",False,x,)
(1,a,"2024-02-01 00:00:00",2e82cee106c704e5a20fc8fbc5618f48,"2024-02-01 00:00:00","2024-02-01 00:00:00","9999-12-31 00:00:00",False,x2,)
(2,b,"2024-01-01 00:00:00",8d297306c726160801e0cedad151a355,"2024-06-02 00:00:00","2024-06-02 00:00:00","2024-03-01 00:00:00",True,y,)
(2,b,"2024-01-01 00:00:00",f8e4dcba7004839b9c5b44a77923cd0a,"2024-01-01 00:00:00","2024-01-01 00:00:00","2024-06-02 00:00:00",False,y,)
(2,b,"2024-03-01 00:00:00",0de2c55a35a3b97c1d87d62dd585f556,"2024-06-04 00:00:00","2024-06-04 00:00:00","2024-04-01 00:00:00",True,y2,)
(2,b,"2024-03-01 00:00:00",1f96aee791fde0d8444856be50e489a2,"2024-03-01 00:00:00","2024-03-01 00:00:00","2024-06-04 00:00:00",False,y2,)
(2,b,"2024-04-01 00:00:00",9b9d644e3b66929b4c5838a8b317af4f,"2024-04-01 00:00:00","2024-04-01 00:00:00","9999-12-31 00:00:00",False,y3,)
(3,c,,eec250c1ce93e1977f730c44dd8e5e4d,,,"9999-12-31 00:00:00",False,z2,)
(3,c,,eec250c1ce93e1977f730c44dd8e5e4d,,,,False,z,)
(3,c,,eec250c1ce93e1977f730c44dd8e5e4d,,,,False,z2,)
(3,c,,eec250c1ce93e1977f730c44dd8e5e4d,,,,False,z2,)
(3,c,,eec250c1ce93e1977f730c44dd8e5e4d,,,,False,z2,)
(3,c,,eec250c1ce93e1977f730c44dd8e5e4d,,,,False,z2,)
(4,,"2024-01-01 00:00:00",18f7efff57638d523883ed001cd0fe1e,"2024-01-01 00:00:00","2024-01-01 00:00:00","9999-12-31 00:00:00",False,w,)
(5,e,"2024-02-01 00:00:00",039867e31d4a093ba1b9de495a821a0d,"2024-02-01 00:00:00","2024-02-01 00:00:00","2024-03-01 00:00:00",False,q,)
(5,e,"2024-03-01 00:00:00",5c67f318d4809edf1b68b7f6aeeeca0d,"2024-03-01 00:00:00","2024-03-01 00:00:00","2024-06-04 00:00:00",False,longer1234,)
(5,e,"2024-03-01 00:00:00",dc72b94901c01b4cabed1c9a3ec5be7b,"2024-06-04 00:00:00","2024-06-04 00:00:00","9999-12-31 00:00:00",True,longer1234,)
== header_log 6
comment s_cur The source's history.
comment s_cur.v A value.
grant s_cur reader SELECT
EOF6
	;;
	2) echo 6830bf4d3fb280f1e805adc5bd691e13 ;;
	3) echo c536806b0b6c10b3f25025abcd25191a ;;
	4) echo 6dbe0f9342bf15664aad3c8e41d117cb ;;
	5) echo ac10850394707315d0ae10e8ee67fea3 ;;
	esac
}
# the same shape for a dump of ours
shaped() { case $1 in 1 | 6) cat ;; *) md5sum | cut -d' ' -f1 ;; esac; }

sql "create role reader" >/dev/null
setup demo || { echo "Bail out! cannot set up the source"; exit 1; }
# project DIR: a copy of tests/data/snap, with a profile for this server:
# target dev for dbt2ninja (database demo), ref and mix for the reference
# dbt
project() {
	cp -R "$ROOT/tests/data/snap" "$1"
	for t in dev ref mix; do
		db=$t
		[ $t = dev ] && db=demo
		printf '    %s:\n      type: postgres\n      host: "%s"\n      port: 5432\n' $t "$PGHOST"
		printf '      user: postgres\n      password: ""\n      dbname: %s\n' $db
		printf '      schema: public\n      threads: 1\n'
	done | sed '1i snap:\n  target: dev\n  outputs:' >"$1/profiles.yml"
}
mkdir -p "$TMP/us"
project "$TMP/us/a"
project "$TMP/us/b"
(cd "$TMP/us/a" && "$DBT2NINJA" 2>/dev/null) && (cd "$TMP/us/b" && "$DBT2NINJA" 2>/dev/null)
ok $? "generates"

# Two deploys of one target at once, on its first run: both queue on the
# snapshot's lock (held here until both wait), then the second finds the
# table the first built and snapshots onto it.
round 1 demo
mkfifo "$TMP/fifo"
psql -Xq <"$TMP/fifo" >/dev/null 2>&1 &
holder=$!
exec 3>"$TMP/fifo"
echo "select pg_advisory_lock(hashtextextended('\"demo\".\"public\".\"s_ign\"', 0));" >&3
waitfor() {
	i=0
	while [ "$(sql "$1")" != t ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
waitfor "select count(*) = 1 from pg_locks where locktype = 'advisory' and granted"
(cd "$TMP/us/a" && ninja s_ign >"$TMP/race.a" 2>&1) &
a=$!
(cd "$TMP/us/b" && ninja s_ign >"$TMP/race.b" 2>&1) &
b=$!
waitfor "select count(*) = 2 from pg_locks where locktype = 'advisory' and not granted"
echo "select pg_advisory_unlock_all();" >&3
exec 3>&-
wait $holder
wait $a
ra=$?
wait $b
rb=$?
is "$ra/$rb" 0/0 "two deploys of a new snapshot at once both succeed"
[ "$ra/$rb" = 0/0 ] || cat "$TMP/race.a" "$TMP/race.b" | sed 's/^/# /'
is "$(sql 'select count(*), count(distinct dbt_scd_id) from public.s_ign')" "4|4" \
	"the second snapshots onto the first's table, adding nothing"
grep -h '^OK' "$TMP/race.a" "$TMP/race.b" | sed 's/ in [0-9.]*s//' | LC_ALL=C sort >"$TMP/race"
is "$(cat "$TMP/race")" "OK snapshotted public.s_ign [INSERT 0 0]
OK snapshotted public.s_ign [SELECT 4]" "one built it, the other merged nothing"

# The reference dbt, into database ref, when it is there.
ref=
if [ -d "$REFDBT" ]; then
	if refdbt "$TMP/dbt"; then
		for db in ref mix; do
			psql -Xqc "create database $db" && setup $db && round 1 $db
		done
		project "$TMP/ref"
		ref=$TMP/ref
		# mix: taken by dbt up to round 3, then by dbt2ninja
		project "$TMP/mix"
		sed -i 's/dbname: demo/dbname: mix/' "$TMP/mix/profiles.yml"
		sed -i 's/\\"demo\\"/\\"mix\\"/g' "$TMP/mix/target/manifest.json" && sed -i 's/"database": "demo"/"database": "mix"/' "$TMP/mix/target/manifest.json"
		(cd "$TMP/mix" && "$DBT2NINJA" 2>/dev/null)
	else
		ok 1 "the reference dbt installs"
		sed 's/^/# /' "$TMP/install.log"
	fi
else
	diag "no reference dbt ($REFDBT): comparing with the rows it left when the test was written"
fi

for n in 1 2 3 4 5 6; do
	if [ "$n" -gt 1 ]; then
		round $n demo
		[ "$ref" ] && round $n ref && round $n mix
	fi
	rm -rf "$TMP"/us/a/target/ninja/conn/*/ok
	(cd "$TMP/us/a" && ninja >"$TMP/out" 2>&1)
	ok $? "round $n: ninja snapshots every snapshot"
	dump demo >"$TMP/us.$n"
	is "$(shaped $n <"$TMP/us.$n")" "$(expected $n)" "round $n: the snapshots are the reference dbt's"
	if [ "$ref" ]; then
		(cd "$ref" && DBT_PROFILES_DIR=. "$TMP/dbt/bin/dbt" snapshot --target ref >"$TMP/dbt.log" 2>&1)
		ok $? "round $n: the reference dbt snapshots them too"
		dump ref >"$TMP/ref.$n"
		check "round $n: and leaves the same tables" diff -u "$TMP/ref.$n" "$TMP/us.$n"
		if [ $n -le 3 ]; then
			(cd "$ref" && DBT_PROFILES_DIR=. "$TMP/dbt/bin/dbt" snapshot --target mix >"$TMP/dbt.log" 2>&1)
		else
			rm -rf "$TMP"/mix/target/ninja/conn/*/ok
			(cd "$TMP/mix" && ninja >"$TMP/out" 2>&1)
		fi
		ok $? "round $n: the snapshots dbt began, taken by $([ $n -le 3 ] && echo dbt || echo dbt2ninja)"
		dump mix >"$TMP/mix.$n"
		check "round $n: are the same again" diff -u "$TMP/us.$n" "$TMP/mix.$n"
	fi
done

# What dbt refuses: a view where the snapshot goes, a table that is not a
# snapshot, a new_record snapshot without dbt_is_deleted.
hdr() {
	printf -- '-- unique_id: snapshot.snap.%s\n-- resource_type: snapshot\n-- materialized: snapshot\n' "$1"
	printf -- '-- relation: "demo"."public"."%s"\n-- adapter: postgres\n%s' "$1" "$2"
}
refused() {
	job "$TMP/bad/$1.sql" "$(hdr "$1" "$2")" "select * from raw.src"
	"$ROOT/dbt2ninja-run" "$TMP/bad/$1.sql" "$TMP/bad/$1.ok" >"$TMP/out" 2>&1
	rc=$?
	is "$rc/$(tail -1 "$TMP/out")" "1/dbt2ninja-run: snapshot.snap.$1 ($TMP/bad/$1.sql): $3" "$4"
	check "$4: no stamp" test ! -e "$TMP/bad/$1.ok"
}
ts='-- strategy: "timestamp"
-- unique_key: "id"
-- updated_at: "at"'
sql "create view public.v_in_way as select 1 as id" >/dev/null
refused v_in_way "$ts" 'Trying to create table "demo"."public"."v_in_way", but it currently exists as a view. Either drop "demo"."public"."v_in_way" manually, or run dbt with `--full-refresh` and dbt will drop it for you.' \
	"a view in the snapshot's place"
sql "create table public.plain (id int, dbt_valid_to timestamp)" >/dev/null
refused plain "$ts" 'Snapshot target is missing configured columns (missing "dbt_scd_id", "dbt_valid_from"). See https://docs.getdbt.com/docs/build/snapshots#snapshot-meta-fields for more information.' \
	"a table that is not a snapshot"
refused s_ign "$ts
-- hard_deletes: \"new_record\"" 'Snapshot target is missing configured columns (missing "dbt_is_deleted"). See https://docs.getdbt.com/docs/build/snapshots#snapshot-meta-fields for more information.' \
	"new_record on a snapshot without dbt_is_deleted"
is "$(sql 'select count(*) from public.s_ign')" 10 "which is left as it was"
refused both "$ts
-- hard_deletes: \"ignore\"
-- invalidate_hard_deletes: false" "You cannot set both the invalidate_hard_deletes and hard_deletes config properties on the same snapshot." \
	"hard_deletes with invalidate_hard_deletes"
done_testing
