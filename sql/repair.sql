-- Credit repair (信用修复, issue 14): eligibility from the dated rule sets
-- SAMR 2021 and NDRC 2026 at the edges of every rule, under both regimes;
-- the application, its decision and its errors; no fee can be recorded.
-- A fresh extension, so that this file neither sees nor leaves other files' data.
\i sql/include/classification_setup.psql
SET intervalstyle = 'postgres';

-- The rule sets: the one in force on a date applies (none before 2021-09-01).
SELECT regime, effective_from, penalty_min_minor, penalty_min_general, penalty_min_serious, penalty_min_key_field,
       unrepairable_sanctions, abnormal_min_listing, serious_min_listing, serious_max_term, commitment_required, shipped
  FROM repair_rule_set ORDER BY effective_from;
SELECT d, (SELECT regime FROM repair_rule_set_on(d)) AS regime
  FROM unnest('{2021-08-31,2021-09-01,2026-03-31,2026-04-01}'::date[]) d ORDER BY d;

SELECT count(pg_temp.ent(n, format('%s 修复', lpad(n::text, 2, '0')))) AS enterprises FROM generate_series(1, 12) n;
-- Penalties.  p1 general, other field; p2 general, food; p3 serious with the
-- business licence revoked; p4 minor, publicity of 3 months; p5 general,
-- decided 2026; p6 serious, food; p7 general, decided 2025-10-01 (its
-- minimum publicity straddles the change of regime).
INSERT INTO penalty (uscc, decision_number, decision_date, severity, publicity_end_date, field, sanctions, reported_by)
SELECT pg_temp.uscc(n, '411622'), 'p' || n, d::date, s, e::date, f, k::text[], '西华县市场监督管理局'
  FROM (VALUES (1, '2025-03-15', 'general', '2028-03-15', 'other', '{fine}'),
               (2, '2024-06-30', 'general', '2027-06-30', 'food', '{fine,confiscation}'),
               (3, '2025-01-20', 'serious', '2028-01-20', 'other', '{fine,business_licence_revoked}'),
               (4, '2025-01-10', 'minor', '2025-04-10', 'other', '{warning}'),
               (5, '2026-01-05', 'general', '2027-01-05', 'other', '{fine}'),
               (6, '2025-06-01', 'serious', '2028-06-01', 'food', '{fine}'),
               (7, '2025-10-01', 'general', '2028-10-01', 'other', '{fine}')) v(n, d, s, e, f, k);
SELECT id AS p1 FROM penalty WHERE decision_number = 'p1' \gset
SELECT id AS p2 FROM penalty WHERE decision_number = 'p2' \gset
SELECT id AS p3 FROM penalty WHERE decision_number = 'p3' \gset
SELECT id AS p4 FROM penalty WHERE decision_number = 'p4' \gset
SELECT id AS p5 FROM penalty WHERE decision_number = 'p5' \gset
SELECT id AS p6 FROM penalty WHERE decision_number = 'p6' \gset
SELECT id AS p7 FROM penalty WHERE decision_number = 'p7' \gset
-- Listings: s8 on the serious-dishonesty list since 2025-02-10; s9 since
-- 2022-05-01 with no removal date (its 3-year term ends it on 2025-05-01);
-- a10 on the abnormal-operation list since 2025-03-01.
INSERT INTO serious_dishonesty_listing (uscc, listed_date, reported_by) VALUES
    (pg_temp.uscc(8, '411622'), '2025-02-10', '河南省市场监督管理局') RETURNING id AS s8 \gset
INSERT INTO serious_dishonesty_listing (uscc, listed_date, reported_by) VALUES
    (pg_temp.uscc(9, '411622'), '2022-05-01', '河南省市场监督管理局') RETURNING id AS s9 \gset
INSERT INTO abnormal_listing (uscc, listed_date, reason, reported_by) VALUES
    (pg_temp.uscc(10, '411622'), '2025-03-01', 1, '西华县市场监督管理局') RETURNING id AS a10 \gset

CREATE FUNCTION pg_temp.elig(kind text, id bigint, d date) RETURNS text LANGUAGE sql AS $$
    SELECT format('%s %s', d, concat_ws(' | ', e.eligible, e.eligible_from, e.regime, e.rule, e.detail,
                                         CASE WHEN e.commitment_id IS NOT NULL THEN 'with commitment' END))
      FROM creditrisk.repair_eligibility(kind, id, d) e $$;

