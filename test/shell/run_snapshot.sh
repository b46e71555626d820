#!/usr/bin/env bash
# One run reads one state of the data (issue 11 §4).  A monthly run is slowed
# down by an override rule that sleeps (it runs after the scores and before
# the serious-dishonesty rule); meanwhile a second session lists an
# enterprise on the serious-dishonesty list.  On 1.3 the listing appeared in
# the run's overrides (D) but not in its score; now the writer waits for the
# run (the run's fence), the run classifies without the listing, the run's
# knowledge time is before the listing's arrival, re-running with that
# knowledge time reproduces the run, and the next run sees the listing.
# Output: TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."

db=creditrisk_run_snapshot
out=$(mktemp -d)
trap 'rm -rf "$out"; dropdb --if-exists $db >/dev/null 2>&1' EXIT

. test/shell/lib/tap.bash

echo "1..8"
dropdb --if-exists $db >/dev/null 2>&1
createdb $db
psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION creditrisk;
\i sql/include/units.psql
INSERT INTO creditrisk.enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
SELECT (b || c)::creditrisk.uscc, '企业 ' || i, '411622', 'F5211', 3, '2015-01-01', 'test'
  FROM generate_series(1, 2) i
 CROSS JOIN LATERAL (SELECT '91411622MA' || lpad(i::text, 7, '0') AS b) x
 CROSS JOIN LATERAL (SELECT c FROM unnest(string_to_array('0123456789ABCDEFGHJKLMNPQRTUWXY', NULL)) c
                      WHERE creditrisk.uscc_is_valid(b || c) LIMIT 1) y;
-- Sleeps 3 s once per run; its one row has no class and is ignored.
INSERT INTO creditrisk.override_rule (code, name, rule_sql)
VALUES ('a_slow', '慢规则', 'SELECT NULL::text AS uscc, NULL::text AS class FROM pg_sleep(3)');
SQL

uscc=$(q $db "SELECT uscc::text FROM creditrisk.enterprise ORDER BY uscc::text LIMIT 1")

# The run, in the background.
psql -X -q -v ON_ERROR_STOP=1 -d $db >"$out/run.log" 2>&1 <<'SQL' &
SET client_min_messages = warning;
SELECT creditrisk.refresh_classification('2025-10-31');
SQL
run_pid=$!
sleep 1.5
# The listing, while the run sleeps in its slow rule.
start=$(date +%s.%N)
psql -X -q -v ON_ERROR_STOP=1 -d $db >"$out/insert.log" 2>&1 <<SQL
INSERT INTO creditrisk.serious_dishonesty_listing (uscc, listed_date, reported_by)
VALUES ('$uscc', '2025-10-01', 'test');
SQL
insert_status=$?
end=$(date +%s.%N)
run_alive_after_insert=$(kill -0 $run_pid 2>/dev/null && echo yes || echo no)
wait $run_pid
run_status=$?
[ "$run_status" -eq 0 ] || sed 's/^/# /' "$out/run.log"
[ "$insert_status" -eq 0 ] || sed 's/^/# /' "$out/insert.log"

check "the run commits" "$run_status" "0"
check "the listing is inserted" "$insert_status" "0"
check "the writer waited for the run (it was not done before the run ended)" "$run_alive_after_insert" "no"
check "the run did not apply the listing half-way (no serious_dishonesty override)" \
    "$(q $db "SELECT final_class || ' ' || array_to_string(overrides, ',') FROM creditrisk.classification_result WHERE as_of = '2025-10-31' AND version = 1 AND uscc::text = '$uscc'")" "A "
check "the run's knowledge time is before the listing arrived" \
    "$(q $db "SELECT (SELECT known_at FROM creditrisk.classification_run WHERE as_of = '2025-10-31' AND version = 1) < recorded_at FROM creditrisk.serious_dishonesty_listing")" "t"

# Re-run with the run's knowledge time, and once more with what is known now.
psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null 2>"$out/rerun.log" <<'SQL'
SET client_min_messages = warning;
UPDATE creditrisk.override_rule SET enabled = false WHERE code = 'a_slow';
SELECT creditrisk.refresh_classification('2025-10-31', NULL,
       (SELECT known_at FROM creditrisk.classification_run WHERE as_of = '2025-10-31' AND version = 1));
SELECT creditrisk.refresh_classification('2025-10-31');
SQL
check "a re-run with the run's knowledge time gives the same rows (with the slow rule as entered then)" \
    "$(q $db "SELECT count(*) FROM (SELECT uscc, score, score_class, final_class, overrides, override_details, reasons
                                      FROM creditrisk.classification_result WHERE as_of = '2025-10-31' AND version = 1
                                    EXCEPT
                                    SELECT uscc, score, score_class, final_class, overrides, override_details, reasons
                                      FROM creditrisk.classification_result WHERE as_of = '2025-10-31' AND version = 2) d") $(q $db "SELECT count(*) FROM creditrisk.classification_result WHERE as_of = '2025-10-31' AND version = 2")" "0 2"
check "the next run sees the listing in its score and its overrides" \
    "$(q $db "SELECT final_class || ' ' || array_to_string(overrides, ',') FROM creditrisk.classification_result WHERE as_of = '2025-10-31' AND version = 3 AND uscc::text = '$uscc'")" "D serious_dishonesty"
check "the current view shows the latest version" \
    "$(q $db "SELECT final_class FROM creditrisk.classification_current WHERE uscc::text = '$uscc'")" "D"
