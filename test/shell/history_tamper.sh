#!/usr/bin/env bash
# The classification history is tamper-evident: a superuser who gets past the
# append-only triggers (session_replication_role = replica, or ALTER TABLE
# ... DISABLE TRIGGER ALL) and updates a class, deletes a row, inserts a row,
# deletes a whole run, rewrites a stored hash or cuts the chain back is named
# by creditrisk.verify_history(): run, table, row key and what happened.
# The history also survives pg_dump and restore, still verified intact.
# Output: TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."

src=creditrisk_tamper_src
db=creditrisk_tamper
dump=$(mktemp)
trap 'rm -rf "$dump"; dropdb --if-exists $src >/dev/null 2>&1; dropdb --if-exists $db >/dev/null 2>&1' EXIT

. test/shell/lib/tap.bash
# (the types' operators live in schema creditrisk)
export PGOPTIONS="-c search_path=creditrisk,public"

echo "1..19"
dropdb --if-exists $src >/dev/null 2>&1; dropdb --if-exists $db >/dev/null 2>&1
createdb $src
psql -X -q -v ON_ERROR_STOP=1 -d $src >/dev/null 2>&1 <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION creditrisk;
\i sql/include/units.psql
\set n 300
\set as_of 2026-10-31
\i sample/generate.sql
SET client_min_messages = warning;
SELECT creditrisk.refresh_classification('2026-08-31');
SELECT creditrisk.refresh_classification('2026-09-30');
SELECT creditrisk.refresh_classification('2026-10-31');
SQL

verify="SELECT coalesce(string_agg(concat_ws(' ', run, version, seal_seq, table_name, row_key, problem), '; '), 'intact')
          FROM creditrisk.verify_history()"
# fresh DB: a copy of the source, then SQL run as a superuser with triggers off
fresh() { dropdb --if-exists $db >/dev/null 2>&1; createdb -T $src $db; }
tamper() { psql -X -q -v ON_ERROR_STOP=1 -d $db -c "SET session_replication_role = replica" -c "$1" >/dev/null; }

check "three sealed runs verify intact" "$(q $src "$verify")" "intact"
check "each run is chained to the run sealed before it" \
      "$(q $src "SELECT string_agg(seq || ':' || as_of || ':' || (prev_digest = coalesce(p, ('\\x' || repeat('00', 32))::bytea)), ' ' ORDER BY seq)
                   FROM (SELECT *, lag(digest) OVER (ORDER BY seq) AS p FROM creditrisk.classification_seal) s")" \
      "1:2026-08-31:true 2:2026-09-30:true 3:2026-10-31:true"

# A D turned into an A in the middle run.
fresh
key=$(q $db "SELECT min(uscc::text COLLATE \"C\") FROM creditrisk.classification_result WHERE as_of = '2026-09-30' AND final_class = 'D'")
tamper "UPDATE creditrisk.classification_result SET final_class = 'A', score_class = 'A' WHERE as_of = '2026-09-30' AND uscc = '$key'"
check "an updated class is named" "$(q $db "$verify")" "2026-09-30 1 2 classification_result $key altered"

# A row deleted.
fresh
key=$(q $db "SELECT uscc FROM creditrisk.classification_result WHERE as_of = '2026-10-31' ORDER BY uscc::text COLLATE \"C\" OFFSET 10 LIMIT 1")
tamper "DELETE FROM creditrisk.classification_result WHERE as_of = '2026-10-31' AND uscc = '$key'"
check "a deleted row is named" "$(q $db "$verify")" "2026-10-31 1 3 classification_result $key deleted"

