#!/usr/bin/env bash
# The C engine under row-level security (issue 12 leftover, issue 16): where
# the shipped jurisdiction policies apply to the caller, compute_indicators()
# and score_population() read the tables directly and apply the caller's
# jurisdiction themselves, instead of falling back to the SQL definitions
# (correct, but about quadratic in the register).  Each role kind must get
# exactly what the SQL definitions give under its policies, row for row, now
# and as known at an earlier time; a province-wide creditrisk_admin's monthly
# run must give the superuser's run over the province and nothing outside
# it; a policy the engine does not know sends it back to the SQL path.
# Data: sample/generate.sql (800 enterprises) plus moves between counties
# before and after the date and the knowledge time, and an enterprise of
# another province linked to Henan ones (a parent of a branch, a
# shareholder), opted into the population.
# Output: TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."

db=creditrisk_engine_scope
out=$(mktemp -d)
trap 'rm -rf "$out"; dropdb --if-exists $db >/dev/null 2>&1; for r in regress_es_admin regress_es_city regress_es_county; do psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1; done' EXIT

. test/shell/lib/tap.bash

echo "1..32"
dropdb --if-exists $db >/dev/null 2>&1
createdb $db
# JIT off in this database: the SQL definitions under a role's policies (81
# correlated subqueries) cost enough for the planner to JIT-compile them, and
# compiling took 95 % of each comparison (157 s against 7 s at load 10 for
# the province admin's query; a perf profile: LLVM's passes).  What is
# compared, the rows, does not depend on it.
psql -X -q -d postgres -c "ALTER DATABASE $db SET jit = off" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d $db -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION creditrisk' >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d $db -v n=800 -v as_of=2026-10-31 -f sample/generate.sql >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null <<'SQL'
SET client_min_messages = warning;
SET search_path = creditrisk, public;
-- An enterprise of Hubei (420102): the parent of a Zhoukou branch and a
-- shareholder of two Zhoukou enterprises; a bureau opted it in.
INSERT INTO reporting_unit (code, name, bureau, division_code, kind)
VALUES ('test', 'test unit', 'test bureau', '410000', 'market_regulation') ON CONFLICT (code) DO NOTHING;
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
VALUES ('91420102MA4K00001Q', '湖北某有限公司', '420102', 'C2710', 1, '2010-01-01', 'test');
UPDATE enterprise SET parent_uscc = '91420102MA4K00001Q'
 WHERE uscc = (SELECT min(uscc::text) FROM enterprise WHERE division_code LIKE '4116%' AND parent_uscc IS NULL)::uscc;
INSERT INTO related_party_link (from_uscc, to_uscc, kind, valid_from, reported_by)
SELECT '91420102MA4K00001Q', e.uscc, 'shareholder', '2020-01-01', 'test'
  FROM (SELECT uscc FROM enterprise WHERE division_code LIKE '4116%' ORDER BY uscc::text LIMIT 2) e;
INSERT INTO serious_dishonesty_listing (uscc, listed_date, reported_by) VALUES ('91420102MA4K00001Q', '2026-01-05', 'test');
INSERT INTO population_opt_in (division_code, uscc, effective_from, note)
VALUES ('410000', '91420102MA4K00001Q', '2020-01-01', 'test: supervised in Henan');
SQL
t0=$(q $db "SELECT clock_timestamp()")
psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null <<'SQL'
SET client_min_messages = warning;
SET search_path = creditrisk, public;
-- moves: out of Zhoukou before the date, into Xihua after it, into Xihua before it
UPDATE enterprise SET division_code = '410102', valid_from = '2026-09-01'
 WHERE uscc IN (SELECT uscc FROM enterprise WHERE division_code LIKE '4116%' ORDER BY uscc::text OFFSET 5 LIMIT 15);
UPDATE enterprise SET division_code = '411622', valid_from = '2026-11-15'
 WHERE uscc IN (SELECT uscc FROM enterprise WHERE division_code LIKE '4101%' ORDER BY uscc::text LIMIT 15);
UPDATE enterprise SET division_code = '411622', valid_from = '2026-06-15'
 WHERE uscc IN (SELECT uscc FROM enterprise WHERE division_code LIKE '4102%' ORDER BY uscc::text LIMIT 15);
SELECT creditrisk.create_roles();
CREATE ROLE regress_es_admin LOGIN;
CREATE ROLE regress_es_city LOGIN;
CREATE ROLE regress_es_county LOGIN;
SELECT creditrisk.enrol('regress_es_admin', 'admin', '410000');
SELECT creditrisk.enrol('regress_es_city', 'analyst', '411600');
SELECT creditrisk.enrol('regress_es_county', 'analyst', '411622');
SQL

