#!/usr/bin/env bash
# User data in extension tables survives pg_dump and restore: models in every
# status and user catalogue entries come back exactly, published models stay
# frozen and scorable, and the reference model is not duplicated.
# Output: TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."

src=creditrisk_dump_src
dst=creditrisk_dump_dst
dump=$(mktemp)
trap 'rm -f "$dump"; dropdb --if-exists $src >/dev/null 2>&1; dropdb --if-exists $dst >/dev/null 2>&1' EXIT

. test/shell/lib/tap.bash

echo "1..12"
dropdb --if-exists $src >/dev/null 2>&1; dropdb --if-exists $dst >/dev/null 2>&1
createdb $src && createdb $dst
tiny=$(cat test/fixtures/tiny-model.json)
psql -X -q -v ON_ERROR_STOP=1 -d $src -v tiny="$tiny" >/dev/null <<'SQL'
CREATE EXTENSION creditrisk;
\i sql/include/units.psql
SET search_path = creditrisk;
SELECT model_import(:'tiny'::jsonb, 'dump-v1');
SELECT model_publish('dump-v1');
SELECT model_copy('dump-v1', 'dump-v2');
SELECT model_publish('dump-v2');
SELECT model_retire('dump-v1');
SELECT model_copy('dump-v2', 'dump-v3', 'work in progress');
UPDATE model_bin SET points = 55 WHERE model_key = 'dump-v3' AND indicator_code = 'tiny_capital' AND lower = 10;
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
VALUES ('91411622MA40000A13', '西华县示例食品有限公司', '411622', 'C1391', 3, '2015-03-02', 'u'),
       ('91411622MA40000B27', '西华县示例餐饮店', '411622', 'H6210', 6, '2019-07-15', 'u');
INSERT INTO penalty (uscc, decision_number, decision_date, severity, fine_amount, field, reported_by, publicity_end_date, sanctions)
VALUES ('91411622MA40000A13', 'P-1', '2025-06-10', 'general', 2.5, 'food', 'u', '2028-06-10', '{fine,confiscation}');
-- credit repair (1.5): a bureau's rule set, a commitment, an approved and a pending application
INSERT INTO repair_rule_set (regime, name, basis, effective_from, penalty_min_minor, penalty_min_general, penalty_min_serious,
                             penalty_min_key_field, unrepairable_sanctions, abnormal_min_listing, serious_min_listing,
                             serious_max_term, commitment_required)
VALUES ('henan_example', '示例规则', 'test', '2026-10-01', '0', '3 months', '1 year', '1 year', '{licence_revoked}',
        '0', '1 year', '3 years', true);
INSERT INTO credit_commitment (uscc, kind, signed_date, published_date, reported_by)
VALUES ('91411622MA40000A13', 'repair', '2026-04-01', '2026-04-02', 'u');
INSERT INTO credit_repair (uscc, target, penalty_id, channel, applied_date, accepted_date, reported_by)
SELECT uscc, 'penalty', id, 'online', '2026-06-15', '2026-06-16', 'u' FROM penalty WHERE decision_number = 'P-1';
SELECT repair_decide(currval('creditrisk.credit_repair_id_seq'), 'approved', '2026-06-20', '公示满一年，已作出信用承诺');
INSERT INTO abnormal_listing (uscc, listed_date, removed_date, reason, reported_by)
VALUES ('91411622MA40000B27', '2023-07-01', '2024-03-15', 1, 'u');
INSERT INTO annual_report (uscc, year, filed_on, reported_by) VALUES ('91411622MA40000A13', 2024, '2025-05-20', 'u');
INSERT INTO related_party_link (from_uscc, to_uscc, kind, reported_by)
VALUES ('91411622MA40000A13', '91411622MA40000B27', 'shareholder', 'u');
INSERT INTO domain_risk_class (uscc, domain, class, assessed_date, reported_by)
VALUES ('91411622MA40000A13', 'food', 'C', '2025-12-01', 'u');
INSERT INTO complaint (uscc, received_date, kind, reported_by) VALUES ('91411622MA40000B27', '2026-03-01', 'complaint', 'u');
INSERT INTO credit_repair (uscc, target, abnormal_listing_id, channel, applied_date, reported_by)
SELECT uscc, 'abnormal_listing', id, 'offline', '2024-03-01', 'u' FROM abnormal_listing;
-- the tiny model's entries get SQL definitions (filled in after publishing, as allowed)
UPDATE indicator SET definition_sql = 'e.registered_capital' WHERE code = 'tiny_capital';
UPDATE indicator SET definition_sql = $d$(SELECT CASE WHEN bool_or(l.revoked_date <= $1) THEN 3
    WHEN bool_or(l.valid_to IS NULL OR l.valid_to > $1) THEN 1 WHEN count(*) > 0 THEN 2 END
  FROM creditrisk.licence l WHERE l.uscc = e.uscc AND l.valid_from <= $1)$d$ WHERE code = 'tiny_licence';
