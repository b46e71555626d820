#!/usr/bin/env bash
# The monthly run scheduled with pg_cron as doc/classification.md documents it
# ("Scheduling with pg_cron"), in a cluster of its own with
# shared_preload_libraries = pg_cron and cron.host = the local socket
# directory (test/shell/lib/cluster.bash): the job runs, the run is recorded
# for the last day of the previous month in Asia/Shanghai, and that date does
# not shift with the session's time zone.  pg_cron 1.4 (Debian 12) has no
# second intervals: the job is scheduled every minute and the test waits for
# it (up to 75 s); with pg_cron >= 1.5, every 2 seconds.  Skipped when pg_cron
# is not installed.
# Output: TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."

. test/shell/lib/tap.bash
. test/shell/lib/cluster.bash

if ! inner_cluster_has pg_cron; then
    echo "1..0 # SKIP pg_cron is not installed (Debian: postgresql-15-cron, see tools/install-deps)"
    exit 0
fi
echo "1..7"

inner_cluster_start "-c shared_preload_libraries=pg_cron -c cron.database_name=postgres -c cron.host=@DIR@ -c log_min_messages=warning"
check "a cluster with pg_cron loaded and cron.host on the local socket starts" "$inner_started" "0"

db=creditrisk_cron
createdb $db
PGOPTIONS="-c search_path=creditrisk,public" psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null 2>"$inner_dir/setup.err" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION creditrisk;
\set n 200
\set as_of 2026-10-31
\i sample/generate.sql
SQL
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "SET client_min_messages = warning" -c "CREATE EXTENSION pg_cron" >/dev/null 2>>"$inner_dir/setup.err"
check "creditrisk with a sample, and pg_cron, installed" "$(cat "$inner_dir/setup.err")" ""

# The documented command, from the documentation itself.
cmd=$(sed -n "s/^ *\\\$\\\$\\(SELECT creditrisk.refresh_classification((date_trunc('month', now() AT TIME ZONE 'Asia\\/Shanghai').*\\)\\\$\\\$,\$/\\1/p" doc/classification.md)
check "doc/classification.md holds the scheduled command" "$(echo "$cmd" | grep -c 'refresh_classification')" "1"

version=$(q postgres "SELECT extversion FROM pg_extension WHERE extname = 'pg_cron'")
schedule='* * * * *'
case "$version" in 1.[0-4]*) ;; *) schedule='2 seconds' ;; esac
q postgres "SELECT cron.schedule_in_database('creditrisk-monthly', '$schedule', \$cmd\$$cmd\$cmd\$, '$db')" >/dev/null

runs=0
for i in $(seq 1 75); do
    runs=$(q $db "SELECT count(*) FROM creditrisk.classification_run")
    [ "$runs" -gt 0 ] && break
    sleep 1
done
q postgres "SELECT cron.unschedule('creditrisk-monthly')" >/dev/null
sleep 1
check "the scheduled job ran the monthly classification (schedule '$schedule', pg_cron $version)" "$( [ "$runs" -gt 0 ] && echo yes)" "yes"
check "pg_cron recorded the job as succeeded (connected over the local socket)" \
      "$(q postgres "SELECT status FROM cron.job_run_details WHERE status <> 'running' ORDER BY start_time LIMIT 1")" "succeeded"
check "the run is dated the last day of the previous month in Asia/Shanghai" \
      "$(q $db "SELECT as_of = (date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') - interval '1 day')::date FROM creditrisk.classification_run ORDER BY as_of, version LIMIT 1")" "t"
# The expression at fixed moments: 17:30 GMT on 30 November is 01:30 on 1 December in Shanghai.
expr="(date_trunc('month', m AT TIME ZONE 'Asia/Shanghai') - interval '1 day')::date"
check "the date does not shift with the session's time zone or at month ends in GMT" \
      "$(q $db "SELECT string_agg(z || ':' || $expr, ' ' ORDER BY z, m)
                  FROM unnest(ARRAY['UTC', 'Asia/Shanghai', 'America/New_York']) z,
                       LATERAL (SELECT set_config('TimeZone', z, true)) s,
                       unnest(ARRAY['2026-11-30 15:59:59+00', '2026-11-30 16:00:00+00', '2026-12-01 02:00:00+00']::timestamptz[]) m")" \
      "America/New_York:2026-10-31 America/New_York:2026-11-30 America/New_York:2026-11-30 Asia/Shanghai:2026-10-31 Asia/Shanghai:2026-11-30 Asia/Shanghai:2026-11-30 UTC:2026-10-31 UTC:2026-11-30 UTC:2026-11-30"
