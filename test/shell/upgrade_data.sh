#!/usr/bin/env bash
# Nothing is lost through ALTER EXTENSION ... UPDATE: a database that ran the
# released 1.4 (register, every kind of credit record, a jurisdiction, two
# monthly runs with their sealed history) is updated to the newest version.
# Afterwards every row that 1.4 had is still there with the same values (over
# 1.4's own columns, so that columns an update adds or derives do not count),
# the runs and their results are unchanged, the hash chain still verifies, a
# re-run with the first run's knowledge time reproduces it, a new run works,
# and a pg_dump / pg_restore -j 2 of the updated database keeps all of it.
# (sql/upgrade.sql proves the catalog equal to a fresh install; this test is
# about the data.)
# Output: TAP.
set -uo pipefail
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
cd "$(dirname "$0")/../.."

db=creditrisk_upgdata
dst=creditrisk_upgdata_restored
dump=$(mktemp)
trap 'rm -f "$dump"; dropdb --if-exists $db >/dev/null 2>&1; dropdb --if-exists $dst >/dev/null 2>&1; psql -X -q -d postgres -c "DROP ROLE IF EXISTS regress_upg_analyst" >/dev/null 2>&1' EXIT

. test/shell/lib/tap.bash

echo "1..13"
dropdb --if-exists $db >/dev/null 2>&1; dropdb --if-exists $dst >/dev/null 2>&1
psql -X -q -d postgres -c 'DROP ROLE IF EXISTS regress_upg_analyst' -c 'CREATE ROLE regress_upg_analyst LOGIN' >/dev/null
createdb $db

