#!/usr/bin/env bash
# The jurisdiction is looked up once per backend and role (src/scope.c,
# 1.5) and forgotten whenever creditrisk.jurisdiction changes, in this
# session and in every other: an analyst's open session sees a narrower or
# wider jurisdiction, or none after unenrol(), from its next statement on,
# and SET ROLE to another analyst never reuses the first one's scope.
# Output: TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."

db=creditrisk_scope_cache
trap 'exec 3>&- 4<&- 2>/dev/null; [ -n "${COPROC_PID:-}" ] && kill $COPROC_PID 2>/dev/null; dropdb --if-exists $db >/dev/null 2>&1; psql -X -q -d postgres -c "DROP ROLE IF EXISTS regress_sc_county" -c "DROP ROLE IF EXISTS regress_sc_city" >/dev/null 2>&1' EXIT
. test/shell/lib/tap.bash

echo "1..7"
dropdb --if-exists $db >/dev/null 2>&1; createdb $db
psql -X -q -d postgres -c "DROP ROLE IF EXISTS regress_sc_county" -c "DROP ROLE IF EXISTS regress_sc_city" \
     -c "CREATE ROLE regress_sc_county" -c "CREATE ROLE regress_sc_city" >/dev/null
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
ask "SELECT 1" >/dev/null
echo "\\q" >&3
