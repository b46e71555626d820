-- The scorer on a small model whose scores are computed by hand
-- (test/fixtures/tiny-model.json): every rule type, missing values, floors,
-- bin edges, explanations, reason codes, and every error.
\set SHOW_CONTEXT never
SET search_path = creditrisk, public;
\set tiny `cat test/fixtures/tiny-model.json`
SELECT model_import(:'tiny'::jsonb);
SELECT model_publish('tiny-v1');

-- coefficients (score units per point): 10 * w1 * w2 * w3
--   tiny_capital 10*0.6*1*0.5 = 3, tiny_licence 3, tiny_refused 10*0.4*0.5*1 = 2, tiny_complaints 2
SELECT position, code, name, dimension, "group", rule, weight FROM model_indicators('tiny-v1');

-- Hand-computed scores (array form, model order: capital, licence, refused, complaints)
SELECT label, v AS indicators, score('tiny-v1', v) AS score, classify(score('tiny-v1', v))
  FROM (VALUES
    ('capital 50 -> 40 pts (120); valid licence 0; not refused 0; 2 complaints 50 pts (100)', '{50,1,0,2}'::float8[]), -- 220
    ('all missing: 3*50 + 3*50 + 2*20 + 2*0',                                                  '{NULL,NULL,NULL,NULL}'),   -- 340
    ('riskiest without floors: 3*80 + 3*60 + 2*100 + 2*50',                                    '{1,2,1,3}'),               -- 720
    ('cleanest: 3*0 + 3*0 + 2*0 + 2*0',                                                        '{1000,1,0,0}'),            -- 0
    ('unlisted licence code 7 gets the default 30 points',                                     '{1000,7,0,0}'),            -- 90
    ('boolean: any non-zero value is true',                                                    '{1000,1,-2.5,0}'),         -- 200
    ('floor: licence revoked raises 300 to 750',                                               '{1000,3,0,0}'),            -- 750
    ('floor: refused and >=5 complaints raises 3*40 + 200 + 200 = 520 to 600',                 '{10,1,1,5}'),              -- 600
    ('floor with a missing value does not hold: refused, complaints missing',                  '{10,1,1,NULL}'),           -- 320
    ('both floors: the higher one binds',                                                      '{1000,3,1,9}'),            -- 750
    ('sum above the floor stays: 3*80 + 300 + 200 + 200 = 940',                                '{0,3,1,9}')                -- 940
  ) t(label, v);

-- Bin edges: bins are half-open [lower, upper)
SELECT c AS capital, score('tiny-v1', ARRAY[c, 1, 0, 0]) AS score
  FROM unnest('{-1e300,-1,0,9.999999999,10,99.99999,100,1e300,-0}'::float8[]) c;

-- jsonb form: values by code; absent keys and nulls are missing; booleans for boolean indicators
SELECT score('tiny-v1', '{"tiny_capital": 50, "tiny_licence": 1, "tiny_refused": 0, "tiny_complaints": 2}'::jsonb) AS full,
       score('tiny-v1', '{}'::jsonb) AS all_missing,
       score('tiny-v1', '{"tiny_capital": null, "tiny_refused": true}'::jsonb) AS partial,
       score('tiny-v1', '{"tiny_complaints": 2, "tiny_licence": 1, "tiny_capital": 50, "tiny_refused": false}'::jsonb) AS any_order;

-- The array and jsonb forms agree
SELECT count(*) AS vectors,
       count(*) FILTER (WHERE score('tiny-v1', v) = score('tiny-v1', jsonb_build_object(
            'tiny_capital', v[1], 'tiny_licence', v[2], 'tiny_refused', v[3], 'tiny_complaints', v[4]))) AS agree
  FROM (SELECT ARRAY[c, l, r, k]::float8[] AS v
          FROM unnest('{NULL,0,10,99,100}'::float8[]) c, unnest('{NULL,1,2,3,4}'::float8[]) l,
               unnest('{NULL,0,1}'::float8[]) r, unnest('{NULL,0,1,4,5}'::float8[]) k) s;

