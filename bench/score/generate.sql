-- bench/score/generate.sql: synthetic indicator data for the scoring benchmark.
--
-- psql variables: n (number of enterprises), model (model key), seed.
-- Creates bench.gen (how each indicator's values are drawn), bench.ind
-- (id, ind double precision[] in the model's indicator order) and bench.ind4
-- (the same values as real[]).
--
-- Each value is drawn around the indicator's rule, so that every bin and
-- category is hit:
--   * 5% of the values are NULL (missing);
--   * bins: one of the finite bin edges, the lower ones more often (edge k
--     of m with probability sqrt(k/m) - sqrt((k-1)/m): most enterprises
--     have few adverse records); for indicators
--     whose edges are all integers (counts, years, days, amounts in 10k
--     yuan) the edge plus an integer offset in -2..2, for the others
--     (ratios, fines) the edge itself (1/4) or the edge times a factor in
--     [0.75, 1.25) rounded to 3 decimals; never below 0 when every edge is
--     >= 0, never above 1 when every edge is <= 1 (ratios);
--   * categories: one of the listed values, or (1 in 10) a value not listed
--     (max + 1, which gets the default points);
--   * boolean: 1 with probability 0.15, else 0.
-- Deterministic: setseed(:seed) and a single-process INSERT ... SELECT.

\set ON_ERROR_STOP on
SET client_min_messages = warning;

DROP TABLE IF EXISTS bench.gen, bench.ind, bench.ind4, bench.ind_cols;

CREATE TABLE bench.gen AS
SELECT i.position AS pos, i.code, i.rule,
       CASE i.rule
       WHEN 'bins' THEN (SELECT array_agg(b.upper ORDER BY b.upper) FROM creditrisk.model_bin b
                          WHERE b.model_key = i.model_key AND b.indicator_code = i.code AND b.upper IS NOT NULL)
       WHEN 'categories' THEN (SELECT array_agg(k.value ORDER BY k.value) FROM creditrisk.model_category k
                                WHERE k.model_key = i.model_key AND k.indicator_code = i.code)
       ELSE '{0,1}'::float8[]
       END AS cand
  FROM creditrisk.model_indicator i
 WHERE i.model_key = :'model';

ALTER TABLE bench.gen
    ADD COLUMN ncand int, ADD COLUMN integral boolean,
    ADD COLUMN lo float8, ADD COLUMN hi float8, ADD COLUMN other float8;
UPDATE bench.gen g
   SET ncand = cardinality(cand),
       integral = (SELECT bool_and(c = trunc(c)) FROM unnest(cand) c),
       lo = CASE WHEN cand[1] >= 0 THEN 0 END,
       hi = CASE WHEN rule = 'bins' AND cand[cardinality(cand)] <= 1 THEN 1 END,
       other = cand[cardinality(cand)] + 1;
-- A bins indicator with a single bin has no finite edge: draw around 0.
UPDATE bench.gen SET cand = '{0}', ncand = 1, integral = true WHERE ncand IS NULL OR ncand = 0;

CREATE TABLE bench.ind (id int, ind double precision[]);
CREATE TABLE bench.ind4 (id int, ind real[]);

SELECT setseed(:seed) \g /dev/null

-- One row per enterprise; the correlated subquery (it references x.id)
-- builds the array in indicator order from per-indicator draws u, v, w.
-- The inner subquery is kept (not pulled up) because of random() in its
-- target list, so each draw is evaluated once.
INSERT INTO bench.ind (id, ind)
SELECT x.id,
       ARRAY(SELECT CASE
                    WHEN s.u < 0.05 THEN NULL
                    WHEN s.rule = 'boolean' THEN (s.v < 0.15)::int::float8
                    WHEN s.rule = 'categories' THEN
                        CASE WHEN s.w < 0.1 THEN s.other ELSE s.cand[1 + floor(s.v * s.ncand)::int] END
                    WHEN s.integral THEN
                        GREATEST(s.lo, s.cand[1 + floor(s.v * s.v * s.ncand)::int] + floor(s.w * 5) - 2)
                    ELSE
                        LEAST(s.hi, GREATEST(s.lo,
                            CASE WHEN s.w < 0.25 THEN s.cand[1 + floor(s.v * s.v * s.ncand)::int]
                                 ELSE round(s.cand[1 + floor(s.v * s.v * s.ncand)::int]
                                            * (0.75 + (s.w - 0.25) / 1.5) * 1000) / 1000
                            END))
                    END
               FROM (SELECT g.*, random() AS u, random() AS v, random() AS w
                       FROM bench.gen g
                      WHERE x.id > 0) s
              ORDER BY s.pos)
  FROM generate_series(1, :n) AS x(id);

INSERT INTO bench.ind4 (id, ind) SELECT id, ind::real[] FROM bench.ind;

-- id <= 50000 (the PL/pgSQL and jsonb samples) is read through the index;
-- parallel_workers = 2 lets that small index range use both workers too
-- (the planner would give it one); full scans get 2 by default anyway.
ALTER TABLE bench.ind ADD PRIMARY KEY (id);
ALTER TABLE bench.ind4 ADD PRIMARY KEY (id);
ALTER TABLE bench.ind SET (parallel_workers = 2);
ALTER TABLE bench.ind4 SET (parallel_workers = 2);
VACUUM ANALYZE bench.ind;
VACUUM ANALYZE bench.ind4;

-- bench.ind_cols: the same values in 81 columns, one per indicator, named by
-- its code (as an analyst's table of indicator values would be), for the
-- model_to_sql() expression over columns (the expert's SQL scorer): reading
-- a column costs the same whatever its position, while ind[k] on an array
-- with NULLs walks the array from the start for every subscript.
SELECT format('CREATE TABLE bench.ind_cols AS SELECT id, %s FROM bench.ind',
              string_agg(format('ind[%s] AS %I', position, code), ', ' ORDER BY position)) AS ddl
  FROM creditrisk.model_indicators(:'model') \gset
:ddl;
ALTER TABLE bench.ind_cols ADD PRIMARY KEY (id);
ALTER TABLE bench.ind_cols SET (parallel_workers = 2);
VACUUM ANALYZE bench.ind_cols;

-- bench.cols_expr(model): model_to_sql(model) over those columns instead of
-- the array (ind[k] -> the k-th indicator's column).
CREATE OR REPLACE FUNCTION bench.cols_expr(model text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    expr text := creditrisk.model_to_sql(model, 'ind');
    r record;
BEGIN
    -- highest position first, so that ind[1] never matches a prefix of ind[10]
    FOR r IN SELECT position, code FROM creditrisk.model_indicators(model) ORDER BY position DESC LOOP
        expr := replace(expr, format('ind[%s]', r.position), format('%I', r.code));
    END LOOP;
    IF expr ~ 'ind\[' THEN
        RAISE EXCEPTION 'bench.cols_expr: an array subscript is left in the expression';
    END IF;
    RETURN expr;
END
$$;
