-- Art. 9 (第九条): the score bands, applied by the monthly run to hand-built
-- enterprises with hand-chosen scores (a model whose one indicator reads them).
-- A fresh extension, so that this file neither sees nor leaves other files' data.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
SET search_path = creditrisk, public;
\set SHOW_CONTEXT never
SET datestyle = 'ISO, YMD';
-- Hand-chosen scores: a published one-indicator model whose indicator reads
-- them from a table (value v scores 10 * floor(v), 0-1000; none = 0).
CREATE TABLE public.cls_points (uscc creditrisk.uscc, as_of date, points float8, PRIMARY KEY (uscc, as_of));
SELECT model_import(jsonb_build_object('format', 'creditrisk-model/1', 'key', 'cls-test', 'status', 'published',
    'description', 'hand-chosen scores (tests)',
    'dimensions', jsonb_build_array(jsonb_build_object('code', 'T', 'name', '测试', 'weight', 1,
      'groups', jsonb_build_array(jsonb_build_object('code', 'TG', 'name', '测试', 'weight', 1,
        'indicators', jsonb_build_array(jsonb_build_object('code', 'cls_points', 'name', '给定分数', 'unit', 'score/10',
          'weight', 1, 'definition', 'the score chosen by the test, divided by 10', 'source', 'public.cls_points',
          'rule', jsonb_build_object('kind', 'bins', 'missing', 0,
            'bins', (SELECT jsonb_agg(jsonb_build_object('lower', CASE WHEN k > 0 THEN k END,
                                                         'upper', CASE WHEN k < 100 THEN k + 1 END, 'points', k) ORDER BY k)
                       FROM generate_series(0, 100) k))))))))));
UPDATE indicator SET definition_sql = '(SELECT p.points FROM public.cls_points p WHERE p.uscc = e.uscc AND p.as_of = $1)'
 WHERE code = 'cls_points';
INSERT INTO model_activation (effective_from, model_key, note) VALUES ('2000-01-01', 'cls-test', 'tests');
-- Enterprises: USCC from a 17-character body, with its check character.
CREATE FUNCTION pg_temp.uscc(n integer, division text) RETURNS creditrisk.uscc LANGUAGE sql AS $$
    SELECT (b || c)::creditrisk.uscc
      FROM (SELECT '91' || division || 'MA' || lpad(n::text, 7, '0') AS b) x,
           unnest(string_to_array('0123456789ABCDEFGHJKLMNPQRTUWXY', NULL)) c
     WHERE creditrisk.uscc_is_valid(b || c) LIMIT 1 $$;
CREATE FUNCTION pg_temp.ent(n integer, name text, division text DEFAULT '411622', industry text DEFAULT 'I6510',
                            established date DEFAULT '2015-01-01') RETURNS creditrisk.uscc LANGUAGE sql AS $$
    INSERT INTO creditrisk.enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
    VALUES (pg_temp.uscc(n, division), name, division, industry, 3, established, 'test') RETURNING uscc $$;
CREATE FUNCTION pg_temp.pts(n integer, as_of date, points float8, division text DEFAULT '411622') RETURNS void LANGUAGE sql AS $$
    INSERT INTO public.cls_points VALUES (pg_temp.uscc(n, division), as_of, points)
    ON CONFLICT (uscc, as_of) DO UPDATE SET points = excluded.points $$;
-- Progress NOTICEs carry timings: shown only where the test asks for them, tersely.
SET client_min_messages = warning;

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
SELECT as_of, model_key, attempt, enterprises, score_classes, final_classes, overridden
  FROM refresh_classification('2025-12-31');
\set VERBOSITY default
SET client_min_messages = warning;
SELECT e.name, c.score, c.score_class, c.final_class, classify(c.score) = c.score_class AS bands_agree,
       class_label(c.final_class), c.overrides, c.reasons
  FROM classification_current c JOIN enterprise e USING (uscc)
 ORDER BY c.score, e.name;
-- The history holds the same, with the model and its revision.
SELECT r.as_of, r.model_key, r.model_revision = m.revision AS revision_recorded, r.run_by = current_user AS run_by_recorded,
       r.finished_at >= r.started_at AS timed, r.stages ? 'score' AS staged
  FROM classification_run r JOIN model m USING (model_key);
SELECT count(*), count(DISTINCT uscc), min(division_code), max(division_code) FROM classification_result WHERE as_of = '2025-12-31';

-- An explicit model, instead of the active one.
SELECT model_key, enterprises, final_classes FROM refresh_classification('2025-12-31', 'cls-test');

-- What the run refuses.
SELECT refresh_classification(current_date + 1); \echo :LAST_ERROR_SQLSTATE
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
SELECT as_of, enterprises FROM classification_run ORDER BY as_of;

-- Leave a fresh extension behind.
DROP TABLE public.cls_points;
SET client_min_messages = warning;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