# compare ROLE KNOWN_AT [BUDGET]: rows of compute_indicators (C, under
# creditrisk.memory_budget BUDGET if given) and of the SQL definitions as that
# role; prints "c_rows sql_rows differing c_path".
compare() {
    PGOPTIONS="-c creditrisk.memory_budget=${3:-256MB}" psql -X -q -t -A -v ON_ERROR_STOP=1 -d $db 2>"$out/debug" <<SQL
SELECT creditrisk.indicators_to_sql('reference-v1') AS q \gset
SET ROLE $1;
SET search_path = pg_catalog, creditrisk, pg_temp;
PREPARE plain_sql(date, timestamptz) AS :q;
CREATE TEMP TABLE by_sql AS EXECUTE plain_sql('2026-10-31', $2);
SET client_min_messages = debug1;
CREATE TEMP TABLE by_c AS SELECT * FROM creditrisk.compute_indicators('reference-v1', '2026-10-31', $2);
RESET client_min_messages;
SELECT (SELECT count(*) FROM by_c) || ' ' || (SELECT count(*) FROM by_sql) || ' ' ||
       (SELECT count(*) FROM ((SELECT uscc::text, indicators FROM by_c EXCEPT SELECT uscc::text, indicators FROM by_sql)
                              UNION ALL
                              (SELECT uscc::text, indicators FROM by_sql EXCEPT SELECT uscc::text, indicators FROM by_c)) x);
SQL
    if grep -q 'creditrisk compute_indicators: register, in all' "$out/debug"; then echo C; else echo SQL; fi
}

expect_rows() {  # ROLE: the enterprises of the population the role sees on the register on the date
    q $db "SET ROLE $1; SELECT count(*) FROM creditrisk.register_at('2026-10-31') e
            WHERE creditrisk.in_population(e.established_date, e.status, e.status_date, '2026-10-31')"
}

for role in regress_es_admin regress_es_city regress_es_county; do
    for kt in NULL "'$t0'"; do
        r=$(compare $role "$kt" | tr '\n' ' ')
        rows=$(echo "$r" | cut -d' ' -f1); sqlrows=$(echo "$r" | cut -d' ' -f2)
        check "$role, known at ${kt}: the engine took the direct path" "$(echo "$r" | cut -d' ' -f4)" "C"
        check "$role, known at ${kt}: the same rows as the SQL definitions under the policies ($rows and $sqlrows)" \
              "$(echo "$r" | cut -d' ' -f3)/$rows" "0/$sqlrows"
    done
done
# in chunks (800 enterprises, 256 a chunk under the smallest budget): the same
for role in regress_es_admin regress_es_county; do
    r=$(compare $role NULL 64kB | tr '\n' ' ')
    rows=$(echo "$r" | cut -d' ' -f1); sqlrows=$(echo "$r" | cut -d' ' -f2)
    check "$role, in chunks: the engine took the direct path" "$(echo "$r" | cut -d' ' -f4)" "C"
    check "$role, in chunks ($(grep -o '[0-9]* chunk(s)' "$out/debug" | head -1)): the same rows as the SQL definitions ($rows and $sqlrows)" \
          "$(echo "$r" | cut -d' ' -f3)/$rows" "0/$sqlrows"
done
check "the county analyst sees only Xihua's enterprises" \
      "$(q $db "SET ROLE regress_es_county; SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2026-10-31')")" \
      "$(expect_rows regress_es_county)"
check "the city analyst sees only Zhoukou's" \
      "$(q $db "SET ROLE regress_es_city; SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2026-10-31')")" \
      "$(expect_rows regress_es_city)"

# score_population() is compute_indicators() + register_at() + score() + classify() + score_reasons()
sp_equal() {
    q $db "SET ROLE $1; SET search_path = creditrisk, public;
           SELECT count(*) FROM ((SELECT uscc::text, division_code::text, score, score_class::text, reasons
                                    FROM score_population('reference-v1', '2026-10-31', NULL, 3)
                                  EXCEPT
                                  SELECT i.uscc::text, e.division_code::text, score('reference-v1', i.indicators),
                                         classify(score('reference-v1', i.indicators))::text, score_reasons('reference-v1', i.indicators, 3)
                                    FROM compute_indicators('reference-v1', '2026-10-31') i
                                    JOIN register_at('2026-10-31') e ON e.uscc = i.uscc)
                                 UNION ALL
                                 (SELECT i.uscc::text, e.division_code::text, score('reference-v1', i.indicators),
                                         classify(score('reference-v1', i.indicators))::text, score_reasons('reference-v1', i.indicators, 3)
                                    FROM compute_indicators('reference-v1', '2026-10-31') i
                                    JOIN register_at('2026-10-31') e ON e.uscc = i.uscc
                                  EXCEPT
                                  SELECT uscc::text, division_code::text, score, score_class::text, reasons
                                    FROM score_population('reference-v1', '2026-10-31', NULL, 3))) x"
}
check "score_population() gives, row for row, the composition of compute_indicators, register_at, score, classify, score_reasons (superuser)" \
      "$(sp_equal postgres)" "0"
