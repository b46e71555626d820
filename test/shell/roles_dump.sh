#!/usr/bin/env bash
# Roles, jurisdictions and sharing agreements across pg_dump and pg_restore
# (doc/SECURITY.md, "Backup, restore, upgrade"): the restore keeps the grants,
# jurisdictions and agreements but not the policies of the extension's
# tables, so until create_roles() runs again nobody but a superuser reads a
# row of those tables (fail closed); afterwards the owner, the policies and
# every reader's view are back.
# Roles are cluster-wide: this test creates its own (regress_crdump_*) and the
# group roles if absent, and drops what it created.
# Output: TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."

src=creditrisk_roles_dump_src
dst=creditrisk_roles_dump_dst
dump=$(mktemp)
had_groups=$(psql -X -q -t -A -d postgres -c "SELECT count(*) FROM pg_roles WHERE rolname = 'creditrisk_owner'")
cleanup() {
    rm -f "$dump"
    dropdb --if-exists $src >/dev/null 2>&1; dropdb --if-exists $dst >/dev/null 2>&1
    psql -X -q -d postgres -c 'DROP ROLE IF EXISTS regress_crdump_county, regress_crdump_partner' >/dev/null 2>&1
    if [ "$had_groups" = 0 ]; then
        psql -X -q -d postgres -c 'DROP ROLE IF EXISTS creditrisk_admin, creditrisk_analyst, creditrisk_partner, creditrisk_auditor, creditrisk_owner' >/dev/null 2>&1
    fi
}
trap cleanup EXIT

. test/shell/lib/tap.bash

echo "1..8"
cleanup
createdb $src && createdb $dst
psql -X -q -v ON_ERROR_STOP=1 -d $src >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION creditrisk;
\i sql/include/units.psql
SET search_path = creditrisk;
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
VALUES ('91411622MA40000A13', '西华县示例食品有限公司', '411622', 'C1391', 3, '2015-03-02', 'u'),
       ('91410102MA40000E12', '郑州市示例有限公司', '410102', 'C1391', 3, '2015-03-02', 'u');
SELECT refresh_classification('2026-09-30');
SELECT create_roles();
CREATE ROLE regress_crdump_county LOGIN;
CREATE ROLE regress_crdump_partner LOGIN;
SELECT enrol('regress_crdump_county', 'analyst', '411622'), enrol('regress_crdump_partner', 'partner', '410000');
SELECT share('regress_crdump_partner', '{411622}', '{final_class,class_date}', '2099-12-31');
SQL

county_sees() { psql -X -q -t -A -d "$1" -c "SET ROLE regress_crdump_county; SELECT string_agg(uscc::text, ',' ORDER BY uscc) FROM creditrisk.classification_current"; }
check "before: the county analyst sees its county" "$(county_sees $src)" "91411622MA40000A13"

pg_dump -Fc -d $src -f "$dump" 2>/dev/null
pg_restore -d $dst "$dump" > "$dump.log" 2>&1
check "pg_restore into a database of the same cluster reports no error" "$(grep -c 'error' "$dump.log")" "0"
rm -f "$dump.log"
check "restored, before create_roles(): the tables are closed (no policy yet), the analyst reads no register entry" \
      "$(q $dst "SET ROLE regress_crdump_county; SELECT count(*) FROM creditrisk.enterprise")" "0"
check "... and the current classification, read with the reader's rights under the history's (absent) policy, shows nothing either" \
      "$(county_sees $dst)" ""
check "ownership is the restoring superuser's until create_roles() runs" \
      "$(q $dst "SELECT pg_get_userbyid(relowner) = current_user FROM pg_class WHERE oid = 'creditrisk.enterprise'::regclass")" "t"
q $dst "SET client_min_messages = warning; SELECT creditrisk.create_roles()" >/dev/null
check "create_roles() after the restore: creditrisk_owner owns the data again" \
      "$(q $dst "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'creditrisk.enterprise'::regclass")" "creditrisk_owner"
check "... the policies are back: the county analyst sees its county (jurisdictions and grants were restored)" \
      "$(county_sees $dst)" "91411622MA40000A13"
check "... and the partner its sharing agreement" \
      "$(q $dst "SET ROLE regress_crdump_partner; SELECT string_agg(uscc::text, ',') FROM creditrisk.shared_classification")" \
      "91411622MA40000A13"
