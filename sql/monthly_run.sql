-- The monthly run (月度分类): refresh twice is idempotent, history reproduces an
-- old month, the active model by date, the current views read the latest run.
-- A fresh extension, so that this file neither sees nor leaves other files' data.
\i sql/include/classification_setup.psql

-- Enterprises of two counties; a listing that starts in September.
SELECT pg_temp.ent(n, format('企业 %s', n), CASE WHEN n <= 6 THEN '411622' ELSE '411621' END)
  FROM generate_series(1, 10) n \gset
SELECT pg_temp.pts(n, d, p)
  FROM (VALUES (1, 10), (2, 25), (3, 55), (4, 80), (5, 15), (6, 45)) v(n, p),
       unnest('{2025-06-30,2025-12-31}'::date[]) d;
SELECT pg_temp.pts(n, '2025-06-30', p, '411621') FROM (VALUES (7, 5), (8, 35), (9, 60), (10, 20)) v(n, p);
SELECT pg_temp.pts(n, '2025-12-31', p, '411621') FROM (VALUES (7, 30), (8, 35), (9, 90), (10, 20)) v(n, p);
INSERT INTO judgment_debtor_listing (uscc, listed_date, reported_by) VALUES (pg_temp.uscc(5, '411622'), '2025-09-10', '西华县人民法院');

-- A second model from October: the copy scores a missing value 300, not 0.
SELECT model_copy('cls-test', 'cls-test-2', 'missing scores 300');
UPDATE model_indicator SET missing_points = 30 WHERE model_key = 'cls-test-2';
SELECT model_publish('cls-test-2');
INSERT INTO model_activation (effective_from, model_key, note) VALUES ('2025-10-01', 'cls-test-2', 'switch in October');
SELECT d, active_model(d) FROM unnest('{2025-06-30,2025-12-31}'::date[]) d;

-- The June run, then the December run (the latest), with progress reported.
SELECT as_of, model_key, enterprises, final_classes, overridden FROM refresh_classification('2025-06-30');
SET client_min_messages = notice;
\set VERBOSITY terse
SELECT as_of, model_key, enterprises, final_classes, overridden FROM refresh_classification('2025-12-31');
\set VERBOSITY default
SET client_min_messages = warning;
CREATE TEMP TABLE june AS SELECT * FROM classification_result WHERE as_of = '2025-06-30';
CREATE TEMP TABLE december AS SELECT * FROM classification_current;

-- Refreshing the same date again adds a version of it; the earlier versions
-- stay readable, the current view shows the latest.
SELECT as_of, version, enterprises FROM refresh_classification('2025-12-31');
SELECT as_of, version, enterprises FROM refresh_classification('2025-12-31');
SELECT as_of, model_key, version, enterprises,
       (SELECT count(*) FROM classification_result r WHERE r.as_of = run.as_of AND r.version = run.version) AS results
  FROM classification_run run ORDER BY as_of, version;
SELECT count(*) AS rows, count(DISTINCT uscc) AS enterprises FROM classification_current;
-- ... and gives the same classification.
SELECT count(*) AS differences FROM (SELECT * FROM december EXCEPT SELECT * FROM classification_current) x;

-- History reproduces an old month: re-running June uses June's model and
-- June's records (the September listing does not count), gives June's result
-- again, and leaves the current classification at December.
SELECT as_of, model_key, version, final_classes FROM refresh_classification('2025-06-30');
SELECT count(*) AS differences
  FROM (SELECT uscc, score, score_class, final_class, overrides, reasons FROM june
        EXCEPT SELECT uscc, score, score_class, final_class, overrides, reasons FROM classification_result
                WHERE as_of = '2025-06-30' AND version = 2) x;
SELECT count(*) AS differences FROM (SELECT * FROM december EXCEPT SELECT * FROM classification_current) x;
SELECT e.name, j.score AS june_score, j.final_class AS june, d.score AS december_score, d.final_class AS december, d.overrides
  FROM enterprise e JOIN june j USING (uscc) JOIN classification_current d USING (uscc) ORDER BY e.uscc;

-- The monthly run is one transaction: a run that fails leaves the history and
-- the views as they were.
INSERT INTO override_rule (code, name, rule_sql) VALUES ('fails_in_2025', '运行出错',
    $$SELECT uscc, 'C' AS class FROM creditrisk.enterprise WHERE 1 / (extract(year FROM $1)::int - 2025) = 0$$);
SELECT refresh_classification('2025-12-31'); \echo :LAST_ERROR_SQLSTATE
DELETE FROM override_rule WHERE code = 'fails_in_2025';
SELECT as_of, version FROM classification_run ORDER BY as_of, version;
SELECT count(*) AS differences FROM (SELECT * FROM december EXCEPT SELECT * FROM classification_current) x;

-- A finished run cannot be deleted: the history is append-only (doc/AUDIT.md).
DELETE FROM classification_run WHERE as_of = '2025-06-30'; \echo :LAST_ERROR_SQLSTATE
SELECT as_of, version, count(*) FROM classification_result GROUP BY as_of, version ORDER BY as_of, version;

-- The current views read the latest run from the history (no materialized
-- view, nothing to refresh): one row per enterprise, the same rows as the
-- latest version of the latest date, and no copy left in the catalog.
SELECT (SELECT count(*) FROM classification_current) AS current_rows,
       (SELECT count(DISTINCT uscc) FROM classification_current) AS enterprises,
       (SELECT count(*) FROM (SELECT uscc, score, score_class, final_class, overrides, reasons FROM classification_current
                              EXCEPT
                              SELECT r.uscc, r.score, r.score_class, r.final_class, r.overrides, r.reasons
                                FROM classification_result r, current_classification() k
                               WHERE r.as_of = k.as_of AND r.version = k.version) x) AS differences,
       (SELECT count(*) FROM classification_result r, current_classification() k
         WHERE r.as_of = k.as_of AND r.version = k.version) AS latest_run_rows,
       (SELECT count(*) FROM pg_class WHERE relkind = 'm' AND relnamespace = 'creditrisk'::regnamespace) AS materialized_views;
-- The defaults: today, with the model active today.
SELECT (r).as_of = current_date AS today, (r).model_key = active_model() AS active_model
  FROM (SELECT refresh_classification() AS r) x;
-- pg_dump keeps the history and user configuration, not the shipped rows.
SELECT c.relname, x.cond
  FROM pg_extension e, unnest(e.extconfig, e.extcondition) x(reloid, cond) JOIN pg_class c ON c.oid = x.reloid
 WHERE e.extname = 'creditrisk'
   AND c.relname IN ('model_activation', 'override_rule', 'high_concern_industry', 'fusion_rule', 'fusion_matrix',
                     'supervision_measure', 'classification_run', 'classification_result', 'classification_domain_result')
 ORDER BY 1;

-- Leave a fresh extension behind.
DROP TABLE public.cls_points;
SET client_min_messages = warning;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