-- Explanation: one row per indicator, then the floor rules that held;
-- the contributions add up to the score.
SELECT position, code, value, matched, points, round(weight::numeric, 4) AS weight, contribution
  FROM score_explain('tiny-v1', '{"tiny_capital": 50, "tiny_licence": 3, "tiny_refused": 1, "tiny_complaints": 7}'::jsonb);
SELECT sum(contribution) AS explained, score('tiny-v1', '{50,3,1,7}'::float8[]) AS score
  FROM score_explain('tiny-v1', '{50,3,1,7}'::float8[]);
SELECT count(*) AS vectors,
       count(*) FILTER (WHERE abs(e.total - score('tiny-v1', v)) < 1e-9) AS explained
  FROM (SELECT ARRAY[c, l, r, k]::float8[] AS v
          FROM unnest('{NULL,0,10,100}'::float8[]) c, unnest('{NULL,1,3,4}'::float8[]) l,
               unnest('{NULL,0,1}'::float8[]) r, unnest('{NULL,0,1,5}'::float8[]) k) s,
       LATERAL (SELECT sum(contribution) AS total FROM score_explain('tiny-v1', s.v)) e;
SELECT code, dimension, "group", matched FROM score_explain('tiny-v1', '{"tiny_capital": 5}'::jsonb);

-- Reason codes: what added most risk above each indicator's lowest points
SELECT score_reasons('tiny-v1', '{"tiny_capital": 5, "tiny_licence": 2, "tiny_refused": 0, "tiny_complaints": 1}'::jsonb) AS top3,
       score_reasons('tiny-v1', '{5,2,0,1}'::float8[], 1) AS top1,
       score_reasons('tiny-v1', '{1000,1,0,0}'::float8[]) AS clean,
       score_reasons('tiny-v1', '{1000,3,0,0}'::float8[], 2) AS floor_first,
       score_reasons('tiny-v1', '{5,2,0,1}'::float8[], 0) AS none;

-- NULL arguments give NULL (STRICT)
SELECT score(NULL, '{1,2,3,4}'::float8[]) IS NULL AS null_model,
       score('tiny-v1', NULL::float8[]) IS NULL AS null_array;

-- Errors, each with its SQLSTATE
SELECT score('no-such-model', '{1,2,3,4}'::float8[]); \echo :LAST_ERROR_SQLSTATE
SELECT score('tiny-v1', '{1,2,3}'::float8[]); \echo :LAST_ERROR_SQLSTATE
SELECT score('tiny-v1', '{1,2,3,4,5}'::float8[]); \echo :LAST_ERROR_SQLSTATE
SELECT score('tiny-v1', '{}'::float8[]); \echo :LAST_ERROR_SQLSTATE
SELECT score('tiny-v1', '{{1,2},{3,4}}'::float8[]); \echo :LAST_ERROR_SQLSTATE
SELECT score('tiny-v1', '{1,NaN,0,0}'::float8[]); \echo :LAST_ERROR_SQLSTATE
SELECT score('tiny-v1', '{Infinity,1,0,0}'::float8[]); \echo :LAST_ERROR_SQLSTATE
SELECT score('tiny-v1', '{"tiny_capitol": 5}'::jsonb); \echo :LAST_ERROR_SQLSTATE
SELECT score('tiny-v1', '{"tiny_capital": "5"}'::jsonb); \echo :LAST_ERROR_SQLSTATE
SELECT score('tiny-v1', '{"tiny_capital": true}'::jsonb); \echo :LAST_ERROR_SQLSTATE
SELECT score('tiny-v1', '{"tiny_capital": [5]}'::jsonb); \echo :LAST_ERROR_SQLSTATE
SELECT score('tiny-v1', '[5, 1, 0, 0]'::jsonb); \echo :LAST_ERROR_SQLSTATE
SELECT score_reasons('tiny-v1', '{5,2,0,1}'::float8[], -1); \echo :LAST_ERROR_SQLSTATE

-- A draft is refused by score() and scored by score_draft()
SELECT model_copy('tiny-v1', 'tiny-v2', 'capital matters more');
SELECT score('tiny-v2', '{50,1,0,2}'::float8[]); \echo :LAST_ERROR_SQLSTATE
SELECT score_draft('tiny-v2', '{50,1,0,2}'::float8[]) AS draft, score_draft('tiny-v1', '{50,1,0,2}'::float8[]) AS published;

