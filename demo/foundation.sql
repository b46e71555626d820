-- creditrisk demo: classify sample scores and validate sample codes.
\set QUIET on
\pset footer off
SET search_path = creditrisk, public;
SELECT setseed(0.2022) \gset

\echo
\echo '== 1. Classify 100,000 sample scores by the Henan bands (art. 9)'
CREATE TEMP TABLE sample_scores AS
SELECT i AS id, least(1000, greatest(0, 260 + 170 * sqrt(-2 * ln(random())) * cos(2 * pi() * random()))) AS score
  FROM generate_series(1, 100000) i;

SELECT rc AS class, class_label(rc) AS label, n AS enterprises,
       to_char(100.0 * n / sum(n) OVER (), 'FM990.0') || '%' AS share,
       repeat('█', (60.0 * n / max(n) OVER ())::int) AS chart,
       min_spot_check_ratio(rc) AS min_check_ratio,
       ceil(n * min_spot_check_ratio(rc))::int AS min_checks
  FROM (SELECT classify(score) AS rc, count(*) AS n FROM sample_scores GROUP BY 1) s
 ORDER BY rc;

\echo
\echo '== 2. The same scores with another province''s bands (cut-offs 300/600/900)'
SELECT classify(score, '{300,600,900}') AS class, count(*) AS enterprises
  FROM sample_scores GROUP BY 1 ORDER BY 1;

\echo
\echo '== 3. Clean imported unified social credit codes (统一社会信用代码)'
CREATE TEMP TABLE imported(raw text);
INSERT INTO imported VALUES
  ('91411622MA9XXXXX04'), ('91411622ma9xxxxx04'), ('91411622MA9XXXXX05'),
  ('9141162OMA9XXXXX04'), ('91411622MA9XXXXX0'), ('12410000415800123U'),
  ('92411622MA40000A10'), ('91350100M000100Y43');
SELECT raw AS imported_code,
       uscc_is_valid(raw) AS valid,
       CASE WHEN uscc_is_valid(raw) THEN raw::uscc::text END AS normalised,
       CASE WHEN uscc_is_valid(raw) THEN uscc_region(raw::uscc) END AS division,
       CASE WHEN uscc_is_valid(raw) THEN uscc_entity_type(raw::uscc) END AS entity_type
  FROM imported;

\echo
\echo '== 4. What an analyst sees for a bad code'
\set ON_ERROR_STOP off
SELECT '91411622MA9XXXXX05'::uscc;
