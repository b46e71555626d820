#!/usr/bin/env bash
# pg_restore -j 2 of a clean custom-format dump works (issue 11 §2): the
# model tables' data is loaded in parallel, in no particular order, so
# references within a model's content must not depend on that order.  Each
# restore must end without error, with every model, catalogue entry, rule
# and its author back, and the published models scoring as before.
# (The credit-record tables still refer to the register by foreign keys,
# which pg_restore -j can trip over in the same way; not covered here yet.)
# Output: TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."

src=creditrisk_prestore_src
dst=creditrisk_prestore_dst
dump=$(mktemp)
trap 'rm -f "$dump"; dropdb --if-exists $src >/dev/null 2>&1; dropdb --if-exists $dst >/dev/null 2>&1; psql -X -q -d postgres -c "DROP ROLE IF EXISTS regress_prestore" >/dev/null 2>&1' EXIT

. test/shell/lib/tap.bash

rounds=4
echo "1..$((rounds * 4 + 1))"
dropdb --if-exists $src >/dev/null 2>&1; dropdb --if-exists $dst >/dev/null 2>&1
psql -X -q -d postgres -c 'DROP ROLE IF EXISTS regress_prestore' -c 'CREATE ROLE regress_prestore' >/dev/null
createdb $src
tiny=$(cat test/fixtures/tiny-model.json)
setup=$(psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -d $src -v tiny="$tiny" 2>&1 <<'SQL'
CREATE EXTENSION creditrisk;
\i sql/include/units.psql
SET search_path = creditrisk;
SELECT model_import(:'tiny'::jsonb, 'par-v1');
SELECT model_publish('par-v1');
SELECT model_copy('par-v1', 'par-v2');
SELECT model_publish('par-v2');
SELECT model_retire('par-v1');
SELECT model_copy('reference-v1', 'par-ref');
SELECT model_publish('par-ref');
SELECT model_copy('par-v2', 'par-draft', 'work in progress');
UPDATE indicator SET definition_sql = 'e.registered_capital' WHERE code = 'tiny_capital';
GRANT USAGE ON SCHEMA creditrisk TO regress_prestore;
GRANT SELECT, INSERT ON override_rule TO regress_prestore;
SET ROLE regress_prestore;
INSERT INTO override_rule (code, name, rule_sql)
VALUES ('par_rule', '并行恢复', $r$SELECT e.uscc, 'C' AS class FROM creditrisk.enterprise e WHERE false$r$);
RESET ROLE;
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
VALUES ('91411622MA40000A13', '西华县示例食品有限公司', '411622', 'C1391', 3, '2015-03-02', 'u');
SQL
)
check "the source database is set up" "$?" "0"
[ -z "$setup" ] || echo "$setup" | sed 's/^/# /' | head -10
pg_dump -Fc -d $src -f "$dump" 2>/dev/null

models="SELECT string_agg(model_key || ':' || status || ':' || md5((creditrisk.model_export(model_key))::text), ' ' ORDER BY model_key) FROM creditrisk.model"
catalogue="SELECT string_agg(code || ':' || builtin || ':' || shipped || ':' || coalesce(owner::text, '-') || ':' || md5(coalesce(definition_sql, '')), ' ' ORDER BY code) FROM creditrisk.indicator"
rules="SELECT string_agg(code || ':' || coalesce(owner::text, '-'), ' ' ORDER BY code) FROM creditrisk.override_rule"
scores="SELECT creditrisk.score('par-v2', '{50,3,1,7}'::float8[]) || ' ' || creditrisk.score('par-v1', '{5,2,0,1}'::float8[]) || ' ' || creditrisk.score('par-ref', array_fill(1::float8, ARRAY[81]))"
for r in $(seq 1 $rounds); do
    dropdb --if-exists $dst >/dev/null 2>&1; createdb $dst
    out=$(pg_restore -j 2 -d $dst "$dump" 2>&1)
    status=$?
    check "round $r: pg_restore -j 2 ends without error" "$status:$(echo "$out" | grep -c 'error')" "0:0"
    [ "$status" -eq 0 ] || echo "$out" | sed 's/^/# /' | head -10
    check "round $r: every model comes back with its status and exact content" "$(q $dst "$models")" "$(q $src "$models")"
    check "round $r: catalogue entries and rules come back with their authors" \
          "$(q $dst "$catalogue") $(q $dst "$rules")" "$(q $src "$catalogue") $(q $src "$rules")"
    check "round $r: the published and retired models score as before (their seal holds)" "$(q $dst "$scores" 2>&1)" "$(q $src "$scores")"
done
