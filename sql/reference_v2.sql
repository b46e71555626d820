-- The calibrated reference model reference-v2 (issue 15, doc/calibration.md)
-- and the outcome rule of model_performance() for enterprises that leave the
-- population.  In a database of its own, filled by sample/generate.sql (3000
-- enterprises, the size test/shell/analyst_questions.sh uses); the run is
-- 2025-10-31, its outcomes the year after it (all in the sample).
SELECT current_database() AS regress_db \gset
SET client_min_messages = warning;
DROP DATABASE IF EXISTS creditrisk_reference_v2;
CREATE DATABASE creditrisk_reference_v2 TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C';
\c creditrisk_reference_v2
SET client_min_messages = warning;
CREATE EXTENSION creditrisk;
\! psql -X -q -v ON_ERROR_STOP=1 -d creditrisk_reference_v2 -v n=3000 -v as_of=2026-10-31 -f sample/generate.sql > /dev/null 2>&1 && echo generated
SET search_path = creditrisk, public;
SET datestyle = 'ISO, YMD';

-- Both reference models ship published and sealed; reference-v1 is the one
-- 1.6 shipped (its digest unchanged), reference-v2 scores the same indicators
-- with other weights and points, and the same floors.
SELECT model_key, status, seal IS NOT NULL AS sealed, seal = model_content_seal(model_key) AS seal_holds
  FROM model ORDER BY model_key;
SELECT model_content_digest('reference-v1') AS reference_v1_digest;
SELECT (SELECT array_agg(code ORDER BY code) FROM model_indicators('reference-v1'))
       = (SELECT array_agg(code ORDER BY code) FROM model_indicators('reference-v2')) AS same_indicators,
       (SELECT array_agg(code || ' ' || floor ORDER BY code) FROM model_floor WHERE model_key = 'reference-v1')
       = (SELECT array_agg(code || ' ' || floor ORDER BY code) FROM model_floor WHERE model_key = 'reference-v2') AS same_floors;
SELECT d.code, d.weight FROM model_dimension d WHERE d.model_key = 'reference-v2' ORDER BY d.position;
-- the monthly run's default stays reference-v1 (a bureau activates
-- reference-v2 from a date of its choosing, model_activation)
SELECT effective_from, model_key, shipped FROM model_activation ORDER BY effective_from;
-- a shipped model cannot be changed
\set VERBOSITY terse
UPDATE model_dimension SET weight = weight WHERE model_key = 'reference-v2' AND code = 'D1';
\set VERBOSITY default

-- The run of 2025-10-31 with each model: the classes by score alone and final.
SELECT count(*) > 0 AS ran FROM refresh_classification('2025-10-31', 'reference-v1') x;
SELECT count(*) > 0 AS ran FROM refresh_classification('2025-10-31', 'reference-v2') x;
SELECT run.model_key, k.cls AS class,
       round(100.0 * count(*) FILTER (WHERE r.score_class = k.cls) / (SELECT count(*) FROM classification_result z WHERE z.as_of = run.as_of AND z.version = run.version), 1) AS score_pct,
       round(100.0 * count(*) FILTER (WHERE r.final_class = k.cls) / (SELECT count(*) FROM classification_result z WHERE z.as_of = run.as_of AND z.version = run.version), 1) AS final_pct
  FROM classification_run run
  JOIN classification_result r ON r.as_of = run.as_of AND r.version = run.version
 CROSS JOIN unnest('{A,B,C,D}'::riskclass[]) k(cls)
 WHERE run.as_of = '2025-10-31'
 GROUP BY run.model_key, run.as_of, run.version, k.cls ORDER BY 1, 2;
-- reference-v2's classes C and D by score alone, without floors: the
-- weighted score reaches both bands
SELECT count(*) FILTER (WHERE reasons IS NULL OR NOT reasons && (SELECT array_agg(code) FROM model_floor WHERE model_key = 'reference-v2')) AS c_or_d_without_floor
  FROM classification_result WHERE as_of = '2025-10-31' AND version = 2 AND score_class >= 'C';

-- How well each predicted the year after it: the adverse rate rises
-- A < B < C < D with reference-v2.
SELECT measure, class, enterprises, adverse, round(value::numeric, 3) AS value
  FROM model_performance('reference-v2', '2025-10-31', '1 year')
 ORDER BY measure, class NULLS LAST;
SELECT bool_and(r.value > r.prev) AS rises_a_b_c_d
  FROM (SELECT value, lag(value) OVER (ORDER BY class) AS prev
          FROM model_performance('reference-v2', '2025-10-31', '1 year')
         WHERE measure = 'adverse_rate' AND class IS NOT NULL) r
 WHERE r.prev IS NOT NULL;

