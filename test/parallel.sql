-- Scoring runs inside parallel workers, and gives the same result there.
\set tiny `cat test/fixtures/tiny-model.json`
BEGIN;
SELECT plan(5);
SET LOCAL search_path = creditrisk, tap, public;

SELECT model_import(:'tiny'::jsonb, 'par-tiny');
SELECT model_publish('par-tiny');

CREATE TABLE public.par_scores AS
SELECT g AS id,
       ARRAY[(g % 150)::float8, (g % 5)::float8, (g % 2)::float8,
             CASE WHEN g % 7 = 0 THEN NULL ELSE (g % 9)::float8 END] AS ind
  FROM generate_series(1, 50000) g;
ANALYZE public.par_scores;

CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE line text; result text := '';
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
    result := result || line || E'\n';
  END LOOP;
  RETURN result;
END $$;

-- Serial reference
SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS
SELECT sum(score('par-tiny', ind)) AS total, count(*) FILTER (WHERE classify(score('par-tiny', ind)) >= 'C') AS c_or_d
  FROM public.par_scores;

SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;

SELECT matches(pg_temp.plan_of($$SELECT sum(creditrisk.score('par-tiny', ind)) FROM public.par_scores$$),
               'Gather.*Workers Planned: 2.*Workers Launched: [12].*Partial Aggregate.*Parallel Seq Scan',
               'EXPLAIN shows score() running in parallel workers under Gather');
SELECT is((SELECT sum(score('par-tiny', ind)) FROM public.par_scores),
          (SELECT total FROM serial), 'parallel and serial sums of scores agree');
SELECT is((SELECT count(*) FILTER (WHERE classify(score('par-tiny', ind)) >= 'C') FROM public.par_scores),
          (SELECT c_or_d FROM serial), 'parallel and serial class counts agree');
SELECT matches(pg_temp.plan_of($$SELECT creditrisk.max(creditrisk.classify(creditrisk.score('par-tiny', ind))) FROM public.par_scores$$),
               'Finalize Aggregate.*Gather.*Partial Aggregate',
               'the riskclass max() aggregate runs as partial aggregates in workers');
SELECT is((SELECT max(classify(score('par-tiny', ind)))::text FROM public.par_scores), 'D',
          'parallel max() of classes');

SELECT * FROM finish();
ROLLBACK;
