-- creditrisk demo: the monthly classification run on the sample data
-- (sample/generate.sql must have filled the register and the records),
-- then what an analyst looks at first.
\set QUIET on
\pset footer off
SET search_path = creditrisk, public;
SET client_min_messages = notice;
\set SHOW_CONTEXT never

\echo
\echo '== Configuration: the bureau adopts two of the shipped example high-concern industries (art. 10 (3)) from 2026-01-01'
INSERT INTO high_concern_industry (industry_prefix, effective_from, class, name, note)
SELECT industry_prefix, '2026-01-01', class, name, 'adopted by the demo bureau from the shipped example'
  FROM high_concern_industry WHERE example AND industry_prefix IN ('C2672', 'P83');
SELECT industry_prefix, name, class, effective_from FROM high_concern_industry WHERE NOT example;

\echo
\echo '== The monthly run (refresh_classification), for two month ends: indicators, scores, overrides, fusion, history, views'
SELECT as_of, model_key, enterprises, overridden, round(extract(epoch FROM finished_at - started_at)::numeric, 1) AS seconds
  FROM refresh_classification('2026-09-30');
SELECT as_of, model_key, enterprises, overridden, round(extract(epoch FROM finished_at - started_at)::numeric, 1) AS seconds
  FROM refresh_classification('2026-10-31');

\echo
\echo '== Classes by city on 2026-10-31 (final class, after the article 10 overrides)'
\echo '   size: one ■ per 5% of the largest city; risk: one block per 0.5% of the city''s enterprises in B ▒, C ▓, D █'
WITH c AS (
    SELECT d.division_code, coalesce(k.city_name, d.division_code) AS city, d.enterprises, d.a, d.b, d.c, d.d
      FROM class_distribution_current d
      LEFT JOIN creditrisk_sample.city k ON k.city_code = left(d.division_code, 4)
     WHERE d.level = 'city'
)
SELECT city AS "city", enterprises AS "enterprises",
       rpad(repeat('■', greatest(1, round(20.0 * enterprises / max(enterprises) OVER ())::int)), 20) AS "size",
       to_char(100.0 * a / enterprises, 'FM990.0') AS "A %", to_char(100.0 * b / enterprises, 'FM990.0') AS "B %",
       to_char(100.0 * c / enterprises, 'FM990.0') AS "C %", to_char(100.0 * d / enterprises, 'FM990.0') AS "D %",
       repeat('▒', round(200.0 * b / enterprises)::int) || repeat('▓', round(200.0 * c / enterprises)::int)
           || repeat('█', round(200.0 * d / enterprises)::int) AS "risk: B ▒  C ▓  D █"
  FROM c ORDER BY enterprises DESC;

\echo
\echo '== Overrides (art. 10) on 2026-10-31: enterprises matched by each rule, and how many it raised'
SELECT o.rule AS "rule", count(*) AS "matched",
       to_char(100.0 * count(*) / (SELECT count(*) FROM classification_current), 'FM990.00') AS "% of enterprises",
       count(*) FILTER (WHERE c.final_class > c.score_class) AS "class raised",
       to_char(100.0 * count(*) / sum(count(*)) OVER (), 'FM990.0') AS "% of overrides"
  FROM classification_current c, unnest(c.overrides) o(rule)
 GROUP BY o.rule ORDER BY 2 DESC;
SELECT count(*) FILTER (WHERE final_class > score_class) AS "raised by an override",
       count(*) FILTER (WHERE final_class = 'D') AS "final D", count(*) FILTER (WHERE score_class = 'D') AS "score D"
  FROM classification_current;

\echo
\echo '== Early warning: the 10 enterprises whose class worsened most since 2026-09-30'
SELECT w.uscc, e.name, w.from_class || '→' || w.to_class AS "class", round(w.from_score::numeric, 1) AS "score before",
       round(w.to_score::numeric, 1) AS "score now", array_to_string(w.new_overrides, ', ') AS "new overrides",
       array_to_string(w.reasons[1:3], ', ') AS "top reasons"
  FROM class_worsened() w JOIN enterprise e USING (uscc)
 ORDER BY w.steps DESC, w.score_change DESC, w.uscc LIMIT 10;
SELECT count(*) AS "worsened since 2026-09-30" FROM classification_worsened;

\echo
\echo '== Transition matrix 2026-09-30 → 2026-10-31, and score stability (PSI)'
SELECT coalesce(from_class::text, 'new') AS "from → to", to_a AS "A", to_b AS "B", to_c AS "C", to_d AS "D",
       left_population AS "left" FROM class_transition_latest;
SELECT from_date, to_date, round(psi::numeric, 4) AS psi, band FROM score_stability_latest;

\echo
\echo '== Supervision measures today (art. 12-15), by class'
SELECT class, count(*) AS enterprises, min(min_spot_check_ratio) AS "min spot-check ratio",
       bool_or(key_licensing_review) AS "key licensing review", bool_or(key_supervision_target) AS "key supervision"
  FROM enterprise_measures GROUP BY class ORDER BY class;