-- The outcome rule, against its plain-SQL derivation.  Out of business on
-- the run date (revoked or cancelled then): left out; revoked within the
-- year: adverse; cancelled within the year with no adverse outcome: left out.
CREATE TEMP TABLE fate AS
SELECT r.uscc, r.final_class,
       EXISTS (SELECT 1 FROM enterprise e WHERE e.uscc = r.uscc AND e.status <> 'in_business' AND e.status_date <= '2025-10-31')
       OR EXISTS (SELECT 1 FROM enterprise_history e WHERE e.uscc = r.uscc AND e.status <> 'in_business' AND e.status_date <= '2025-10-31') AS exited,
       EXISTS (SELECT 1 FROM enterprise e WHERE e.uscc = r.uscc AND e.status = 'revoked' AND e.status_date > '2025-10-31' AND e.status_date <= '2026-10-31')
       OR EXISTS (SELECT 1 FROM enterprise_history e WHERE e.uscc = r.uscc AND e.status = 'revoked' AND e.status_date > '2025-10-31' AND e.status_date <= '2026-10-31') AS revoked,
       EXISTS (SELECT 1 FROM enterprise e WHERE e.uscc = r.uscc AND e.status = 'cancelled' AND e.status_date > '2025-10-31' AND e.status_date <= '2026-10-31') AS cancelled,
       EXISTS (SELECT 1 FROM penalty p WHERE p.uscc = r.uscc AND p.decision_date > '2025-10-31' AND p.decision_date <= '2026-10-31')
       OR EXISTS (SELECT 1 FROM abnormal_listing l WHERE l.uscc = r.uscc AND l.listed_date > '2025-10-31' AND l.listed_date <= '2026-10-31')
       OR EXISTS (SELECT 1 FROM serious_dishonesty_listing l WHERE l.uscc = r.uscc AND l.listed_date > '2025-10-31' AND l.listed_date <= '2026-10-31')
       OR EXISTS (SELECT 1 FROM judgment_debtor_listing l WHERE l.uscc = r.uscc AND l.listed_date > '2025-10-31' AND l.listed_date <= '2026-10-31')
       OR EXISTS (SELECT 1 FROM spot_check s WHERE s.uscc = r.uscc AND s.check_date > '2025-10-31' AND s.check_date <= '2026-10-31'
                                               AND (s.outcome <> 'pass' OR s.refused)) AS recorded
  FROM classification_result r WHERE r.as_of = '2025-10-31' AND r.version = 2;
SELECT count(*) FILTER (WHERE exited) AS exited,
       count(*) FILTER (WHERE NOT exited AND revoked) AS revoked_in_year,
       count(*) FILTER (WHERE NOT exited AND revoked AND NOT recorded) AS revoked_no_other_outcome,
       count(*) FILTER (WHERE NOT exited AND cancelled AND NOT (recorded OR revoked)) AS censored,
       count(*) FILTER (WHERE NOT exited AND NOT (cancelled AND NOT (recorded OR revoked))) AS measured,
       count(*) FILTER (WHERE NOT exited AND NOT (cancelled AND NOT (recorded OR revoked)) AND (recorded OR revoked)) AS adverse
  FROM fate;
SELECT k.cls AS class,
       (SELECT enterprises FROM model_performance('reference-v2', '2025-10-31', '1 year') p WHERE p.measure = 'excluded_exited' AND p.class = k.cls)
       = count(f.uscc) FILTER (WHERE f.exited) AS exited_agrees,
       (SELECT enterprises FROM model_performance('reference-v2', '2025-10-31', '1 year') p WHERE p.measure = 'excluded_censored' AND p.class = k.cls)
       = count(f.uscc) FILTER (WHERE NOT f.exited AND f.cancelled AND NOT (f.recorded OR f.revoked)) AS censored_agrees,
       (SELECT enterprises || ' ' || adverse FROM model_performance('reference-v2', '2025-10-31', '1 year') p WHERE p.measure = 'adverse_rate' AND p.class = k.cls)
       = count(f.uscc) FILTER (WHERE NOT f.exited AND NOT (f.cancelled AND NOT (f.recorded OR f.revoked)))
         || ' ' || count(f.uscc) FILTER (WHERE NOT f.exited AND NOT (f.cancelled AND NOT (f.recorded OR f.revoked)) AND (f.recorded OR f.revoked)) AS rate_agrees
  FROM unnest('{A,B,C,D}'::riskclass[]) k(cls) LEFT JOIN fate f ON f.final_class = k.cls
 GROUP BY k.cls ORDER BY k.cls;

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE creditrisk_reference_v2;