# 1.4 and its data.  Everything below is written against 1.4's tables as
# released; it must not be edited to follow later versions.
setup=$(psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -d $db 2>&1 <<'SQL'
CREATE EXTENSION creditrisk VERSION '1.4';
SET search_path = creditrisk, public;
CREATE FUNCTION pg_temp.uscc_of(body text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT body || substr(a, (31 - s % 31) % 31 + 1, 1)
    FROM (SELECT '0123456789ABCDEFGHJKLMNPQRTUWXY'::text AS a) c,
         LATERAL (SELECT sum((strpos(c.a, substr(body, i, 1)) - 1)
                             * (ARRAY[1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28])[i]) :: int AS s
                    FROM generate_series(1, 17) i) t $$;
CREATE TABLE public.upg_ent AS
SELECT i, pg_temp.uscc_of('91' || (ARRAY['411622', '411602', '410102', '411621'])[1 + i % 4]
                                || 'MA' || lpad(i::text, 7, '0'))::uscc AS uscc,
       (ARRAY['411622', '411602', '410102', '411621'])[1 + i % 4] AS division,
       (ARRAY['西华县市场监督管理局', '西华县市场监管局 ', 'XIHUA AMR', '周口市市场监督管理局', '郑州市场监管'])[1 + i % 5] AS unit
  FROM generate_series(1, 400) i;
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date,
                        registered_capital, paid_in_capital, status, status_date, reported_by, valid_from)
SELECT uscc, '升级测试企业' || i, division, (ARRAY['C1391', 'H6210', 'F5212', 'C2710', 'E4700'])[1 + i % 5],
       1 + i % 3, date '2012-01-01' + (i * 7), 100 + i, 50 + i % 100,
       CASE WHEN i % 50 = 0 THEN 'cancelled' ELSE 'in_business' END,
       CASE WHEN i % 50 = 0 THEN date '2025-03-01' END, unit, date '2012-01-01' + (i * 7)
  FROM upg_ent;
INSERT INTO licence (uscc, licence_number, kind, valid_from, valid_to, revoked_date, reported_by)
SELECT uscc, 'L-' || i, 'food', date '2020-01-01' + i, date '2027-01-01' + i,
       CASE WHEN i % 30 = 0 THEN date '2025-05-01' END, unit FROM upg_ent WHERE i % 3 = 0;
INSERT INTO penalty (uscc, decision_number, decision_date, severity, fine_amount, publicity_end_date, field, reported_by)
SELECT uscc, 'P-' || i, date '2024-01-10' + i * 2, (ARRAY['minor', 'general', 'serious'])[1 + i % 3],
       (i % 13) * 1000.5, date '2024-01-10' + i * 2 + 365, (ARRAY['food', 'drugs', 'special_equipment', 'other'])[1 + i % 4], unit
  FROM upg_ent WHERE i % 7 = 0;
INSERT INTO spot_check (uscc, check_date, outcome, refused, reported_by)
SELECT uscc, date '2025-02-01' + i, (ARRAY['pass', 'problems_found', 'rectification_ordered', 'not_found_at_address'])[1 + i % 4],
       i % 45 = 0, unit FROM upg_ent WHERE i % 5 = 0;
INSERT INTO complaint (uscc, received_date, kind, substantiated, reported_by)
SELECT uscc, date '2025-04-01' + i, (ARRAY['complaint', 'report'])[1 + i % 2], i % 4 = 0, unit FROM upg_ent WHERE i % 6 = 0;
INSERT INTO abnormal_listing (uscc, listed_date, removed_date, reason, reported_by)
SELECT uscc, date '2024-06-01' + i, CASE WHEN i % 2 = 0 THEN date '2025-06-01' + i END, (ARRAY[1, 2, 3, 4, 9])[1 + i % 5], unit
  FROM upg_ent WHERE i % 11 = 0;
INSERT INTO serious_dishonesty_listing (uscc, listed_date, removed_date, reported_by)
SELECT uscc, date '2025-01-15' + i, NULL, unit FROM upg_ent WHERE i % 37 = 0;
INSERT INTO judgment_debtor_listing (uscc, listed_date, removed_date, reported_by)
SELECT uscc, date '2025-03-15' + i, CASE WHEN i % 2 = 1 THEN date '2025-03-15' + i + 200 END, unit FROM upg_ent WHERE i % 41 = 0;
INSERT INTO annual_report (uscc, year, filed_on, reported_by)
SELECT uscc, 2024, date '2025-03-01' + i % 200, unit FROM upg_ent WHERE i % 2 = 0;
INSERT INTO registration_change (uscc, change_date, kind, old_value, new_value, reported_by)
SELECT uscc, date '2025-01-01' + i, (ARRAY['legal_representative', 'name', 'address', 'scope', 'capital'])[1 + i % 5],
       'old ' || i, 'new ' || i, unit FROM upg_ent WHERE i % 9 = 0;
INSERT INTO related_party_link (from_uscc, to_uscc, kind, valid_from, reported_by)
SELECT a.uscc, b.uscc, (ARRAY['shareholder', 'common_legal_representative', 'branch'])[1 + a.i % 3], date '2020-01-01', a.unit
  FROM upg_ent a JOIN upg_ent b ON b.i = a.i + 1 WHERE a.i % 13 = 0;
INSERT INTO equity_pledge_freeze (uscc, kind, start_date, end_date, amount, reported_by)
SELECT uscc, (ARRAY['pledge', 'freeze'])[1 + i % 2], date '2025-01-01' + i, NULL, i * 10.25, unit FROM upg_ent WHERE i % 17 = 0;
INSERT INTO lawsuit (uscc, filed_date, role, kind, reported_by)
SELECT uscc, date '2025-02-01' + i, (ARRAY['plaintiff', 'defendant', 'third_party'])[1 + i % 3],
       (ARRAY['civil', 'labour', 'administrative', 'criminal', 'other'])[1 + i % 5], unit FROM upg_ent WHERE i % 19 = 0;
INSERT INTO public_opinion (uscc, published_date, sentiment, source, reported_by)
SELECT uscc, date '2025-05-01' + i, (ARRAY['negative', 'neutral', 'positive'])[1 + i % 3], 'news', unit FROM upg_ent WHERE i % 23 = 0;
INSERT INTO domain_risk_class (uscc, domain, class, assessed_date, reported_by)
SELECT uscc, 'food', (ARRAY['A', 'B', 'C', 'D'])[1 + i % 4]::riskclass, date '2025-06-30', unit FROM upg_ent WHERE i % 10 = 0;
-- a move of county: the register keeps its history
UPDATE enterprise SET division_code = '411621', valid_from = '2026-02-01' WHERE uscc = (SELECT uscc FROM upg_ent WHERE i = 4);
SELECT create_roles();
SELECT enrol('regress_upg_analyst', 'analyst', '411622');
SELECT refresh_classification('2026-06-30');
SELECT refresh_classification('2026-09-30');
SQL
)
check "1.4 installs and takes the data" "${setup:-ok}" "ok"