check "... and for the county analyst" "$(sp_equal regress_es_county)" "0"

# The monthly run: the superuser's (version 1), then the province-wide admin's (version 2).
psql -X -q -v ON_ERROR_STOP=1 -d $db -c 'SET client_min_messages = warning' \
     -c "SELECT creditrisk.refresh_classification('2026-10-31')" >/dev/null 2>"$out/run1.err"
PGOPTIONS='-c client_min_messages=debug1' psql -X -q -v ON_ERROR_STOP=1 -d $db \
     -c "SET ROLE regress_es_admin" -c "SELECT creditrisk.refresh_classification('2026-10-31')" >/dev/null 2>"$out/run2.err"
check "the admin's run succeeds" "$(q $db "SELECT count(*) FROM creditrisk.classification_run WHERE finished_at IS NOT NULL")" "2"
check "the admin's run scored through the engine's direct path" \
      "$(grep -c 'creditrisk compute_indicators: register, in all' "$out/run2.err")" "1"
check "the superuser's run classified the opted-in Hubei enterprise" \
      "$(q $db "SELECT count(*) FROM creditrisk.classification_result WHERE version = 1 AND division_code = '420102'")" "1"
check "the admin's run holds nothing outside its province" \
      "$(q $db "SELECT count(*) FROM creditrisk.classification_result WHERE version = 2 AND NOT (division_code >= '410000' AND division_code < '420000')")" "0"
# (the three Zhoukou enterprises tied to the Hubei one are compared apart: the
# admin cannot read Hubei's register entry and records, so its run, like the
# SQL definitions under its policies, leaves them out of their values)
tied="SELECT uscc::text FROM creditrisk.enterprise WHERE parent_uscc::text = '91420102MA4K00001Q'
      UNION SELECT to_uscc::text FROM creditrisk.related_party_link WHERE from_uscc::text = '91420102MA4K00001Q'"
cols="uscc::text, division_code::text, score, score_class::text, final_class::text, overrides, override_details::text, reasons"
check "the admin's run gives the superuser's run over the province, row for row" \
      "$(q $db "SELECT count(*) FROM ((SELECT $cols FROM creditrisk.classification_result
                                        WHERE version = 1 AND division_code LIKE '41%' AND uscc::text NOT IN ($tied)
                                       EXCEPT SELECT $cols FROM creditrisk.classification_result WHERE version = 2)
                                      UNION ALL
                                      (SELECT $cols FROM creditrisk.classification_result WHERE version = 2 AND uscc::text NOT IN ($tied)
                                       EXCEPT SELECT $cols FROM creditrisk.classification_result WHERE version = 1)) x")" "0"
check "... and those tied to the Hubei enterprise are in both runs" \
      "$(q $db "SELECT count(*) FROM creditrisk.classification_result WHERE version = 2 AND uscc::text IN ($tied)")" \
      "$(q $db "SELECT count(*) FROM creditrisk.classification_result WHERE version = 1 AND uscc::text IN ($tied)")"
check "... and as many rows ($(q $db "SELECT count(*) FROM creditrisk.classification_result WHERE version = 2"))" \
      "$(q $db "SELECT count(*) FROM creditrisk.classification_result WHERE version = 2")" \
      "$(q $db "SELECT count(*) FROM creditrisk.classification_result WHERE version = 1 AND division_code LIKE '41%'")"
check "the history still verifies" "$(q $db "SELECT count(*) FROM creditrisk.verify_history()")" "0"

# A policy the engine does not apply itself: back to the SQL definitions, still exact.
q $db "CREATE POLICY regress_food_only ON creditrisk.penalty AS RESTRICTIVE FOR SELECT TO regress_es_county USING (field = 'food')" >/dev/null
r=$(compare regress_es_county NULL | tr '\n' ' ')
check "with a policy of the DBA's own on penalty: the SQL path" "$(echo "$r" | cut -d' ' -f4)" "SQL"
check "... giving what the SQL definitions give" "$(echo "$r" | cut -d' ' -f3)" "0"
q $db "DROP POLICY regress_food_only ON creditrisk.penalty" >/dev/null
q $db "ALTER POLICY jurisdiction ON creditrisk.enterprise USING (division_code >= (SELECT creditrisk.scope_from()))" >/dev/null
r=$(compare regress_es_county NULL | tr '\n' ' ')
check "with the register's policy altered: the SQL path" "$(echo "$r" | cut -d' ' -f4)" "SQL"
check "... giving what the SQL definitions give" "$(echo "$r" | cut -d' ' -f3)" "0"