-- SAMR 2021: a penalty's publicity may end after 6 months (p1), after 1 year
-- in food, drugs and special equipment (p2); never with the gravest sanctions
-- (p3); a publicity that has already ended has nothing to repair (p4).
SELECT pg_temp.elig('penalty', :p1, d) FROM unnest('{2025-09-14,2025-09-15}'::date[]) d ORDER BY d;
SELECT pg_temp.elig('penalty', :p2, d) FROM unnest('{2025-06-29,2025-06-30}'::date[]) d ORDER BY d;
SELECT pg_temp.elig('penalty', :p3, d) FROM unnest('{2025-12-31,2026-06-30}'::date[]) d ORDER BY d;
SELECT pg_temp.elig('penalty', :p4, d) FROM unnest('{2025-04-09,2025-04-10}'::date[]) d ORDER BY d;
-- NDRC 2026: general 3 months (p5), serious 1 year (p6; food: also 1 year),
-- and a published credit commitment of kind repair, in force, not breached.
SELECT pg_temp.elig('penalty', :p5, d) FROM unnest('{2026-04-04,2026-04-05}'::date[]) d ORDER BY d;
SELECT pg_temp.elig('penalty', :p6, d) FROM unnest('{2026-05-31,2026-06-01}'::date[]) d ORDER BY d;
-- The regime is the one in force on the application date: p7 (decided
-- 2025-10-01) is 6 months short under SAMR on 2026-03-31, and under NDRC the
-- next day its 3 months are long past, but it needs a commitment.
SELECT pg_temp.elig('penalty', :p7, d) FROM unnest('{2026-03-31,2026-04-01}'::date[]) d ORDER BY d;
-- Commitments: signed but not published, published later, published and then
-- breached, another kind: only a published, unbreached repair commitment counts.
INSERT INTO credit_commitment (uscc, kind, signed_date, published_date, reported_by) VALUES
    (pg_temp.uscc(5, '411622'), 'repair', '2026-04-01', NULL, '西华县市场监督管理局'),
    (pg_temp.uscc(5, '411622'), 'industry_self_discipline', '2026-01-01', '2026-01-02', '西华县市场监督管理局'),
    (pg_temp.uscc(6, '411622'), 'repair', '2026-05-01', '2026-05-02', '西华县市场监督管理局'),
    (pg_temp.uscc(7, '411622'), 'repair', '2026-03-20', '2026-04-02', '西华县市场监督管理局');
SELECT pg_temp.elig('penalty', :p5, '2026-04-05');
UPDATE credit_commitment SET published_date = '2026-04-06' WHERE uscc = pg_temp.uscc(5, '411622') AND kind = 'repair';
SELECT pg_temp.elig('penalty', :p5, d) FROM unnest('{2026-04-05,2026-04-06}'::date[]) d ORDER BY d;
SELECT pg_temp.elig('penalty', :p6, d) FROM unnest('{2026-05-31,2026-06-01}'::date[]) d ORDER BY d;
SELECT pg_temp.elig('penalty', :p7, d) FROM unnest('{2026-04-01,2026-04-02}'::date[]) d ORDER BY d;
UPDATE credit_commitment SET breached_date = '2026-05-10', breach_detail = '未按承诺整改'
 WHERE uscc = pg_temp.uscc(7, '411622');
SELECT pg_temp.elig('penalty', :p7, d) FROM unnest('{2026-05-09,2026-05-10}'::date[]) d ORDER BY d;

-- The serious-dishonesty list: early removal after 1 year under both regimes
-- (with a commitment under NDRC); a listing past its 3-year term is no
-- longer current, so there is nothing to repair.
SELECT pg_temp.elig('serious_dishonesty_listing', :s8, d) FROM unnest('{2026-02-09,2026-02-10,2026-04-10}'::date[]) d ORDER BY d;
INSERT INTO credit_commitment (uscc, kind, signed_date, published_date, reported_by) VALUES
    (pg_temp.uscc(8, '411622'), 'repair', '2026-04-10', '2026-04-10', '河南省市场监督管理局');
SELECT pg_temp.elig('serious_dishonesty_listing', :s8, '2026-04-10');
SELECT pg_temp.elig('serious_dishonesty_listing', :s9, d) FROM unnest('{2025-04-30,2025-05-01}'::date[]) d ORDER BY d;
SELECT d, is_current('2022-05-01', record_end('serious_dishonesty_listing', :s9, '2022-05-01', NULL), d) AS current
  FROM unnest('{2025-04-30,2025-05-01}'::date[]) d ORDER BY d;
-- The abnormal-operation list: removal once the cause is corrected, from the
-- listing day; not before the listing; no rule set before 2021-09-01.
SELECT pg_temp.elig('abnormal_listing', :a10, d) FROM unnest('{2025-02-28,2025-03-01,2026-04-01}'::date[]) d ORDER BY d;
SELECT pg_temp.elig('penalty', :p2, '2021-08-31');

