#!/usr/bin/env bash
# Analysts keep reading the current classification while the monthly run
# refreshes it: a reader during refresh_classification() (REFRESH MATERIALIZED
# VIEW CONCURRENTLY, held open for 1.5 more seconds before COMMIT) sees no
# error, never waits, and never sees an empty result; it sees the new
# classification after the commit.  A plain REFRESH, for contrast, blocks it.
# Output: TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."

db=creditrisk_concurrent
n_ent=10000
out=$(mktemp -d)
trap 'rm -rf "$out"; dropdb --if-exists $db >/dev/null 2>&1' EXIT

. test/shell/lib/tap.bash

echo "1..7"
dropdb --if-exists $db >/dev/null 2>&1
createdb $db
psql -X -q -v ON_ERROR_STOP=1 -d $db -v n=$n_ent >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION creditrisk;
\i sql/include/units.psql
-- A one-indicator model whose value depends on the enterprise and the date,
-- so that every month changes many rows.
SELECT creditrisk.model_import(jsonb_build_object('format', 'creditrisk-model/1', 'key', 'concurrent-test', 'status', 'published',
    'dimensions', jsonb_build_array(jsonb_build_object('code', 'T', 'name', '测试', 'weight', 1,
      'groups', jsonb_build_array(jsonb_build_object('code', 'TG', 'name', '测试', 'weight', 1,
        'indicators', jsonb_build_array(jsonb_build_object('code', 'concurrent_points', 'name', '测试分数', 'weight', 1,
          'rule', jsonb_build_object('kind', 'bins', 'missing', 0,
            'bins', (SELECT jsonb_agg(jsonb_build_object('lower', CASE WHEN k > 0 THEN k END,
                                                         'upper', CASE WHEN k < 100 THEN k + 1 END, 'points', k) ORDER BY k)
                       FROM generate_series(0, 100) k))))))))));
UPDATE creditrisk.indicator SET definition_sql = '(abs(hashtext(e.uscc::text || $1::text)) % 100)'
 WHERE code = 'concurrent_points';
INSERT INTO creditrisk.model_activation (effective_from, model_key) VALUES ('2020-01-01', 'concurrent-test');
INSERT INTO creditrisk.enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
SELECT (b || c)::creditrisk.uscc, '企业 ' || i, '411622', 'F5211', 3, '2015-01-01', 'test'
  FROM generate_series(1, :n) i
 CROSS JOIN LATERAL (SELECT '91411622MA' || lpad(i::text, 7, '0') AS b) x
 CROSS JOIN LATERAL (SELECT c FROM unnest(string_to_array('0123456789ABCDEFGHJKLMNPQRTUWXY', NULL)) c
                      WHERE creditrisk.uscc_is_valid(b || c) LIMIT 1) y;
SELECT creditrisk.refresh_classification('2025-10-31');
SQL

check "the first run classifies every enterprise" "$(q $db "SELECT count(*) FROM creditrisk.classification_current")" "$n_ent"
before=$(q $db "SELECT sum(score) FROM creditrisk.classification_current")

# The monthly run, kept open for 1.5 s after the refresh, in the background.
psql -X -q -v ON_ERROR_STOP=1 -d $db >"$out/run.log" 2>&1 <<'SQL' &
SET client_min_messages = warning;
BEGIN;
SELECT creditrisk.refresh_classification('2025-11-30');
SELECT pg_sleep(1.5);
COMMIT;
SQL
run_pid=$!

# Readers, as fast as they can, while the run is in progress.  A reader that
# had to wait would fail on its lock timeout.
reads=0; errors=0; empty=0; during=0
while kill -0 $run_pid 2>/dev/null; do
    if r=$(PGOPTIONS='-c lock_timeout=500ms' psql -X -q -t -A -d $db \
               -c "SELECT count(*) FROM creditrisk.classification_current" 2>>"$out/read.err"); then
        [ "$r" = "$n_ent" ] || empty=$((empty + 1))
        # still before the commit: the old classification
        if kill -0 $run_pid 2>/dev/null; then during=$((during + 1)); fi
    else
        errors=$((errors + 1))
    fi
    reads=$((reads + 1))
done
wait $run_pid
run_status=$?
[ "$run_status" -eq 0 ] || sed 's/^/# /' "$out/run.log"
[ "$errors" -eq 0 ] || sed 's/^/# /' "$out/read.err" | head -5

check "the monthly run commits" "$run_status" "0"
check "readers ran during the refresh ($during reads of $reads)" "$([ "$during" -ge 5 ] && echo yes || echo no)" "yes"
check "no read failed or waited past its lock timeout" "$errors" "0"
check "no read saw an empty or partial result" "$empty" "0"
after=$(q $db "SELECT sum(score) FROM creditrisk.classification_current")
history=$(q $db "SELECT sum(score) FROM creditrisk.classification_result WHERE as_of = '2025-11-30'")
check "after the commit readers see the new run" "$([ "$after" = "$history" ] && [ "$after" != "$before" ] && echo yes || echo no)" "yes"

# Contrast: a plain REFRESH takes an exclusive lock, and the same reader has
# to wait for it.  Seen in pg_stat_activity rather than by a lock timeout, so
# that it does not depend on timing (nor on timers, which libfaketime upsets).
psql -X -q -d $db >/dev/null 2>&1 <<'SQL' &
BEGIN;
REFRESH MATERIALIZED VIEW creditrisk.classification_current_mv;
SELECT pg_sleep(3);
COMMIT;
SQL
plain_pid=$!
for _ in $(seq 100); do   # until the refresh holds its lock (at most 10 s)
    [ "$(q $db "SELECT count(*) FROM pg_locks WHERE relation = 'creditrisk.classification_current_mv'::regclass
                 AND mode = 'AccessExclusiveLock' AND granted")" = 1 ] && break
    sleep 0.1
done
PGAPPNAME=creditrisk_blocked_reader psql -X -q -t -A -d $db \
    -c "SELECT count(*) FROM creditrisk.classification_current" >/dev/null 2>&1 &
reader_pid=$!
blocked=none
for _ in $(seq 100); do   # until the reader waits (at most 10 s)
    blocked=$(q $db "SELECT coalesce(wait_event_type, 'none') FROM pg_stat_activity
                      WHERE application_name = 'creditrisk_blocked_reader' AND state = 'active'")
    [ "$blocked" = Lock ] && break
    sleep 0.1
done
wait $plain_pid $reader_pid
check "a plain REFRESH would block the reader (it waits on a lock)" "$blocked" "Lock"