-- The per-backend cache is never stale: change the draft, score again
UPDATE model_bin SET points = 70 WHERE model_key = 'tiny-v2' AND indicator_code = 'tiny_capital' AND lower = 10;
SELECT score_draft('tiny-v2', '{50,1,0,2}'::float8[]) AS after_edit;   -- 3*70 + 100 = 310
BEGIN;
UPDATE model_indicator SET missing_points = 100 WHERE model_key = 'tiny-v2' AND code = 'tiny_capital';
SELECT score_draft('tiny-v2', '{NULL,1,0,2}'::float8[]) AS in_transaction;   -- 300 + 100 = 400
ROLLBACK;
SELECT score_draft('tiny-v2', '{NULL,1,0,2}'::float8[]) AS after_rollback;   -- 150 + 100 = 250
-- even inside one PL/pgSQL expression evaluated repeatedly in a transaction
DO $$
DECLARE s1 float8; s2 float8; i int;
BEGIN
  FOR i IN 1..2 LOOP
    IF i = 2 THEN
      UPDATE creditrisk.model_bin SET points = 10 WHERE model_key = 'tiny-v2' AND indicator_code = 'tiny_capital' AND lower = 10;
    END IF;
    s2 := creditrisk.score_draft('tiny-v2', '{50,1,0,2}'::float8[]);
    IF i = 1 THEN s1 := s2; END IF;
  END LOOP;
  RAISE NOTICE 'before edit %, after edit %', s1, s2;
END $$;
-- an invalid draft cannot be scored
UPDATE model_indicator SET weight = 0.9 WHERE model_key = 'tiny-v2' AND code = 'tiny_capital';
SELECT score_draft('tiny-v2', '{50,1,0,2}'::float8[]); \echo :LAST_ERROR_SQLSTATE
SELECT * FROM model_validate('tiny-v2');
UPDATE model_indicator SET weight = 0.5 WHERE model_key = 'tiny-v2' AND code = 'tiny_capital';
SELECT model_publish('tiny-v2');
SELECT score('tiny-v2', '{50,1,0,2}'::float8[]) AS published_v2;

-- Retired models still score (re-scoring history)
SELECT model_retire('tiny-v1');
SELECT score('tiny-v1', '{50,1,0,2}'::float8[]) AS retired_v1;
SELECT model_key, status, based_on, published_at IS NOT NULL AS published, retired_at IS NOT NULL AS retired
  FROM model WHERE model_key LIKE 'tiny%' ORDER BY 1;

-- Several models in one query: the call site switches between them
SELECT m, score(m, '{50,1,0,2}'::float8[]) AS score
  FROM unnest('{tiny-v1,tiny-v2,tiny-v1,tiny-v2}'::text[]) WITH ORDINALITY AS u(m, n) ORDER BY n;
-- More errors: an over-long key, a number too large for double precision
SELECT score(repeat('x', 100), '{1}'::float8[]); \echo :LAST_ERROR_SQLSTATE
SELECT score('tiny-v1', '{"tiny_capital": 1e400}'::jsonb); \echo :LAST_ERROR_SQLSTATE
-- Explanations work for drafts too (score_explain is STABLE)
SELECT model_copy('tiny-v2', 'tiny-v3');
SELECT sum(contribution) AS explained, score_draft('tiny-v3', '{50,1,0,2}'::float8[]) AS score
  FROM score_explain('tiny-v3', '{50,1,0,2}'::float8[]);
DELETE FROM model WHERE model_key = 'tiny-v3';
SELECT score_draft('tiny-v3', '{50,1,0,2}'::float8[]); \echo :LAST_ERROR_SQLSTATE

-- Labels: score() is IMMUTABLE (published models cannot change), score_draft() STABLE
SELECT p.oid::regprocedure, p.provolatile, p.proisstrict, p.proparallel, p.procost
  FROM pg_proc p WHERE p.pronamespace = 'creditrisk'::regnamespace
   AND p.proname IN ('score', 'score_draft', 'score_explain', 'score_reasons')
 ORDER BY 1::text;
