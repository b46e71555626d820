#!/usr/bin/env bash
# The questions an analyst asks first (issue 15), each answered in one short
# query with names shown, by analysts logged in with only the documented
# grants (creditrisk.enrol: its search_path, its jurisdiction), on a sample:
#   classes in 周口市 by county; D-class enterprises in 西华县 that need key
#   supervision, and why; why one enterprise is C; who worsened since last
#   month.  And explain_enterprise() reproduces the stored run's score.
# Output: TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."

db=creditrisk_questions
trap 'dropdb --if-exists $db >/dev/null 2>&1; for r in regress_q_zhoukou regress_q_xihua regress_q_henan; do psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1; done' EXIT
. test/shell/lib/tap.bash

echo "1..19"
dropdb --if-exists $db >/dev/null 2>&1
createdb $db
PGOPTIONS="-c search_path=creditrisk,public" psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null 2>&1 <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION creditrisk;
\set n 3000
\set as_of 2026-10-31
\i sample/generate.sql
SET client_min_messages = warning;
SELECT creditrisk.refresh_classification('2026-09-30');
SELECT creditrisk.refresh_classification('2026-10-31');
SELECT creditrisk.refresh_classification('2025-10-31');   -- a year back: outcomes after it are in the sample
SELECT creditrisk.refresh_classification('2025-10-31', 'reference-v2');   -- the same date with the calibrated model (version 2)
SELECT creditrisk.create_roles();
DROP ROLE IF EXISTS regress_q_zhoukou;
DROP ROLE IF EXISTS regress_q_xihua;
DROP ROLE IF EXISTS regress_q_henan;
CREATE ROLE regress_q_henan LOGIN PASSWORD 'creditrisk-test';
SELECT creditrisk.enrol('regress_q_henan', 'analyst', '410000');
CREATE ROLE regress_q_zhoukou LOGIN PASSWORD 'creditrisk-test';
SELECT creditrisk.enrol('regress_q_zhoukou', 'analyst', '411600');
CREATE ROLE regress_q_xihua LOGIN PASSWORD 'creditrisk-test';
SELECT creditrisk.enrol('regress_q_xihua', 'analyst', '411622');
SQL
# as each analyst, logged in: the search_path enrol() set, nothing else
zk() { PGPASSWORD=creditrisk-test psql -X -q -t -A -v ON_ERROR_STOP=1 -U regress_q_zhoukou -d $db -c "$1" 2>&1; }
hn() { PGPASSWORD=creditrisk-test psql -X -q -t -A -v ON_ERROR_STOP=1 -U regress_q_henan -d $db -c "$1" 2>&1; }
xh() { PGPASSWORD=creditrisk-test psql -X -q -t -A -v ON_ERROR_STOP=1 -U regress_q_xihua -d $db -c "$1" 2>&1; }
su() { q $db "SET search_path = creditrisk, public; $1"; }

# 1. Classes in 周口市 by county.
check "周口市 by county: one row per county-level division with a name, as the city analyst" \
      "$(zk "SELECT count(*) = count(division_name) AND count(*) > 5 AND bool_and(division_code BETWEEN '411600' AND '411699')
               FROM class_distribution_current WHERE level = 'county' AND in_division(division_code, '4116')")" "t"
check "周口市 by county: the counts add up to the city's enterprises in the current classification" \
      "$(zk "SELECT (SELECT sum(enterprises) FROM class_distribution_current WHERE level = 'county' AND in_division(division_code, '4116'))
                    = (SELECT count(*) FROM classification_current)")" "t"
check "周口市 by county: 西华县 is named" \
      "$(zk "SELECT division_name FROM class_distribution_current WHERE level = 'county' AND division_code = '411622'")" "西华县"
check "in_division('4116') is a range an index serves (no LIKE, bounds folded to constants)" \
      "$(zk "EXPLAIN (COSTS OFF) SELECT count(*) FROM classification_current WHERE in_division(division_code, '411622')" | grep -c "Index Cond: .*'411622'::text.*'411623'::text")" "1"

# 2. D-class enterprises in 西华县 that need key supervision, and why.
d_xihua=$(su "SELECT count(*) FROM classification_current WHERE division_code = '411622' AND final_class = 'D'")
check "西华县's D-class enterprises under key supervision, as the county analyst: all of them, each named, each with a reason" \
      "$(xh "SELECT count(*) || ' ' || count(enterprise_name) || ' ' || count(*) FILTER (WHERE division_name = '西华县')
                    || ' ' || count(*) FILTER (WHERE cardinality(override_names) + cardinality(reason_names) > 0)
               FROM enterprise_measures WHERE class = 'D' AND key_supervision_target AND in_division(division_code, '411622')")" \
      "$d_xihua $d_xihua $d_xihua $d_xihua"
check "the reasons are Chinese names, not codes" \
      "$(xh "SELECT count(*) FROM enterprise_measures, unnest(reason_names || override_names) r WHERE r ~ '^[a-z_0-9]+\$'")" "0"
check "every reason code the analyst sees has its name in reason_code" \
      "$(xh "SELECT count(*) FROM classification_current c, unnest(c.reasons || c.overrides) x
              WHERE NOT EXISTS (SELECT 1 FROM reason_code rc WHERE rc.code = x)")" "0"

# 3. Why one enterprise is C.
c_uscc=$(zk "SELECT uscc FROM classification_current WHERE final_class = 'C' AND division_code <> '411622' ORDER BY uscc LIMIT 1")
c_division=$(su "SELECT division_name FROM classification_current WHERE uscc = '$c_uscc'")
check "there is a C-class enterprise in 周口市 to explain" "$(echo "$c_uscc" | grep -c '^9')" "1"
check "why it is C: the class, reproduced from its records, as the city analyst" \
      "$(zk "SELECT code || ' ' || (detail->>'reproduced') || ' ' || (detail->>'division_name') FROM explain_enterprise('$c_uscc') WHERE section = 'class'")" \
      "C true $c_division"
