#!/usr/bin/env bash
# Reads of results are audited with pgaudit (doc/AUDIT.md): in a cluster that
# loads pgaudit (shared_preload_libraries) with pgaudit.role =
# creditrisk_auditor, an object SELECT-granted to creditrisk_auditor is
# audited, and an analyst's read of a result lands in the server log with
# the analyst's role name (log_line_prefix %u).  Objects the audit role cannot
# read are not logged (note: with create_roles()' grants the auditor reads all
# an analyst reads, so every analyst read of creditrisk is audited).  creditrisk itself needs no pgaudit: the outer cluster runs
# without it.
#
# The test starts its own throwaway cluster (test/shell/lib/cluster.bash:
# initdb/pg_ctl of the PostgreSQL that $PG_CONFIG names, private socket
# directory), so that it works the same under devpg, pg_virtualenv and CI.  Skipped (TAP) when
# pgaudit is not installed.
# Output: TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."

. test/shell/lib/tap.bash
. test/shell/lib/cluster.bash

if ! inner_cluster_has pgaudit; then
    echo "1..0 # SKIP pgaudit is not installed (Debian: postgresql-15-pgaudit, see tools/install-deps)"
    exit 0
fi

echo "1..7"

# Outer cluster (no pgaudit): creditrisk works without it.
outer=creditrisk_no_pgaudit
dropdb --if-exists $outer >/dev/null 2>&1; createdb $outer
check "creditrisk installs in a cluster without pgaudit loaded" \
      "$(q $outer "SELECT current_setting('shared_preload_libraries') !~ 'pgaudit'" 2>&1) $(psql -X -q -d $outer -c 'CREATE EXTENSION creditrisk' 2>&1; echo $?)" "t 0"
dropdb --if-exists $outer >/dev/null 2>&1

# Inner cluster with pgaudit (test/shell/lib/cluster.bash).
inner_cluster_start "-c shared_preload_libraries=pgaudit -c pgaudit.role=creditrisk_auditor \
    -c log_line_prefix='%m [%p] user=%u db=%d ' -c log_min_messages=warning"
dir=$inner_dir
check "a cluster with pgaudit in shared_preload_libraries starts" "$inner_started" "0"

psql -X -q -v ON_ERROR_STOP=1 >/dev/null 2>"$dir/setup.err" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION pgaudit;
CREATE EXTENSION creditrisk;
\i sql/include/units.psql
-- The group roles: creditrisk.create_roles() when the extension has it.
DO $$
BEGIN
    IF to_regprocedure('creditrisk.create_roles()') IS NOT NULL THEN
        PERFORM creditrisk.create_roles();
    ELSIF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'creditrisk_auditor') THEN
        CREATE ROLE creditrisk_auditor NOLOGIN;
    END IF;
END $$;
CREATE ROLE xihua_analyst LOGIN;
DO $$
BEGIN
    IF to_regprocedure('creditrisk.enrol(regrole, text, text)') IS NOT NULL THEN
        PERFORM creditrisk.enrol('xihua_analyst', 'analyst', '411622');
    ELSE
        GRANT USAGE ON SCHEMA creditrisk TO xihua_analyst;
        GRANT SELECT ON creditrisk.classification_result, creditrisk.model TO xihua_analyst;
        GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA creditrisk TO xihua_analyst;
        ALTER ROLE xihua_analyst SET search_path = "$user", public, creditrisk;
    END IF;
END $$;
-- Mark the results audited: pgaudit logs every read of an object that its
-- audit role (pgaudit.role) may SELECT.
GRANT SELECT ON creditrisk.classification_result, creditrisk.classification_current TO creditrisk_auditor;
-- an object the audit role cannot read: not audited
CREATE TABLE public.unaudited_note (note text);
INSERT INTO public.unaudited_note VALUES ('n');
GRANT SELECT ON public.unaudited_note TO xihua_analyst;
SQL
check "creditrisk and pgaudit set up, auditor role marks the results" "$(cat "$dir/setup.err")" ""

: > "$dir/log.before"
cp "$dir/log" "$dir/log.before"
read1=$(PGUSER=xihua_analyst psql -X -q -At -c "SELECT count(final_class) FROM creditrisk.classification_result WHERE uscc = '91411622MA40000A13'" 2>&1)
read2=$(PGUSER=xihua_analyst psql -X -q -At -c "SELECT note FROM public.unaudited_note" 2>&1)
sleep 0.2
new=$(diff "$dir/log.before" "$dir/log" | sed -n 's/^> //p'); [ -n "${DEBUG_PGAUDIT:-}" ] && { cat "$dir/log"; cat "$dir/setup.err"; } >&2

check "the analyst reads a result and a note of its own" "$read1 $read2" "0 n"
check "the analyst's read of a result is in the log, with the role's name" \
      "$(echo "$new" | grep -c 'user=xihua_analyst .*AUDIT: OBJECT,.*,READ,SELECT,TABLE,creditrisk.classification_result,')" "1"
check "the statement read is logged with it" \
      "$(echo "$new" | grep 'AUDIT: OBJECT' | grep -c "WHERE uscc = '91411622MA40000A13'")" "1"
check "a read of an object the audit role cannot read is not logged" \
      "$(echo "$new" | grep -c 'unaudited_note')" "0"
