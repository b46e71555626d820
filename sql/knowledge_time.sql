-- Knowledge time (issue 11 §4): every record, register version and
-- configuration row carries when it became known (recorded_at); the register
-- keeps its history with valid time; a run of date D with knowledge time T
-- uses what was valid on D and known by T; a re-run with the first run's T
-- reproduces it row for row and adds a version, the earlier one stays.
\i sql/include/classification_setup.psql
SET datestyle = 'ISO, YMD';

-- Four enterprises of 西华县 in retail; the reference model classifies.
SELECT count(pg_temp.ent(n, format('企业 %s', n), '411622', 'F5211')) AS enterprises FROM generate_series(1, 4) n;
DELETE FROM model_activation WHERE NOT shipped;
INSERT INTO judgment_debtor_listing (uscc, listed_date, reported_by) VALUES (pg_temp.uscc(3, '411622'), '2025-03-01', '西华县人民法院');
INSERT INTO spot_check (uscc, check_date, outcome, reported_by) VALUES (pg_temp.uscc(3, '411622'), '2025-04-01', 'problems_found', 'test');
INSERT INTO domain_risk_class (uscc, domain, class, assessed_date, reported_by) VALUES (pg_temp.uscc(2, '411622'), 'food', 'B', '2025-01-10', 'test');

-- recorded_at is set by the database: present, the same for one transaction,
-- and never given by a writer other than the owner.
SELECT count(*) AS rows, count(recorded_at) AS stamped, count(DISTINCT recorded_at) AS stamps FROM enterprise;
CREATE ROLE kt_loader;
GRANT USAGE ON SCHEMA creditrisk TO kt_loader;
GRANT SELECT, INSERT, UPDATE ON penalty, enterprise TO kt_loader;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA creditrisk TO kt_loader;
-- (row-level security is forced on the register and the records: this
-- loader may see every row)
CREATE POLICY kt_loader_all ON enterprise TO kt_loader USING (true) WITH CHECK (true);
CREATE POLICY kt_loader_all ON penalty TO kt_loader USING (true) WITH CHECK (true);
SET ROLE kt_loader;
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by, recorded_at)
VALUES (pg_temp.uscc(1, '411622'), 'backdated', '2025-05-10', 'serious', 'test', '2025-05-10'); \echo :LAST_ERROR_SQLSTATE
UPDATE enterprise SET recorded_at = '2025-01-01' WHERE uscc = pg_temp.uscc(1, '411622'); \echo :LAST_ERROR_SQLSTATE
-- ... nor can it write or read the history.
INSERT INTO penalty_history SELECT *, now() FROM penalty; \echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- The owner (restoring, importing history) may give a value of its own, not infinity.
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by, recorded_at)
VALUES (pg_temp.uscc(4, '411622'), 'future', '2025-05-10', 'minor', 'test', 'infinity'); \echo :LAST_ERROR_SQLSTATE

-- The June run, with what is known now: version 1, its knowledge time kept.
SELECT as_of, version, model_key, enterprises, final_classes, overrides FROM refresh_classification('2025-06-30');
SELECT known_at AS t1 FROM classification_run WHERE as_of = '2025-06-30' AND version = 1 \gset
CREATE TEMP TABLE v1 AS SELECT * FROM classification_result WHERE as_of = '2025-06-30' AND version = 1;
CREATE TEMP TABLE v1_domain AS SELECT * FROM classification_domain_result WHERE as_of = '2025-06-30' AND version = 1;
CREATE TEMP TABLE ind_t1 AS SELECT * FROM compute_indicators('reference-v1', '2025-06-30');

-- Later, records arrive about the first half of the year, the register and
-- the configuration change:
--   1: a serious penalty of May; moved to 411621 from 1 November;
INSERT INTO penalty (uscc, decision_number, decision_date, severity, fine_amount, reported_by)
VALUES (pg_temp.uscc(1, '411622'), '西市监罚〔2025〕7号', '2025-05-10', 'serious', 20, 'test');
UPDATE enterprise SET division_code = '411621', valid_from = '2025-11-01' WHERE uscc = pg_temp.uscc(1, '411622');
--   2: listed as seriously dishonest on 1 June; a food assessment of May;
INSERT INTO serious_dishonesty_listing (uscc, listed_date, reported_by) VALUES (pg_temp.uscc(2, '411622'), '2025-06-01', 'test');
INSERT INTO domain_risk_class (uscc, domain, class, assessed_date, reported_by) VALUES (pg_temp.uscc(2, '411622'), 'food', 'D', '2025-05-20', 'test');
--   3: the court's removal of 15 June arrives late; an erroneous spot check is deleted;
UPDATE judgment_debtor_listing SET removed_date = '2025-06-15' WHERE uscc = pg_temp.uscc(3, '411622');
DELETE FROM spot_check WHERE uscc = pg_temp.uscc(3, '411622');
--   4: its industry is corrected (no valid_from: a correction of the entry), and
--      fireworks become a high-concern industry from January (entered now);
UPDATE enterprise SET industry_code = 'C2672' WHERE uscc = pg_temp.uscc(4, '411622');
INSERT INTO high_concern_industry (industry_prefix, effective_from, class, name) VALUES ('C2672', '2025-01-01', 'D', '焰火、鞭炮产品制造');
--   and a bureau rule and a fusion matrix are entered, backdated to always.
INSERT INTO override_rule (code, name, rule_sql) VALUES ('everyone_b', '全部至少B',
    $$SELECT e.uscc, 'B' AS class FROM creditrisk.register_at($1, $2) e$$);