-- Bad input: a clear error, nothing changed.
\set VERBOSITY terse
SELECT * FROM repair_eligibility('licence', :p1, '2025-09-15'); \echo :LAST_ERROR_SQLSTATE
SELECT * FROM repair_eligibility('penalty', -1, '2025-09-15'); \echo :LAST_ERROR_SQLSTATE
SELECT * FROM repair_eligibility('penalty', :p1, 'infinity'); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default

-- Applications: one procedure online and offline.  p1 offline, accepted the
-- next day, approved; p3 (gravest) and p1 again refused; a record of another
-- enterprise, a decision before acceptance, twice, without reasons: refused.
INSERT INTO credit_repair (uscc, target, penalty_id, channel, applied_date, accepted_date, reported_by)
VALUES (pg_temp.uscc(1, '411622'), 'penalty', :p1, 'offline', '2025-09-15', '2025-09-16', '西华县市场监督管理局')
RETURNING id AS r1 \gset
INSERT INTO credit_repair (uscc, target, penalty_id, channel, applied_date, accepted_date, reported_by)
VALUES (pg_temp.uscc(3, '411622'), 'penalty', :p3, 'online', '2025-12-31', '2025-12-31', '国家企业信用信息公示系统（河南）')
RETURNING id AS r3 \gset
INSERT INTO credit_repair (uscc, target, penalty_id, channel, applied_date, reported_by)
VALUES (pg_temp.uscc(2, '411622'), 'penalty', :p2, 'online', '2025-06-29', '国家企业信用信息公示系统（河南）')
RETURNING id AS r2 \gset
SELECT clock_timestamp() AS before_decision \gset
SELECT id = :r1 AS r1, decision, decided_date, regime, reasons FROM repair_decide(:r1, 'approved', '2025-09-20', '公示满6个月，已履行行政处罚');
SELECT repair_decide(:r1, 'rejected', '2025-09-21', 'again');
SELECT repair_decide(:r3, 'approved', '2026-01-05', '申请');
SELECT decision, decided_date, regime, reasons FROM repair_decide(:r3, 'rejected', '2026-01-05', '吊销营业执照的行政处罚不予修复');
SELECT repair_decide(:r2, 'approved', '2025-07-01', '申请');
UPDATE credit_repair SET accepted_date = '2025-06-30' WHERE id = :r2;
SELECT repair_decide(:r2, 'approved', '2025-07-01', '申请');
\set VERBOSITY terse
SELECT repair_decide(:r2, 'rejected', '2025-06-29', 'before acceptance'); \echo :LAST_ERROR_SQLSTATE
SELECT repair_decide(:r2, 'rejected', '2025-07-01', ' '); \echo :LAST_ERROR_SQLSTATE
SELECT repair_decide(:r2, 'maybe', '2025-07-01', 'x'); \echo :LAST_ERROR_SQLSTATE
SELECT repair_decide(-1, 'rejected', '2025-07-01', 'x'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO credit_repair (uscc, target, penalty_id, channel, applied_date, reported_by)
VALUES (pg_temp.uscc(4, '411622'), 'penalty', :p1, 'online', '2025-10-01', 'x'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO credit_repair (uscc, target, penalty_id, channel, applied_date, reported_by)
VALUES (pg_temp.uscc(1, '411622'), 'abnormal_listing', :p1, 'online', '2025-10-01', 'x'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO credit_repair (uscc, target, penalty_id, channel, applied_date, reported_by)
VALUES (pg_temp.uscc(1, '411622'), 'penalty', :p1, 'by post', '2025-10-01', 'x'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO credit_repair (uscc, target, penalty_id, channel, applied_date, accepted_date, reported_by)
VALUES (pg_temp.uscc(1, '411622'), 'penalty', :p1, 'online', '2025-10-01', '2025-09-30', 'x'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO credit_repair (uscc, target, penalty_id, channel, applied_date, reported_by)
VALUES (pg_temp.uscc(1, '411622'), 'penalty', :p1, 'online', 'infinity', 'x'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO credit_repair (uscc, target, penalty_id, channel, applied_date, reported_by)
VALUES (pg_temp.uscc(1, '411622'), 'penalty', :p1, 'online', current_date + 1, 'x'); \echo :LAST_ERROR_SQLSTATE
UPDATE credit_repair SET penalty_id = :p2 WHERE id = :r1; \echo :LAST_ERROR_SQLSTATE
-- a second approval of the same record
INSERT INTO credit_repair (uscc, target, penalty_id, channel, applied_date, accepted_date, decided_date, decision, reasons, regime, reported_by)
VALUES (pg_temp.uscc(1, '411622'), 'penalty', :p1, 'online', '2025-10-01', '2025-10-01', '2025-10-02', 'approved', 'x', 'samr_2021', 'x'); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default

-- No fee can be recorded: the application has no column for one, and no
-- role but the tables' owner may add one (an administrator is refused).
SELECT count(*) AS fee_columns FROM pg_attribute
 WHERE attrelid IN ('credit_repair'::regclass, 'credit_repair_history'::regclass)
   AND attnum > 0 AND NOT attisdropped AND attname ~* 'fee|charge|amount|price|费';
\set VERBOSITY terse
INSERT INTO credit_repair (uscc, target, penalty_id, channel, applied_date, reported_by, fee)
VALUES (pg_temp.uscc(5, '411622'), 'penalty', :p5, 'offline', '2026-04-06', 'x', 100); \echo :LAST_ERROR_SQLSTATE
BEGIN;
\o /dev/null
SELECT creditrisk.create_roles();
CREATE ROLE regress_cr_repair_admin;
SELECT creditrisk.enrol('regress_cr_repair_admin', 'admin', '410000');
\o
SET ROLE regress_cr_repair_admin;
ALTER TABLE creditrisk.credit_repair ADD COLUMN fee numeric; \echo :LAST_ERROR_SQLSTATE
ROLLBACK;
\set VERBOSITY default

-- The decisions and what they end: p1's publicity ends on the approval's
-- date, as known now; as known before the decision it had not ended.
SELECT target, channel, applied_date, accepted_date, decided_date, decision, regime, reasons
  FROM credit_repair ORDER BY id;
SELECT record_end('penalty', :p1, '2025-03-15', '2028-03-15') AS now_known,
       record_end('penalty', :p1, '2025-03-15', '2028-03-15', :'before_decision') AS before_decision,
       record_end('penalty', :p3, '2025-01-20', '2028-01-20') AS p3_rejected;
SELECT kind, record_id = :p1 AS is_p1, end_date FROM record_ends() WHERE kind = 'penalty';
SELECT kind, end_date FROM record_ends() WHERE kind <> 'penalty' ORDER BY end_date;
-- Every version of an application is kept: the pending one and the decided one.
SELECT decision, decided_date FROM credit_repair_history WHERE id = :r1;
-- The regime is data: a shipped rule set is frozen.
\set VERBOSITY terse
UPDATE repair_rule_set SET serious_max_term = '5 years' WHERE regime = 'samr_2021'; \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
-- The NDRC minimums are assumptions (the low end of DOMAIN.md's ranges,
-- doc/repair.md): a bureau that reads the rules differently adds its own
-- rule set, which applies from its effective date only.  p12, general,
-- decided 2026-05-15, with a published repair commitment: under NDRC its
-- 3 months end on 2026-08-15; a provincial set from 2026-09-01 requiring
-- 6 months for a general penalty leaves an application of 2026-08-31 judged
-- as before (NDRC, eligible), while one of 2026-09-01 is judged by the new
-- set (not before 2026-11-15).
INSERT INTO penalty (uscc, decision_number, decision_date, severity, publicity_end_date, field, sanctions, reported_by)
VALUES (pg_temp.uscc(12, '411622'), 'p12', '2026-05-15', 'general', '2027-05-15', 'other', '{fine}', '西华县市场监督管理局')
RETURNING id AS p12 \gset
INSERT INTO credit_commitment (uscc, kind, signed_date, published_date, reported_by)
VALUES (pg_temp.uscc(12, '411622'), 'repair', '2026-06-01', '2026-06-02', '西华县市场监督管理局');
SELECT pg_temp.elig('penalty', :p12, d) FROM unnest('{2026-08-14,2026-08-31,2026-09-01}'::date[]) d ORDER BY d;
INSERT INTO repair_rule_set (regime, name, basis, effective_from, penalty_min_minor, penalty_min_general,
                             penalty_min_serious, penalty_min_key_field, unrepairable_sanctions,
                             abnormal_min_listing, serious_min_listing, serious_max_term, commitment_required)
SELECT 'henan_2026', '河南省信用修复实施细则（测试）', 'a provincial reading of NDRC order 36 (test): general penalties 6 months',
       '2026-09-01', penalty_min_minor, '6 months', penalty_min_serious, penalty_min_key_field, unrepairable_sanctions,
       abnormal_min_listing, serious_min_listing, serious_max_term, commitment_required
  FROM repair_rule_set WHERE regime = 'ndrc_2026';
SELECT d, (SELECT regime FROM repair_rule_set_on(d)) AS regime
  FROM unnest('{2026-08-31,2026-09-01}'::date[]) d ORDER BY d;
SELECT pg_temp.elig('penalty', :p12, d) FROM unnest('{2026-08-14,2026-08-31,2026-09-01,2026-11-14,2026-11-15}'::date[]) d ORDER BY d;

DROP TABLE public.cls_points;
SET client_min_messages = warning;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
