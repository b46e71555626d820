#!/usr/bin/env bash
# Analysts keep reading the current classification while the monthly run
# writes the next one.  Since 1.6 classification_current reads the latest
# run from the history (no materialized view, nothing refreshed): a reader
# during refresh_classification() (held open for 1.5 more seconds before
# COMMIT) sees no error, never waits, and sees exactly the previous run (its
# count and its sum of scores: never half a run, never a mix); it sees the new
# run after the commit.  The run holds no lock on the history that a reader
# would wait for (seen in pg_locks while it is open).
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

# The monthly run, kept open for 1.5 s after its last write, in the background.
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
               -c "SELECT count(*) || ' ' || sum(score) FROM creditrisk.classification_current" 2>>"$out/read.err"); then
        # still before the commit: exactly the old classification; a read
        # that overlapped the commit sees one run or the other, whole
        if kill -0 $run_pid 2>/dev/null; then
            during=$((during + 1))
            [ "$r" = "$n_ent $before" ] || empty=$((empty + 1))
        else
            [ "${r%% *}" = "$n_ent" ] || empty=$((empty + 1))
        fi
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
check "readers ran during the run ($during reads of $reads)" "$([ "$during" -ge 5 ] && echo yes || echo no)" "yes"
check "no read failed or waited past its lock timeout" "$errors" "0"
check "every read saw exactly the previous run (no empty, partial or mixed result)" "$empty" "0"
after=$(q $db "SELECT sum(score) FROM creditrisk.classification_current")
history=$(q $db "SELECT sum(score) FROM creditrisk.classification_result WHERE as_of = '2025-11-30'")
check "after the commit readers see the new run" "$([ "$after" = "$history" ] && [ "$after" != "$before" ] && echo yes || echo no)" "yes"

# What the run locks: while it is open (its rows written, not committed), it
# holds on the history and the runs the locks of its writes (RowExclusiveLock)
# and the lock that keeps runs one at a time (ExclusiveLock on the runs), none
# of which a reader's AccessShareLock waits for (only AccessExclusiveLock
# would, which a REFRESH MATERIALIZED VIEW without CONCURRENTLY took).
psql -X -q -d $db >/dev/null 2>&1 <<'SQL' &
SET client_min_messages = warning;
BEGIN;
SELECT creditrisk.refresh_classification('2025-12-31');
SELECT pg_sleep(3);
COMMIT;
SQL
open_pid=$!
held=none
for _ in $(seq 300); do   # until the run sleeps before its commit (at most 30 s)
    held=$(q $db "SELECT string_agg(DISTINCT l.mode, ',' ORDER BY l.mode) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
                   WHERE a.datname = current_database() AND a.query LIKE '%pg_sleep(3)%' AND a.wait_event = 'PgSleep' AND l.granted
                     AND l.relation IN ('creditrisk.classification_result'::regclass, 'creditrisk.classification_domain_result'::regclass,
                                        'creditrisk.classification_run'::regclass)")
    [ -n "$held" ] && break
    sleep 0.1
done
wait $open_pid
check "the open run holds on the history only locks readers never wait for ($held)" "$(case ",$held," in *,AccessExclusiveLock,*|,,) echo no;; *) echo yes;; esac)" "yes"