BEGIN;
INSERT INTO fusion_rule (domain, method) VALUES ('food', 'matrix');
INSERT INTO fusion_matrix (domain, general_class, professional_class, fused_class)
SELECT 'food', g, p, 'D' FROM unnest('{A,B,C,D}'::riskclass[]) g, unnest('{A,B,C,D}'::riskclass[]) p;
COMMIT;
INSERT INTO model_activation (effective_from, model_key, note) VALUES ('2025-01-01', 'cls-test', 'entered later');
SELECT active_model('2025-06-30') AS now, active_model('2025-06-30', :'t1') AS at_t1;

-- The register keeps its versions: 1 is in 411622 in June and in 411621 in
-- December; as known at T1, 4 is still in retail.
SELECT e.name, d, r.division_code, r.industry_code
  FROM enterprise e, unnest('{2025-06-30,2025-12-31}'::date[]) d, register_at(d) r
 WHERE r.uscc = e.uscc AND e.name IN ('企业 1', '企业 4') ORDER BY 1, 2;
SELECT e.name, r.industry_code FROM enterprise e JOIN register_at('2025-06-30', :'t1') r USING (uscc) WHERE e.name = '企业 4';
SELECT e.name, h.division_code, h.industry_code, h.valid_from, h.valid_to, h.superseded_at IS NOT NULL AS superseded
  FROM enterprise_history h JOIN enterprise e USING (uscc) ORDER BY 1, h.valid_to NULLS FIRST, superseded;
-- ... and the records theirs.
SELECT removed_date FROM judgment_debtor_listing_history;
SELECT count(*) AS deleted_spot_checks FROM spot_check_history;

-- The C engine and the SQL definitions agree as known at T1 and now, and
-- at T1 they give the first run's values.
CREATE FUNCTION pg_temp.run_sql(q text, d date, t timestamptz) RETURNS TABLE (uscc creditrisk.uscc, indicators float8[])
LANGUAGE plpgsql AS $$ BEGIN RETURN QUERY EXECUTE q USING d, t; END $$;
SELECT t IS NULL AS now,
       (SELECT count(*) FROM ((SELECT * FROM compute_indicators('reference-v1', '2025-06-30', t)
                               EXCEPT ALL SELECT * FROM pg_temp.run_sql(indicators_to_sql('reference-v1'), '2025-06-30', t))
                              UNION ALL
                              (SELECT * FROM pg_temp.run_sql(indicators_to_sql('reference-v1'), '2025-06-30', t)
                               EXCEPT ALL SELECT * FROM compute_indicators('reference-v1', '2025-06-30', t))) x) AS c_sql_differences
  FROM (VALUES (:'t1'::timestamptz), (NULL)) v(t) ORDER BY 1;
-- ... and so does the set-based query (indicators_set_sql(), 1.5).
SELECT t IS NULL AS now,
       (SELECT count(*) FROM ((SELECT * FROM compute_indicators('reference-v1', '2025-06-30', t)
                               EXCEPT ALL SELECT * FROM pg_temp.run_sql(indicators_set_sql('reference-v1'), '2025-06-30', t))
                              UNION ALL
                              (SELECT * FROM pg_temp.run_sql(indicators_set_sql('reference-v1'), '2025-06-30', t)
                               EXCEPT ALL SELECT * FROM compute_indicators('reference-v1', '2025-06-30', t))) x) AS c_set_differences
  FROM (VALUES (:'t1'::timestamptz), (NULL)) v(t) ORDER BY 1;
SELECT count(*) AS differences_from_the_first_run
  FROM ((SELECT * FROM ind_t1 EXCEPT ALL SELECT * FROM compute_indicators('reference-v1', '2025-06-30', :'t1'))
        UNION ALL (SELECT * FROM compute_indicators('reference-v1', '2025-06-30', :'t1') EXCEPT ALL SELECT * FROM ind_t1)) x;