check "why it is C: every indicator with its name, dimension and group names; contributions add up to the score" \
      "$(zk "SELECT count(*) FILTER (WHERE section = 'indicator') || ' ' || bool_and(name IS NOT NULL AND dimension IS NOT NULL AND \"group\" IS NOT NULL) FILTER (WHERE section = 'indicator')
                    || ' ' || (round(sum(contribution) FILTER (WHERE section IN ('indicator', 'floor'))::numeric, 2)
                               = round(max(value) FILTER (WHERE section = 'class')::numeric, 2))
               FROM explain_enterprise('$c_uscc') WHERE section IN ('indicator', 'floor', 'class')")" "81 true true"
check "why it is C: what changed since the previous run" \
      "$(zk "SELECT count(*) FROM explain_enterprise('$c_uscc') WHERE section = 'change' AND detail ? 'previous_run'")" "1"
check "an enterprise outside the analyst's jurisdiction is not explained (P0002)" \
      "$(xh "SELECT count(*) FROM explain_enterprise('$c_uscc')" | grep -o 'has no result in the run')" "has no result in the run"

# 4. Who worsened since last month.
w=$(su "SELECT count(*) FROM classification_worsened WHERE in_division(division_code, '4116')")
check "who worsened in 周口市 since last month, as the city analyst: all of them, named" \
      "$(zk "SELECT count(*) || ' ' || count(enterprise_name) || ' ' || count(division_name) FROM classification_worsened")" "$w $w $w"
check "some enterprises worsened" "$( [ "$w" -gt 0 ] && echo yes)" "yes"

# 5. The model's performance on the sample's outcomes (the run of 2025-10-31 with the calibrated reference-v2,
# outcomes within a year; doc/calibration.md).
perf=$(hn "SELECT string_agg(measure || ':' || coalesce(class::text, '-') || ':' || enterprises || ':' || coalesce(adverse::text, '-') || ':' || round(value::numeric, 3), ' ' ORDER BY measure, class)
             FROM model_performance('reference-v2', '2025-10-31', '1 year')")
echo "# model_performance('reference-v2', '2025-10-31', '1 year'), province analyst: $perf"
check "the adverse rate rises A < B < C < D, as the province analyst" \
      "$(hn "SELECT count(*) || ' ' || bool_and(r.value > r.prev) FROM (SELECT value, lag(value) OVER (ORDER BY class) AS prev
                                                      FROM model_performance('reference-v2', '2025-10-31', '1 year')
                                                     WHERE measure = 'adverse_rate' AND class IS NOT NULL) r WHERE r.prev IS NOT NULL")" "3 true"
check "AUC, Gini and KS of the score, and a PSI against a reference run" \
      "$(hn "SELECT string_agg(measure, ' ' ORDER BY measure) FROM model_performance('reference-v2', '2025-10-31', '1 year', '2026-09-30')
              WHERE measure IN ('auc', 'gini', 'ks', 'psi') AND value BETWEEN 0 AND 1000")" "auc gini ks psi"
check "the city analyst measures it on the city's enterprises only (measured + left out = the city's run)" \
      "$(zk "SELECT (SELECT enterprises FROM model_performance('reference-v2', '2025-10-31', '1 year') WHERE measure = 'auc')
                    + (SELECT sum(enterprises) FROM model_performance('reference-v2', '2025-10-31', '1 year') WHERE measure LIKE 'excluded%')") $(zk "SELECT count(*) FROM classification_result WHERE as_of = '2025-10-31' AND version = 2")" \
      "$(su "SELECT count(*) || ' ' || count(*) FROM classification_result WHERE as_of = '2025-10-31' AND version = 2 AND in_division(division_code, '4116')")"

# explain_enterprise reproduces the stored run's score (superuser: every enterprise of the run).
# (2,000 enterprises of the latest run, every one whose score is not 0 first, and 300 of the previous one)
check "explain's single-enterprise path reproduces the stored score of 2,000 enterprises of the latest run" \
      "$(su "SELECT count(*) || ' ' || count(*) FILTER (WHERE score(x.model_key, compute_enterprise_indicators(x.model_key, x.uscc, x.as_of, x.known_at)) IS DISTINCT FROM x.score)
               FROM (SELECT r.uscc, r.as_of, r.score, run.model_key, run.known_at
                       FROM classification_result r JOIN classification_run run USING (as_of, version)
                      WHERE r.as_of = '2026-10-31' ORDER BY r.score = 0, r.uscc LIMIT 2000) x")" "2000 0"
check "and of the previous run, with its own knowledge time" \
      "$(su "SELECT count(*) || ' ' || count(*) FILTER (WHERE score(x.model_key, compute_enterprise_indicators(x.model_key, x.uscc, x.as_of, x.known_at)) IS DISTINCT FROM x.score)
               FROM (SELECT r.uscc, r.as_of, r.score, run.model_key, run.known_at
                       FROM classification_result r JOIN classification_run run USING (as_of, version)
                      WHERE r.as_of = '2026-09-30' ORDER BY r.score = 0, r.uscc LIMIT 300) x")" "300 0"
# the time of one explanation, for the record (not a check: the machine is shared)
echo "# explain_enterprise, one C-class enterprise, as the city analyst (second call): $(PGPASSWORD=creditrisk-test psql -X -q -t -A -U regress_q_zhoukou -d $db \
      -c "SELECT count(*) FROM explain_enterprise('$c_uscc')" -c '\timing on' -c "SELECT count(*) FROM explain_enterprise('$c_uscc')" 2>&1 | grep Time)"