UPDATE indicator SET definition_sql = $d$(SELECT (count(*) > 0)::int FROM creditrisk.spot_check s
  WHERE s.uscc = e.uscc AND s.refused AND s.check_date > ($1 - interval '1 year')::date AND s.check_date <= $1)$d$
 WHERE code = 'tiny_refused';
UPDATE indicator SET definition_sql = $d$(SELECT count(*) FROM creditrisk.complaint c WHERE c.uscc = e.uscc
  AND c.kind = 'complaint' AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)$d$
 WHERE code = 'tiny_complaints';
SQL

pg_dump -d $src > "$dump" 2>/dev/null
restore_out=$(psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -d $dst -f "$dump" 2>&1)
restore_status=$?
check "the dump restores without error" "$restore_status" "0"
[ "$restore_status" -eq 0 ] || echo "$restore_out" | sed 's/^/# /' | head -20

list="SELECT string_agg(model_key || ':' || status || ':' || md5((creditrisk.model_export(model_key))::text), ' ' ORDER BY model_key) FROM creditrisk.model"
check "every model comes back with its status and exact content" "$(q $dst "$list")" "$(q $src "$list")"

cat_q="SELECT string_agg(code || ':' || builtin || ':' || md5(coalesce(definition_sql, '')), ' ' ORDER BY code) FROM creditrisk.indicator"
check "catalogue entries come back once with their SQL definitions, builtin ones from CREATE EXTENSION" "$(q $dst "$cat_q")" "$(q $src "$cat_q")"

check "the reference model is not duplicated" "$(q $dst "SELECT count(*) FROM creditrisk.model_indicator WHERE model_key = 'reference-v1'")" \
      "$(q $src "SELECT count(*) FROM creditrisk.model_indicator WHERE model_key = 'reference-v1'")"

score_q="SELECT creditrisk.score('dump-v2', '{50,3,1,7}'::float8[]) || ' ' || creditrisk.score('dump-v1', '{5,2,0,1}'::float8[]) || ' ' || creditrisk.score_draft('dump-v3', '{50,1,0,2}'::float8[])"
check "restored models score as before (published, retired, draft)" "$(q $dst "$score_q")" "$(q $src "$score_q")"

frozen=$(psql -X -q -t -A -d $dst -c "INSERT INTO creditrisk.model_category VALUES ('dump-v2', 'tiny_licence', 9, 1, 'x')" 2>&1)
check "a restored published model is still frozen" "$(echo "$frozen" | grep -c 'is published and cannot be changed')" "1"

draft_edit=$(q $dst "UPDATE creditrisk.model_bin SET points = 60 WHERE model_key = 'dump-v3' AND indicator_code = 'tiny_capital' AND lower = 10 RETURNING points")
check "a restored draft is still editable" "$draft_edit" "60"

records="SELECT string_agg(t || ':' || n, ' ' ORDER BY t) FROM (
  SELECT c.relname AS t, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) || md5(string_agg(x::text, '','' ORDER BY x::text)) AS n FROM creditrisk.%I x', c.relname), false, true, '')))[1]::text AS n
    FROM pg_class c WHERE c.relnamespace = 'creditrisk'::regnamespace AND c.relkind = 'r' AND c.relname NOT LIKE 'model%' AND c.relname <> 'indicator'
       AND c.relname <> 'change_log') s"
check "every credit record and register row comes back exactly" "$(q $dst "$records")" "$(q $src "$records")"

# The change log comes back entry for entry; the restore adds entries of its
# own after them (the configuration rows it inserted, by the restoring role).
last=$(q $src "SELECT max(logged_at) FROM creditrisk.change_log")
log_q="SELECT count(*) || ' ' || md5(string_agg(x::text, ',' ORDER BY x::text)) FROM creditrisk.change_log x WHERE x.logged_at <= '$last'"
check "the change log comes back entry for entry" "$(q $dst "$log_q")" "$(q $src "$log_q")"

compute_q="SELECT string_agg(uscc::text || '=' || indicators::text, ' ' ORDER BY uscc::text) FROM creditrisk.compute_indicators('dump-v2', '2026-06-30')"
ends_q="SELECT string_agg(kind || ':' || end_date, ' ' ORDER BY kind, end_date) FROM creditrisk.record_ends()"
check "the approved repair still ends the penalty's publicity after restore" "$(q $dst "$ends_q")" "penalty:2026-06-20"

check "indicators computed from the restored records and definitions are the same" "$(q $dst "$compute_q")" \
      "91411622MA40000A13={NULL,NULL,0,0} 91411622MA40000B27={NULL,NULL,0,1}"

q $dst "SELECT creditrisk.model_copy('dump-v2', 'dump-v4')" >/dev/null
check "revisions continue after restore (sequence restored)" \
      "$(q $dst "SELECT min(revision) > (SELECT max(revision) FROM creditrisk.model WHERE model_key <> 'dump-v4') FROM creditrisk.model WHERE model_key = 'dump-v4'")" "t"
