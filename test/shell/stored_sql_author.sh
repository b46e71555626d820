#!/usr/bin/env bash
# Stored SQL (indicator.definition_sql, override_rule.rule_sql) never runs
# with more rights than its author (issue 11 §1).  A model administrator
# ("regress_ma") who may write catalogue entries and override rules plants a
# function that makes itself superuser when a superuser calls it, and the two
# definitions of the issue: one that escapes the "compiles to a number"
# wrapper and one that calls the function from a subquery.  A superuser then
# restores a dump (psql and pg_restore -j 2), computes the indicators and runs
# the monthly classification: the attacker must still not be superuser.
# Output: TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."

src=creditrisk_sqlauth_src
dst=creditrisk_sqlauth_dst
dst2=creditrisk_sqlauth_dst2
dump=$(mktemp)
cdump=$(mktemp)
cleanup() {
    rm -f "$dump" "$cdump"
    for d in $src $dst $dst2; do dropdb --if-exists $d >/dev/null 2>&1; done
    psql -X -q -d postgres -c 'DROP ROLE IF EXISTS regress_ma' >/dev/null 2>&1
}
trap cleanup EXIT

. test/shell/lib/tap.bash

echo "1..9"
cleanup
psql -X -q -d postgres -c 'CREATE ROLE regress_ma BYPASSRLS' >/dev/null   # sees every row, as a province-wide administrator would
createdb $src && createdb $dst && createdb $dst2
tiny=$(cat test/fixtures/tiny-model.json)
setup_out=$(psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -d $src -v tiny="$tiny" 2>&1 <<'SQL'
CREATE EXTENSION creditrisk;
\i sql/include/units.psql
CREATE SCHEMA ma AUTHORIZATION regress_ma;
GRANT USAGE ON SCHEMA creditrisk TO regress_ma;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA creditrisk TO regress_ma;
GRANT SELECT ON ALL TABLES IN SCHEMA creditrisk TO regress_ma;
GRANT INSERT, UPDATE, DELETE ON creditrisk.indicator, creditrisk.override_rule, creditrisk.model,
      creditrisk.model_dimension, creditrisk.model_group, creditrisk.model_indicator, creditrisk.model_bin,
      creditrisk.model_category, creditrisk.model_floor, creditrisk.model_floor_condition TO regress_ma;
GRANT USAGE ON SEQUENCE creditrisk.model_revision_seq TO regress_ma;
INSERT INTO creditrisk.enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
VALUES ('91411622MA40000A13', '西华县示例食品有限公司', '411622', 'C1391', 3, '2015-03-02', 'u');
SET ROLE regress_ma;
CREATE FUNCTION ma.f() RETURNS integer LANGUAGE plpgsql AS $f$
BEGIN
    IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        EXECUTE 'ALTER ROLE regress_ma SUPERUSER';
    END IF;
    RETURN 1;
END
$f$;
SELECT creditrisk.model_import(:'tiny'::jsonb, 'attack-v1');
-- the subquery reproducer, in a model the superuser will compute
UPDATE creditrisk.indicator SET definition_sql = '(SELECT ma.f())' WHERE code = 'tiny_capital';
UPDATE creditrisk.indicator SET definition_sql = '0' WHERE code IN ('tiny_licence', 'tiny_refused', 'tiny_complaints');
SELECT creditrisk.model_publish('attack-v1');
-- and an override rule that calls it
INSERT INTO creditrisk.override_rule (code, name, rule_sql)
VALUES ('attack', 'attack', $r$SELECT e.uscc, 'C' AS class FROM creditrisk.enterprise e WHERE ma.f() = 1$r$);
RESET ROLE;
SQL
)
[ $? -eq 0 ] || echo "$setup_out" | sed 's/^/# /' | head -20
# The wrapper-escaping definition: refused when parsed (1.4); on 1.3 it was
# stored, and its check ran it in every superuser's restore.
escape_out=$(psql -X -q -d $src 2>&1 <<'SQL'
SET ROLE regress_ma;
INSERT INTO creditrisk.indicator (code, name, definition_sql) VALUES ('attack_escape', 'x', '1)::float8 FROM (SELECT ma.f()) x --');
SQL
)
check "a definition that is not a single expression is refused at insert" \
      "$(echo "$escape_out" | grep -c 'is not a single expression')" "1"
# On 1.3 the refused text would have been stored: plant it as 1.3 would have
# (a superuser bypassing the check) so that the restore tests below see it.
psql -X -q -d $src >/dev/null 2>&1 <<'SQL'
ALTER TABLE creditrisk.indicator DISABLE TRIGGER USER;
INSERT INTO creditrisk.indicator (code, name, definition_sql, owner)
VALUES ('attack_escape', 'x', '1)::float8 FROM (SELECT ma.f()) x --', 'regress_ma');
ALTER TABLE creditrisk.indicator ENABLE TRIGGER USER;
SQL
superuser() { q postgres "SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_ma'"; }
check "the setup leaves the attacker an ordinary role" "$(superuser)" "f"

# 1. Restore as a superuser (plain SQL dump, then custom format with -j 2).
pg_dump -d $src > "$dump" 2>/dev/null
restore_out=$(psql -X -q -o /dev/null -d $dst -f "$dump" 2>&1)
check "a superuser's psql restore does not run the stored SQL" "$(superuser)" "f"
echo "$restore_out" | grep -i -A2 error | sed 's/^/# /' | head -5
pg_dump -Fc -d $src -f "$cdump" 2>/dev/null
prestore_out=$(pg_restore -j 2 -d $dst2 "$cdump" 2>&1)
check "a superuser's pg_restore -j 2 does not run the stored SQL" "$(superuser)" "f"
echo "$prestore_out" | grep -i error | sed 's/^/# /' | head -5
psql -X -q -d $src -c "DELETE FROM creditrisk.indicator WHERE code = 'attack_escape'" >/dev/null 2>&1

# 2. A superuser computes the indicators: the definition runs as its author.
compute_out=$(q $src "SELECT indicators FROM creditrisk.compute_indicators('attack-v1', '2026-06-30')" 2>&1)
check "compute_indicators by a superuser runs the definition as its author" "$compute_out" "{1,0,0,0}"
check "after compute_indicators the attacker is still not superuser" "$(superuser)" "f"

# 3. The monthly run by a superuser: the rule runs as its author.
run_out=$(psql -X -q -d $src -c "SELECT enterprises, overrides FROM creditrisk.refresh_classification('2026-06-30', 'attack-v1')" 2>&1)
check "after the monthly run the attacker is still not superuser" "$(superuser)" "f"
check "the monthly run applied the author's rule" \
      "$(q $src "SELECT final_class || ':' || array_to_string(overrides, ',') FROM creditrisk.classification_result WHERE as_of = '2026-06-30'" 2>&1)" "C:attack"

# 4. The author is recorded and cannot be forged.
forge_out=$(psql -X -q -d $src 2>&1 <<'SQL'
SET ROLE regress_ma;
UPDATE creditrisk.override_rule SET owner = 'postgres' WHERE code = 'attack';
SQL
)
check "an author cannot make another role the owner of its SQL" \
      "$(echo "$forge_out" | grep -c 'ERROR')" "1"