-- Re-running June with T1 reproduces version 1 row for row, as version 2.
SELECT as_of, version, model_key, enterprises, final_classes, overrides FROM refresh_classification('2025-06-30', NULL, :'t1');
SELECT known_at = :'t1' AS same_knowledge_time FROM classification_run WHERE as_of = '2025-06-30' AND version = 2;
SELECT count(*) AS differences
  FROM ((SELECT uscc, division_code, score, score_class, final_class, overrides, override_details, reasons FROM v1
         EXCEPT SELECT uscc, division_code, score, score_class, final_class, overrides, override_details, reasons
                  FROM classification_result WHERE as_of = '2025-06-30' AND version = 2)
        UNION ALL
        (SELECT uscc, division_code, score, score_class, final_class, overrides, override_details, reasons
           FROM classification_result WHERE as_of = '2025-06-30' AND version = 2
         EXCEPT SELECT uscc, division_code, score, score_class, final_class, overrides, override_details, reasons FROM v1)) x;
SELECT count(*) AS domain_differences
  FROM ((SELECT uscc, domain, general_class, professional_class, assessed_date, method, fused_class FROM v1_domain
         EXCEPT SELECT uscc, domain, general_class, professional_class, assessed_date, method, fused_class
                  FROM classification_domain_result WHERE as_of = '2025-06-30' AND version = 2)
        UNION ALL
        (SELECT uscc, domain, general_class, professional_class, assessed_date, method, fused_class
           FROM classification_domain_result WHERE as_of = '2025-06-30' AND version = 2
         EXCEPT SELECT uscc, domain, general_class, professional_class, assessed_date, method, fused_class FROM v1_domain)) x;

-- Re-running with what is known now takes everything into account (version 3):
-- 1 keeps its June division, 2 is D, 3 is no longer a debtor on 30 June,
-- 4 is in a high-concern industry; everyone at least B; food fused by matrix.
SELECT as_of, version, model_key, enterprises, final_classes, overrides FROM refresh_classification('2025-06-30', 'reference-v1');
SELECT e.name, r.version, r.division_code, round(r.score::numeric, 2) AS score, r.score_class, r.final_class, r.overrides
  FROM classification_result r JOIN enterprise e USING (uscc)
 WHERE r.as_of = '2025-06-30' ORDER BY r.version, r.uscc;
SELECT e.name, r.version, r.general_class, r.professional_class, r.assessed_date, r.method, r.fused_class
  FROM classification_domain_result r JOIN enterprise e USING (uscc) WHERE r.as_of = '2025-06-30' ORDER BY r.version, r.uscc, r.domain;
-- Every version stays; the current view shows the latest.
SELECT as_of, version, model_key, enterprises FROM classification_run ORDER BY as_of, version;
SELECT count(*) AS differences
  FROM (SELECT uscc, final_class FROM classification_current
        EXCEPT SELECT uscc, final_class FROM classification_result WHERE as_of = '2025-06-30' AND version = 3) x;
-- Comparisons use the latest version of each date.
SELECT as_of, version FROM refresh_classification('2025-03-31', 'reference-v1');
SELECT from_date, to_date, from_version, to_version FROM run_pair(NULL, NULL);
SELECT count(*) AS worsened FROM classification_worsened;

-- Fusion rules have effective dates: from July food is fused by the riskier
-- class again; June keeps its matrix.
INSERT INTO fusion_rule (domain, method, effective_from) VALUES ('food', 'riskier', '2025-07-01');
SELECT as_of, version FROM refresh_classification('2025-09-30', 'reference-v1');
SELECT r.as_of, r.version, r.general_class, r.professional_class, r.method, r.fused_class
  FROM classification_domain_result r WHERE (r.as_of, r.version) IN (('2025-06-30', 3), ('2025-09-30', 1)) ORDER BY 1;

-- A run needs READ COMMITTED, and a knowledge time not in the future.
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT refresh_classification('2025-06-30'); \echo :LAST_ERROR_SQLSTATE
ROLLBACK;
\set VERBOSITY terse
SELECT refresh_classification('2025-06-30', NULL, now() + interval '1 day'); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT refresh_classification('2025-06-30', NULL, '-infinity'); \echo :LAST_ERROR_SQLSTATE

-- The USCC of an enterprise does not change.
UPDATE enterprise SET uscc = pg_temp.uscc(9, '411622') WHERE name = '企业 4'; \echo :LAST_ERROR_SQLSTATE

DROP OWNED BY kt_loader;
DROP ROLE kt_loader;
-- Leave a fresh extension behind.
DROP TABLE public.cls_points;
SET client_min_messages = warning;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
