#!/usr/bin/env bash
# pg_restore -j of a clean dump of the sample data works, round after round
# (issue 11 §2).  On 1.4 the credit records referred to the register by
# foreign keys, which exist before pg_restore loads any data; pg_dump gives
# each TABLE DATA entry a dependency on its own table only, so pg_restore -j
# loaded records and the register at the same time and a record committed
# first failed its foreign key (about one round in three).  The references
# are now triggers that defer a restored row while the register is still
# empty and check it when the register is loaded (extension/references.sql).
# Each round: pg_restore -j 2 or -j 4 without error, every table's rows back,
# the history's seals verified, and a re-run of the month with the first
# run's knowledge time equal to the first run row for row.  Then the
# references still refuse what a foreign key refused.
# Output: TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."

src=creditrisk_prestore_rec_src
dst=creditrisk_prestore_rec_dst
dump=$(mktemp)
trap 'rm -f "$dump"; dropdb --if-exists $src >/dev/null 2>&1; dropdb --if-exists $dst >/dev/null 2>&1' EXIT

. test/shell/lib/tap.bash

rounds=8
echo "1..$((rounds * 5 + 8))"
dropdb --if-exists $src >/dev/null 2>&1; dropdb --if-exists $dst >/dev/null 2>&1
createdb $src
tiny=$(cat test/fixtures/tiny-model.json)
setup=$(psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -d $src -v tiny="$tiny" 2>&1 <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION creditrisk;
\set n 400
\i sample/generate.sql
SET client_min_messages = warning;
SELECT creditrisk.refresh_classification('2026-10-31');
-- catalogue entries of our own (not shipped) with values loaded for them:
-- indicator_value refers to both the register and the catalogue
SELECT creditrisk.model_import(:'tiny'::jsonb, 'prj-tiny');
INSERT INTO creditrisk.indicator_value (uscc, as_of, code, value, reported_by)
SELECT e.uscc, '2026-10-31', 'tiny_capital', 1, 'test' FROM creditrisk.enterprise e ORDER BY e.uscc LIMIT 50;
SQL
)
check "the source database holds the sample and a run" "$(q $src "SELECT count(*) > 300 FROM creditrisk.classification_result")" "t"
[ -z "$setup" ] || echo "$setup" | sed 's/^/# /' | head -10
pg_dump -Fc -d $src -f "$dump" 2>/dev/null

# every table of the extension: its row count and a digest of its rows (the
# models by their content: a restored model gets a new revision; the change
# log by the source's entries, which must all be there)
tables="SELECT string_agg(format('SELECT %L || '':'' || count(*) || '':'' || coalesce(md5(string_agg(x::text, '','' ORDER BY x::text)), '''') FROM creditrisk.%I x', c.relname, c.relname), ' UNION ALL ' ORDER BY c.relname)
          FROM pg_class c WHERE c.relnamespace = 'creditrisk'::regnamespace AND c.relkind = 'r'
           AND c.relname NOT IN ('model', 'change_log')"
models="SELECT string_agg(model_key || ':' || status || ':' || md5((creditrisk.model_export(model_key))::text), ' ' ORDER BY model_key) FROM creditrisk.model"
log="SELECT md5(string_agg(format('%s %s %s %s %s %s', seq, logged_at, table_name, operation, old_value, new_value), '|' ORDER BY seq)) FROM creditrisk.change_log"
srcrows=$(q $src "SELECT string_agg(format('(%s, %L::timestamptz)', seq, logged_at), ', ') FROM creditrisk.change_log")
contents() { q "$1" "SELECT string_agg(t, ' ' ORDER BY t) FROM ($(q "$1" "$tables")) s(t)"; q "$1" "$models"; }
expect=$(contents $src)
t1="(SELECT known_at FROM creditrisk.classification_run WHERE as_of = '2026-10-31' AND version = 1)"
differ="SELECT count(*) FROM (
          (SELECT uscc, division_code, score, score_class, final_class, overrides, reasons FROM creditrisk.classification_result WHERE as_of = '2026-10-31' AND version = 1
           EXCEPT ALL SELECT uscc, division_code, score, score_class, final_class, overrides, reasons FROM creditrisk.classification_result WHERE as_of = '2026-10-31' AND version = 2)
          UNION ALL
          (SELECT uscc, division_code, score, score_class, final_class, overrides, reasons FROM creditrisk.classification_result WHERE as_of = '2026-10-31' AND version = 2
           EXCEPT ALL SELECT uscc, division_code, score, score_class, final_class, overrides, reasons FROM creditrisk.classification_result WHERE as_of = '2026-10-31' AND version = 1)) d"
