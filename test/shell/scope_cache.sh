#!/usr/bin/env bash
# The jurisdiction is looked up once per backend and role (src/scope.c,
# 1.5) and forgotten whenever creditrisk.jurisdiction changes, in this
# session and in every other: an analyst's open session sees a narrower or
# wider jurisdiction, or none after unenrol(), from its next statement on,
# and SET ROLE to another analyst never reuses the first one's scope.
# Since 1.8 the role's attributes (superuser, BYPASSRLS, creditrisk_owner)
# are cached with its division and forgotten on any change to pg_authid:
# ALTER ROLE in another session or in the same transaction counts from the
# next statement; the user changing within a statement (a SECURITY DEFINER
# function called per row) gets each role's own scope; parallel workers,
# which cache for their lifetime, give the same answers.
# Output: TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."

db=creditrisk_scope_cache
trap 'exec 3>&- 4<&- 2>/dev/null; [ -n "${COPROC_PID:-}" ] && kill $COPROC_PID 2>/dev/null; dropdb --if-exists $db >/dev/null 2>&1; psql -X -q -d postgres -c "DROP ROLE IF EXISTS regress_sc_county" -c "DROP ROLE IF EXISTS regress_sc_city" -c "DROP ROLE IF EXISTS regress_sc_other" >/dev/null 2>&1' EXIT
. test/shell/lib/tap.bash

echo "1..20"
dropdb --if-exists $db >/dev/null 2>&1; createdb $db
psql -X -q -d postgres -c "DROP ROLE IF EXISTS regress_sc_county" -c "DROP ROLE IF EXISTS regress_sc_city" \
     -c "DROP ROLE IF EXISTS regress_sc_other" \
     -c "CREATE ROLE regress_sc_county" -c "CREATE ROLE regress_sc_city" -c "CREATE ROLE regress_sc_other" >/dev/null
psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -d $db <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION creditrisk;
SELECT creditrisk.create_roles();
INSERT INTO creditrisk.reporting_unit (code, name, bureau, division_code, kind) VALUES ('u', 'test unit', 'test bureau', '410000', 'market_regulation');
INSERT INTO creditrisk.enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
VALUES ('91411622MA40000A13', '西华县甲', '411622', 'C1391', 3, '2015-03-02', 'u'),
       ('91411622MA40000B27', '西华县乙', '411622', 'H6210', 6, '2019-07-15', 'u'),
       ('91411621MA40000C1N', '扶沟县丙', '411621', 'H6210', 6, '2019-07-15', 'u');
SELECT creditrisk.enrol('regress_sc_county', 'analyst', '411622');
SELECT creditrisk.enrol('regress_sc_city', 'analyst', '411600');
SELECT creditrisk.enrol('regress_sc_other', 'analyst', '411621');
-- a SECURITY DEFINER function owned by the city analyst: called by another
-- role, it runs (and reads the register) as the city analyst
CREATE SCHEMA regress_sc;
GRANT USAGE ON SCHEMA regress_sc TO PUBLIC;
CREATE FUNCTION regress_sc.city_count() RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'SELECT count(*) FROM creditrisk.enterprise';
CREATE FUNCTION regress_sc.city_from() RETURNS text LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS 'SELECT creditrisk.scope_from() || ''-'' || creditrisk.scope_to()';
ALTER FUNCTION regress_sc.city_count() OWNER TO regress_sc_city;
ALTER FUNCTION regress_sc.city_from() OWNER TO regress_sc_city;
SQL

# One analyst session kept open (a coprocess); another session changes the
# jurisdictions between its statements.
coproc PSQL { psql -X -q -t -A -d $db 2>&1; }
exec 3>&"${PSQL[1]}" 4<&"${PSQL[0]}"
ask() { echo "$1" >&3; echo "\\echo __end" >&3; local l out=""; while IFS= read -r l <&4; do [ "$l" = "__end" ] && break; out="$out$l"; done; echo "$out"; }
count="SELECT count(*) FROM creditrisk.enterprise;"
ask "SET ROLE regress_sc_county;" >/dev/null
check "a county analyst sees its county" "$(ask "$count")" "2"
check "again, from the cached jurisdiction" "$(ask "$count")" "2"
psql -X -q -o /dev/null -d $db -c "SELECT creditrisk.enrol('regress_sc_county', 'analyst', '411600')"
check "moved to the city by another session: the open session sees the city" "$(ask "$count")" "3"
ask "RESET ROLE; SET ROLE regress_sc_city;" >/dev/null
check "SET ROLE to another analyst: its own jurisdiction" "$(ask "$count")" "3"
ask "RESET ROLE; SET ROLE regress_sc_county;" >/dev/null
psql -X -q -o /dev/null -d $db -c "SELECT creditrisk.enrol('regress_sc_county', 'analyst', '411621')"
check "narrowed to another county: the open session sees only that one" "$(ask "$count")" "1"
psql -X -q -o /dev/null -d $db -c "SELECT creditrisk.unenrol('regress_sc_county')"
check "unenrolled: the open session sees nothing" "$(ask "$count" | sed 's/ERROR:.*permission denied.*/denied/')" "$(echo denied)"
check "a change in the session itself counts at once, and is forgotten when rolled back" \
      "$(ask "RESET ROLE;" >/dev/null; ask "BEGIN; SELECT creditrisk.enrol('regress_sc_city', 'analyst', '411622'); SET ROLE regress_sc_city; $count" | sed "s/.*\\(.\\)$/\\1/"):$(ask "ROLLBACK; SET ROLE regress_sc_city; $count")" "2:3"

