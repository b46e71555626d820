-- Art. 9 (第九条): the score bands, applied by the monthly run to hand-built
-- enterprises with hand-chosen scores (a model whose one indicator reads them).
-- A fresh extension, so that this file neither sees nor leaves other files' data.
\i sql/include/classification_setup.psql

-- Art. 9: score 0-1000, A [0,200) B [200,500) C [500,750) D [750,1000].
-- Hand-chosen scores at every boundary, classified by the monthly run.
SELECT pg_temp.ent(1, '边界企业 0'), pg_temp.ent(2, '边界企业 190'), pg_temp.ent(3, '边界企业 200'),
       pg_temp.ent(4, '边界企业 490'), pg_temp.ent(5, '边界企业 500'), pg_temp.ent(6, '边界企业 740'),
       pg_temp.ent(7, '边界企业 750'), pg_temp.ent(8, '边界企业 1000'), pg_temp.ent(9, '无数据企业') \gset
SELECT pg_temp.pts(n, '2025-12-31', p)
  FROM (VALUES (1, 0), (2, 19.5), (3, 20), (4, 49.9), (5, 50), (6, 74), (7, 75), (8, 100)) v(n, p);
-- Not in the population on the date: established later, cancelled before.
SELECT pg_temp.ent(10, '新设企业', established => '2026-01-05');
SELECT pg_temp.ent(11, '已注销企业');
UPDATE enterprise SET status = 'cancelled', status_date = '2025-10-01' WHERE name = '已注销企业';

-- The active model on a date (model_activation): the shipped reference model,
-- then the test model from 2000-01-01.
SELECT effective_from, model_key, shipped FROM model_activation ORDER BY effective_from;
SELECT active_model('1999-12-31') AS before_2000, active_model('2025-12-31') AS in_2025;

-- The run reports its progress (stage, rows; DETAIL: timings) and returns its summary.
SET client_min_messages = notice;
\set VERBOSITY terse
SELECT as_of, model_key, version, enterprises, score_classes, final_classes, overridden
  FROM refresh_classification('2025-12-31');
\set VERBOSITY default
SET client_min_messages = warning;
SELECT e.name, c.score, c.score_class, c.final_class, classify(c.score) = c.score_class AS bands_agree,
       class_label(c.final_class), c.overrides, c.reasons
  FROM classification_current c JOIN enterprise e USING (uscc)
 ORDER BY c.score, e.uscc;
-- The history holds the same, with the model and its revision.
SELECT r.as_of, r.model_key, r.model_revision = m.revision AS revision_recorded, r.run_by = current_user AS run_by_recorded,
       r.finished_at >= r.started_at AS timed, r.stages ? 'score' AS staged
  FROM classification_run r JOIN model m USING (model_key);
SELECT count(*), count(DISTINCT uscc), min(division_code), max(division_code) FROM classification_result WHERE as_of = '2025-12-31';

-- An explicit model, instead of the active one.
SELECT model_key, enterprises, final_classes FROM refresh_classification('2025-12-31', 'cls-test');

-- What the run refuses.
SELECT refresh_classification('2999-12-31'); \echo :LAST_ERROR_SQLSTATE
SELECT refresh_classification(NULL); \echo :LAST_ERROR_SQLSTATE
SELECT refresh_classification('2025-12-31', 'no-such-model'); \echo :LAST_ERROR_SQLSTATE
SELECT model_copy('cls-test', 'cls-draft');
SELECT refresh_classification('2025-12-31', 'cls-draft'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO model_activation (effective_from, model_key) VALUES ('2024-01-01', 'cls-draft'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO model_activation (effective_from, model_key) VALUES ('2024-01-01', 'no-such-model'); \echo :LAST_ERROR_SQLSTATE
UPDATE model_activation SET model_key = 'cls-test' WHERE shipped; \echo :LAST_ERROR_SQLSTATE
INSERT INTO model_activation (effective_from, model_key, shipped) VALUES ('2024-01-01', 'cls-test', true); \echo :LAST_ERROR_SQLSTATE
DELETE FROM model_activation WHERE shipped; \echo :LAST_ERROR_SQLSTATE
-- An old date is classified with the model active then (here nobody was in the population).
SELECT as_of, model_key, enterprises FROM refresh_classification('1999-12-31');
SELECT as_of, version, enterprises FROM classification_run ORDER BY as_of, version;

-- Leave a fresh extension behind.
DROP TABLE public.cls_points;
SET client_min_messages = warning;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