for r in $(seq 1 $rounds); do
    j=$(( r % 2 == 1 ? 2 : 4 ))
    dropdb --if-exists $dst >/dev/null 2>&1; createdb $dst
    out=$(pg_restore -j $j -d $dst "$dump" 2>&1)
    status=$?
    check "round $r: pg_restore -j $j ends without error" "$status:$(echo "$out" | grep -c 'error')" "0:0"
    [ "$status" -eq 0 ] || echo "$out" | grep error | sed 's/^/# /' | head -5
    check "round $r: every table comes back with the same rows" "$(contents $dst)" "$expect"
    check "round $r: the change log holds the source's entries" "$(q $dst "$log WHERE (seq, logged_at) IN ($srcrows)")" "$(q $src "$log")"
    check "round $r: verify_history() finds the history intact" "$(q $dst "SELECT count(*) FROM creditrisk.verify_history()")" "0"
    q $dst "SET client_min_messages = warning; SELECT creditrisk.refresh_current_views(); SELECT creditrisk.refresh_classification('2026-10-31', NULL, $t1)" >/dev/null 2>&1
    check "round $r: a re-run with the first run's knowledge time gives the same results" \
          "$(q $dst "$differ"):$(q $dst "SELECT count(*) FROM creditrisk.classification_result WHERE as_of = '2026-10-31' AND version = 2")" \
          "0:$(q $src "SELECT count(*) FROM creditrisk.classification_result WHERE as_of = '2026-10-31' AND version = 1")"
done

# The references refuse what the foreign keys refused, and what was deferred
# is checked when the register arrives.
some=$(q $src "SELECT min(uscc::text) FROM creditrisk.enterprise")
ref() { psql -X -q -t -A -d "$1" -c "$2" 2>&1 | grep -E '^(ERROR|DETAIL)' | tr '\n' ' '; }
check "a record for an enterprise not on the register is refused" \
      "$(ref $src "INSERT INTO creditrisk.penalty (uscc, decision_number, decision_date, severity, reported_by) VALUES ('91411622MA40000A13', 'X-1', '2025-01-01', 'general', 'u')")" \
      "ERROR:  insert or update on table \"penalty\" violates foreign key constraint \"penalty_uscc_fkey\" DETAIL:  Key (uscc)=(91411622MA40000A13) is not present in table \"enterprise\". "
check "an enterprise with records cannot be deleted" \
      "$(ref $src "SET search_path = creditrisk; DELETE FROM enterprise WHERE uscc = '$some'" | sed 's/constraint "[a-z_]*" on table "[a-z_]*"/constraint "…" on table "…"/; s/table "[a-z_]*"\. $/table "…". /')" \
      "ERROR:  update or delete on table \"enterprise\" violates foreign key constraint \"…\" on table \"…\" DETAIL:  Key (uscc)=($some) is still referenced from table \"…\". "
check "the register cannot be truncated without its records" \
      "$(ref $src "TRUNCATE creditrisk.enterprise" | cut -c1-80)" "ERROR:  cannot truncate a table referenced in a foreign key constraint DETAIL:  "
dropdb --if-exists $dst >/dev/null 2>&1; createdb $dst
q $dst "SET client_min_messages = warning; CREATE EXTENSION creditrisk" >/dev/null
q $dst "INSERT INTO creditrisk.reporting_unit (code, name, bureau, division_code, kind) VALUES ('u', 'test unit', 'test bureau', '410000', 'market_regulation')" >/dev/null
check "while the register is empty, a superuser's new record is still refused at once" \
      "$(ref $dst "INSERT INTO creditrisk.penalty (uscc, decision_number, decision_date, severity, reported_by) VALUES ('91411622MA40000A13', 'X-1', '2025-01-01', 'general', 'u')")" \
      "ERROR:  insert or update on table \"penalty\" violates foreign key constraint \"penalty_uscc_fkey\" DETAIL:  Key (uscc)=(91411622MA40000A13) is not present in table \"enterprise\". "
check "but a restored one (its own recorded_at) waits for the register's load" \
      "$(ref $dst "INSERT INTO creditrisk.penalty (uscc, decision_number, decision_date, severity, reported_by, recorded_at) VALUES ('91411622MA40000A13', 'X-1', '2025-01-01', 'general', 'u', '2025-01-02')")" ""
check "and the load that does not bring its enterprise is refused" \
      "$(ref $dst "INSERT INTO creditrisk.enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by) VALUES ('91411622MA40000B27', '西华县示例餐饮店', '411622', 'H6210', 6, '2019-07-15', 'u')")" \
      "ERROR:  insert or update on table \"penalty\" violates foreign key constraint \"penalty_uscc_fkey\" DETAIL:  Key (uscc)=(91411622MA40000A13) is not present in table \"enterprise\". "
check "while the load that brings it is accepted" \
      "$(ref $dst "INSERT INTO creditrisk.enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by) VALUES ('91411622MA40000A13', '西华县示例食品有限公司', '411622', 'C1391', 3, '2015-03-02', 'u')")" ""
