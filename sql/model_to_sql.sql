-- model_to_sql(): the model as one plain SQL expression, which agrees with
-- the C scorer exactly on ≥10,000 random vectors with missing values and
-- values at every bin edge and category.
SET search_path = creditrisk, public;
\set SHOW_CONTEXT never
\set tiny `cat test/fixtures/tiny-model.json`
SELECT model_import(:'tiny'::jsonb, 'sql-tiny');
SELECT model_publish('sql-tiny');

-- What an auditor reads
SELECT model_to_sql('sql-tiny');
SELECT model_to_sql('sql-tiny', 'e.indicators') ~ '^/\* creditrisk model sql-tiny: score 0-1000 from e\.indicators' AS named_column;
SELECT model_to_sql('nope'); \echo :LAST_ERROR_SQLSTATE

-- Candidate values per indicator: missing, every bin edge and its
-- neighbours, every category value and an unlisted one, 0, 1, random values.
CREATE FUNCTION pg_temp.candidates(model text) RETURNS TABLE (pos int, vals float8[])
LANGUAGE sql AS $$
  SELECT i.position, array_agg(v)
    FROM creditrisk.model_indicator i
    CROSS JOIN LATERAL (
        SELECT NULL::float8 UNION ALL SELECT NULL UNION ALL SELECT 0 UNION ALL SELECT 1 UNION ALL SELECT -1
        UNION ALL SELECT e + d
          FROM (SELECT b.lower FROM creditrisk.model_bin b
                 WHERE b.model_key = i.model_key AND b.indicator_code = i.code AND b.lower IS NOT NULL) bl(e),
               unnest(ARRAY[0, 1e-9, -1e-9, 0.5, -0.5]::float8[]) d
        UNION ALL SELECT k.value FROM creditrisk.model_category k
         WHERE k.model_key = i.model_key AND k.indicator_code = i.code
        UNION ALL SELECT 12345.5
        UNION ALL SELECT round((random() * 200 - 20)::numeric, 2)::float8 FROM generate_series(1, 5)
    ) c(v)
   WHERE i.model_key = model
   GROUP BY i.position
$$;

CREATE FUNCTION pg_temp.agreement(model text, nvectors int) RETURNS TABLE (vectors bigint, agree bigint, missing_values bigint, floors_held bigint)
LANGUAGE plpgsql AS $$
BEGIN
  CREATE TEMP TABLE cand AS SELECT * FROM pg_temp.candidates(model);
  CREATE TEMP TABLE vec AS
  SELECT g AS id, array_agg(c.vals[1 + floor(random() * cardinality(c.vals))::int] ORDER BY c.pos) AS ind
    FROM generate_series(1, nvectors) g CROSS JOIN cand c GROUP BY g;
  RETURN QUERY EXECUTE format($q$
    SELECT count(*),
           count(*) FILTER (WHERE %1$s = creditrisk.score(%2$L, ind)),
           sum(cardinality(ind) - cardinality(array_remove(ind, NULL))),
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM creditrisk.score_explain(%2$L, ind) e WHERE e.position IS NULL))
      FROM vec$q$, creditrisk.model_to_sql(model), model);
  DROP TABLE cand, vec;
END $$;

SELECT setseed(0.9);
SELECT vectors, agree, missing_values > 0 AS has_missing, floors_held > 0 AS has_floors
  FROM pg_temp.agreement('sql-tiny', 10000);
SELECT vectors, agree, missing_values > 0 AS has_missing, floors_held > 0 AS has_floors
  FROM pg_temp.agreement('reference-v1', 10000);
-- the same with the portable scalar scorer (creditrisk.simd = off)
SET creditrisk.simd = off;
SELECT vectors, agree, missing_values > 0 AS has_missing, floors_held > 0 AS has_floors
  FROM pg_temp.agreement('reference-v1', 10000);
SELECT vectors, agree FROM pg_temp.agreement('sql-tiny', 10000);
RESET creditrisk.simd;