# What 1.4 had: per table, a hash of every row over 1.4's own columns (except
# the free-text reporting unit, which later versions may replace by a
# reference).  After the update each of these rows must still be there; rows
# an update adds (new reference data) are allowed.  An update that changes a
# shipped row on purpose must say so here.
psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null <<'SQL'
CREATE TABLE public.upg_cols AS
SELECT c.relname AS tab, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) AS cols
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'creditrisk'
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attname <> 'reported_by'
 GROUP BY c.relname;
-- Changed on purpose by 1.5 (credit repair, doc/repair.md): the shipped
-- serious_dishonesty rule and the SQL definitions of ten built-in indicators
-- read record_end() (an approved repair or the 3-year term ends a listing);
-- the rule's 1.4 text stays in override_rule_history, known until the update.
-- Changed on purpose by 1.6 (revoked penalties, issue 14): the SQL definitions
-- of the ten penalty indicators and the two related-party ones leave out a
-- penalty revoked on or before the as-of date (the same column, excluded above).
-- Changed on purpose by 1.7 (explanations through per-enterprise policies,
-- issue 15): five definitions say the same with CASE instead of coalesce()
-- and a scalar count instead of EXISTS, so that they reach one enterprise's
-- rows through the indexes under row-level security (same column).
UPDATE public.upg_cols SET cols = regexp_replace(cols, '(, )?definition_sql', '') WHERE tab = 'indicator';
UPDATE public.upg_cols SET cols = regexp_replace(regexp_replace(cols, '(, )?rule_sql', ''), '(, )?recorded_at', '')
 WHERE tab = 'override_rule';
CREATE FUNCTION public.upg_rows(cols_from regclass DEFAULT 'public.upg_cols') RETURNS TABLE (tab text, h text) LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  FOR r IN EXECUTE format('SELECT u.tab, u.cols FROM %s u ORDER BY u.tab', cols_from) LOOP
    RETURN QUERY EXECUTE format('SELECT %L::text, md5(x::text) FROM (SELECT %s FROM creditrisk.%I) x', r.tab, r.cols, r.tab);
  END LOOP;
END $$;
CREATE TABLE public.upg_before AS SELECT * FROM public.upg_rows();
SQL
check "the snapshot covers the register, the records, the runs and the seals" \
    "$(q $db "SELECT count(DISTINCT tab) FROM public.upg_before WHERE tab IN ('enterprise', 'penalty', 'licence', 'serious_dishonesty_listing', 'classification_result', 'classification_run', 'classification_seal', 'jurisdiction')")" "8"
check "1.4's history verifies" "$(q $db 'SELECT count(*) FROM creditrisk.verify_history()')" "0"
first_known=$(q $db "SELECT known_at FROM creditrisk.classification_run WHERE as_of = '2026-06-30' AND version = 1")

out=$(psql -X -q -v ON_ERROR_STOP=1 -d $db -c 'ALTER EXTENSION creditrisk UPDATE' 2>&1)
check "ALTER EXTENSION creditrisk UPDATE succeeds" "${out:-ok}" "ok"
check "to the newest version" "$(q $db "SELECT extversion FROM pg_extension WHERE extname = 'creditrisk'")" \
    "$(sed -n "s/^default_version = '\(.*\)'/\1/p" creditrisk.control)"