# A row inserted: an enterprise of the register that the first run left out
# (or, if none, one re-dated from the last run).
fresh
key=$(q $db "SELECT min(uscc::text COLLATE \"C\") FROM creditrisk.classification_result r WHERE as_of = '2026-10-31'
              AND NOT EXISTS (SELECT 1 FROM creditrisk.classification_result x WHERE x.as_of = '2026-08-31' AND x.uscc = r.uscc)")
tamper "INSERT INTO creditrisk.classification_result (as_of, version, uscc, division_code, score, score_class, final_class)
        SELECT '2026-08-31', 1, uscc, division_code, 10, 'A', 'A' FROM creditrisk.classification_result
         WHERE as_of = '2026-10-31' AND uscc = '$key'"
check "an inserted row is named" "$(q $db "$verify")" "2026-08-31 1 1 classification_result $key inserted"

# A fused-class row altered.
fresh
key=$(q $db "SELECT min(uscc::text || '/' || domain COLLATE \"C\") FROM creditrisk.classification_domain_result WHERE as_of = '2026-10-31'")
tamper "UPDATE creditrisk.classification_domain_result SET fused_class = CASE WHEN fused_class = 'D' THEN 'A' ELSE 'D' END::creditrisk.riskclass WHERE as_of = '2026-10-31' AND uscc::text || '/' || domain = '$key'"
check "an altered fused class is named" "$(q $db "$verify")" "2026-10-31 1 3 classification_domain_result $key altered"

# A whole run deleted (its seal left).
fresh
tamper "DELETE FROM creditrisk.classification_domain_result WHERE as_of = '2026-09-30';
        DELETE FROM creditrisk.classification_result WHERE as_of = '2026-09-30';
        DELETE FROM creditrisk.classification_run WHERE as_of = '2026-09-30'"
check "a deleted run is named" "$(q $db "$verify")" "2026-09-30 1 2 classification_run run deleted"

# A whole run deleted with its seal: the chain of runs breaks.
fresh
tamper "DELETE FROM creditrisk.classification_domain_result WHERE as_of = '2026-09-30';
        DELETE FROM creditrisk.classification_result WHERE as_of = '2026-09-30';
        DELETE FROM creditrisk.classification_run WHERE as_of = '2026-09-30';
        DELETE FROM creditrisk.classification_seal_block WHERE seq = 2;
        DELETE FROM creditrisk.classification_seal WHERE seq = 2"
check "a run deleted with its seal breaks the chain" "$(q $db "$verify")" "2 classification_run run deleted"

# The last run deleted with its seal: the change log still remembers it.
fresh
tamper "DELETE FROM creditrisk.classification_domain_result WHERE as_of = '2026-10-31';
        DELETE FROM creditrisk.classification_result WHERE as_of = '2026-10-31';
        DELETE FROM creditrisk.classification_run WHERE as_of = '2026-10-31';
        DELETE FROM creditrisk.classification_seal_block WHERE seq = 3;
        DELETE FROM creditrisk.classification_seal WHERE seq = 3"
check "the last run deleted with its seal is named from the change log" "$(q $db "$verify")" \
      "2026-10-31 1 3 classification_seal run deleted"

# ... and with its change-log entry too: only an anchor kept elsewhere sees it.
fresh
anchor=$(q $db "SELECT digest FROM creditrisk.history_head()")
tamper "DELETE FROM creditrisk.classification_domain_result WHERE as_of = '2026-10-31';
        DELETE FROM creditrisk.classification_result WHERE as_of = '2026-10-31';
        DELETE FROM creditrisk.classification_run WHERE as_of = '2026-10-31';
        DELETE FROM creditrisk.classification_seal_block WHERE seq = 3;
        DELETE FROM creditrisk.classification_seal WHERE seq = 3;
        DELETE FROM creditrisk.change_log WHERE table_name = 'creditrisk.classification_seal' AND new_value ->> 'seq' = '3'"
check "a chain cut back, log and all, looks intact without an anchor" "$(q $db "$verify")" "intact"
check "... and is caught with the anchor written down before" \
      "$(q $db "SELECT string_agg(problem, '; ') FROM creditrisk.verify_history(decode('$anchor', 'hex'))")" "anchor missing"

# A stored row hash rewritten (to hide an update): the seal's chain breaks.
fresh
key=$(q $db "SELECT row_keys[5] FROM creditrisk.classification_seal_block WHERE seq = 1 AND table_name = 'classification_result' AND block = 0")
tamper "UPDATE creditrisk.classification_seal_block SET row_hashes = overlay(row_hashes placing sha256('forged') from 129 for 32)
         WHERE seq = 1 AND table_name = 'classification_result' AND block = 0"
first=$(q $db "SELECT row_keys[1] FROM creditrisk.classification_seal_block WHERE seq = 1 AND table_name = 'classification_result' AND block = 0")
check "a rewritten stored hash is noticed" "$(q $db "$verify")" "2026-08-31 1 1 classification_result $first seal altered"

# Several problems at once, all listed.
fresh
tamper "UPDATE creditrisk.classification_result SET score = score + 1 WHERE as_of = '2026-08-31' AND uscc IN
          (SELECT uscc FROM creditrisk.classification_result WHERE as_of = '2026-08-31' ORDER BY uscc LIMIT 3)"
check "all_problems lists every altered row" \
      "$(q $db "SELECT count(*) FROM creditrisk.verify_history(all_problems => true) WHERE problem = 'altered'")" "3"

# Re-running a date and correcting a result add versions; still intact.
fresh
key=$(q $db "SELECT uscc FROM creditrisk.classification_result WHERE as_of = '2026-10-31' AND final_class < 'D' ORDER BY uscc::text COLLATE \"C\" LIMIT 1")
q $db "SELECT creditrisk.refresh_classification('2026-10-31')" >/dev/null 2>&1
q $db "SELECT creditrisk.correct_result('2026-10-31', '$key', 'D', '测试：行政处罚决定书 2026-001 认定')" >/dev/null
check "a re-run and a correction add sealed versions, the history still intact" \
      "$(q $db "SELECT string_agg(as_of || '/' || version, ' ' ORDER BY seq) FROM creditrisk.classification_seal WHERE as_of = '2026-10-31'") $(q $db "$verify")" \
      "2026-10-31/1 2026-10-31/2 2026-10-31/3 intact"
check "the correction is recorded: who, when, why, from which version" \
      "$(q $db "SELECT version || ' ' || corrected_version || ' ' || uscc || ' ' || new_class || ' ' || (session_user_name = current_user) || ' ' || reason FROM creditrisk.classification_correction")" \
      "3 2 $key D true 测试：行政处罚决定书 2026-001 认定"
tamper "UPDATE creditrisk.classification_result SET final_class = 'A' WHERE as_of = '2026-10-31' AND version = 3 AND uscc = '$key'"
check "undoing the correction behind the triggers' back is named" "$(q $db "$verify")" "2026-10-31 3 5 classification_result $key altered"

# pg_dump and restore keep the history verifiable.
dropdb --if-exists $db >/dev/null 2>&1; createdb $db
pg_dump -d $src > "$dump" 2>/dev/null
restore_out=$(psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -d $db -f "$dump" 2>&1)
check "the dump restores without error" "$?" "0"
check "the restored history verifies intact, same head" \
      "$(q $db "$verify") $(q $db "SELECT digest FROM creditrisk.history_head()")" \
      "intact $(q $src "SELECT digest FROM creditrisk.history_head()")"
# ... also a directory dump restored in parallel (pg_restore -j)
dropdb --if-exists $db >/dev/null 2>&1; createdb $db
rm -f "$dump"; pg_dump -Fd -f "$dump" -d $src 2>/dev/null
pg_restore -j 2 -d $db "$dump" >/dev/null 2>&1
check "a parallel restore (pg_restore -j 2) verifies intact" "$(q $db "$verify")" "intact"