# 1.8: the role's attributes are cached too, and forgotten with pg_authid
ask "ROLLBACK; RESET ROLE; SET ROLE regress_sc_other;" >/dev/null
check "an analyst of 扶沟县 sees its one enterprise" "$(ask "$count")" "1"
psql -X -q -o /dev/null -d $db -c "ALTER ROLE regress_sc_other BYPASSRLS"
check "given BYPASSRLS by another session: its next statement sees everything" "$(ask "$count"):$(ask "SELECT creditrisk.scope_from() || '-' || creditrisk.scope_to();")" "3:000000-9999999"
psql -X -q -o /dev/null -d $db -c "ALTER ROLE regress_sc_other NOBYPASSRLS"
check "BYPASSRLS taken back by another session: its next statement sees its county again" "$(ask "$count"):$(ask "SELECT creditrisk.scope_from() || '-' || creditrisk.scope_to();")" "1:411621-411622"
check "ALTER ROLE in the same transaction counts from the next statement, and is forgotten when rolled back" \
      "$(ask "RESET ROLE; BEGIN; ALTER ROLE regress_sc_other BYPASSRLS; SET ROLE regress_sc_other; SELECT creditrisk.scope_from();" | sed 's/^.*\(000000\|411621\)$/\1/'):$(ask "RESET ROLE; ALTER ROLE regress_sc_other NOBYPASSRLS; SET ROLE regress_sc_other; SELECT creditrisk.scope_from();" | sed 's/^.*\(000000\|411621\)$/\1/'):$(ask "ROLLBACK; SET ROLE regress_sc_other; SELECT creditrisk.scope_from();")" "000000:411621:411621"
psql -X -q -o /dev/null -d $db -c "ALTER ROLE regress_sc_other SUPERUSER"
check "made superuser by another session: seen by the next statement" "$(ask "SELECT creditrisk.scope_from();")" "000000"
psql -X -q -o /dev/null -d $db -c "ALTER ROLE regress_sc_other NOSUPERUSER"
check "superuser taken back: seen by the next statement" "$(ask "SELECT creditrisk.scope_from();"):$(ask "$count")" "411621:1"
# inside an open transaction block (its locks already held): a jurisdiction
# changed and committed by another session counts from the next statement
ask "BEGIN; $count" >/dev/null
psql -X -q -o /dev/null -d $db -c "SELECT creditrisk.enrol('regress_sc_other', 'analyst', '411600')"
check "enrolled elsewhere while a transaction is open: its next statement sees the city" "$(ask "$count")" "3"
psql -X -q -o /dev/null -d $db -c "SELECT creditrisk.enrol('regress_sc_other', 'analyst', '411621')"
check "and narrowed again: the next statement sees the county" "$(ask "$count")" "1"
ask "COMMIT;" >/dev/null
# the user changes within one statement: a SECURITY DEFINER function called
# for each row runs as its owner (the city analyst) and sees the city; the
# row it is called for is still read with the caller's county scope
check "SECURITY DEFINER per row: the caller's scope outside, the owner's inside" \
      "$(ask "SELECT string_agg(creditrisk.scope_from() || '/' || regress_sc.city_from() || '/' || regress_sc.city_count() || '/' || creditrisk.scope_to(), ',') FROM creditrisk.enterprise;")" \
      "411621/411600-411700/3/411622"
check "and afterwards, in the same session, the caller's own scope again" "$(ask "$count"):$(ask "SELECT creditrisk.scope_from();")" "1:411621"
# parallel workers (each caches for its own lifetime) see what the leader sees
par="SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2; SET force_parallel_mode = on;"
ask "$par" >/dev/null
check "the next query runs in a parallel worker" \
      "$(ask "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT count(*) FILTER (WHERE creditrisk.scope_from() = '411621' AND regress_sc.city_count() = 3) FROM creditrisk.enterprise;" | grep -o 'Workers Launched: [1-9]' | head -1)" "Workers Launched: 1"
check "in parallel workers: the county analyst's count, its scope, the city function's count" \
      "$(ask "$count"):$(ask "SELECT count(*) FILTER (WHERE creditrisk.scope_from() = '411621' AND regress_sc.city_count() = 3) FROM creditrisk.enterprise;")" "1:1"
psql -X -q -o /dev/null -d $db -c "SELECT creditrisk.enrol('regress_sc_other', 'analyst', '411600')"
check "in parallel workers, after another session widened the jurisdiction: the city" "$(ask "$count")" "3"
ask "SELECT 1" >/dev/null
echo "\\q" >&3