check "every 1.4 row is still there with the same values" "$(q $db "
    SELECT coalesce(string_agg(tab || ': ' || n || ' rows lost or changed', '; ' ORDER BY tab), 'none')
      FROM (SELECT tab, count(*) AS n FROM (SELECT tab, h FROM public.upg_before EXCEPT ALL SELECT tab, h FROM public.upg_rows()) d
             GROUP BY tab) x")" "none"
check "the history still verifies after the update" "$(q $db 'SELECT count(*) FROM creditrisk.verify_history()')" "0"
check "the analyst keeps its jurisdiction" \
    "$(q $db "SELECT division_code FROM creditrisk.jurisdiction WHERE role_name = 'regress_upg_analyst'")" "411622"

# A re-run of June with June's knowledge time gives June's answer.
q $db "SELECT creditrisk.refresh_classification('2026-06-30', known_at => '$first_known')" >/dev/null
check "a re-run with the first run's knowledge time reproduces it row for row" "$(q $db "
    SELECT count(*) FROM (
      (SELECT uscc, score, score_class, final_class, overrides FROM creditrisk.classification_result WHERE as_of = '2026-06-30' AND version = 1
       EXCEPT SELECT uscc, score, score_class, final_class, overrides FROM creditrisk.classification_result WHERE as_of = '2026-06-30' AND version = 2)
      UNION ALL
      (SELECT uscc, score, score_class, final_class, overrides FROM creditrisk.classification_result WHERE as_of = '2026-06-30' AND version = 2
       EXCEPT SELECT uscc, score, score_class, final_class, overrides FROM creditrisk.classification_result WHERE as_of = '2026-06-30' AND version = 1)) d")" "0"
check "a new monthly run works after the update" \
    "$(q $db "SELECT (r).enterprises FROM (SELECT creditrisk.refresh_classification('2026-10-31') r) x")" \
    "$(q $db "SELECT enterprises FROM creditrisk.classification_run WHERE as_of = '2026-09-30' AND version = 1")"
check "and the history, with the new runs, verifies" "$(q $db 'SELECT count(*) FROM creditrisk.verify_history()')" "0"

# The updated database through pg_dump and a parallel restore: every row of
# the bureau's data (all columns now) comes back: the register, the records
# and their histories, the runs, results and seals, jurisdictions, sharing
# agreements and the change log (to which the restore adds its own loading of
# the configuration tables, as doc/AUDIT.md says).  Shipped catalogue rows
# are created by the install script on restore; dump_restore.sh and
# parallel_restore.sh cover the models.
q $db "CREATE TABLE public.upg_cols_now AS
       SELECT c.relname AS tab, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) AS cols
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'creditrisk'
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND (c.relname IN ('jurisdiction', 'sharing_agreement', 'change_log')
               OR EXISTS (SELECT FROM pg_attribute k WHERE k.attrelid = c.oid AND k.attname IN ('uscc', 'from_uscc', 'as_of') AND NOT k.attisdropped))
        GROUP BY c.relname" >/dev/null
q $db "CREATE TABLE public.upg_dumped AS SELECT * FROM public.upg_rows('public.upg_cols_now')" >/dev/null
pg_dump -Fc -f "$dump" $db 2>/dev/null || echo "Bail out! pg_dump failed"
createdb $dst
out=$(pg_restore -j 2 -d $dst "$dump" 2>&1)
check "pg_restore -j 2 of the updated database succeeds" "${out:-ok}" "ok"
check "and brings back every row of the bureau's data" "$(q $dst "
    SELECT coalesce(string_agg(tab || ': ' || n || ' rows lost or changed', '; ' ORDER BY tab), 'none')
      FROM (SELECT tab, count(*) AS n FROM (SELECT tab, h FROM public.upg_dumped EXCEPT ALL SELECT tab, h FROM public.upg_rows('public.upg_cols_now')) d
             GROUP BY tab) x")" "none"
