-- Art. 16 (第十六条): the latest professional class per (enterprise, domain)
-- on or before the date, as the run finds it (DISTINCT ON ... ORDER BY
-- assessed_date DESC; 1.11 tried a hash aggregate over a key ordering by
-- date, then class, and went back: see refresh_classification()).  The
-- edges: an assessment older than 2000, one after the date, a later but
-- less risky one (the latest applies, not the riskiest), a correction known
-- only after an earlier run (the history branch of
-- domain_risk_class_as_known), an enterprise outside the population (no
-- fused row), a matrix with an override.  Each run's fused rows equal that
-- formulation over the same knowledge time, row by row.
\i sql/include/classification_setup.psql

SELECT pg_temp.ent(1, '01 食品 后评更低'), pg_temp.ent(2, '02 药品 1998年评定'), pg_temp.ent(3, '03 特种设备 日期后评定'),
       pg_temp.ent(4, '04 严重失信 药品矩阵'), pg_temp.ent(5, '05 食品 更正'), pg_temp.ent(6, '06 三个领域'),
       pg_temp.ent(7, '07 北京 不在范围', '110105'), pg_temp.ent(8, '08 无专业分类') \gset
SELECT pg_temp.pts(n, '2025-12-31', p, d)
  FROM (VALUES (1, 10, '411622'), (2, 30, '411622'), (3, 10, '411622'), (4, 10, '411622'), (5, 60, '411622'),
               (6, 10, '411622'), (7, 10, '110105'), (8, 90, '411622')) v(n, p, d);
INSERT INTO serious_dishonesty_listing (uscc, listed_date, reported_by) VALUES (pg_temp.uscc(4, '411622'), '2025-03-01', '省局');
INSERT INTO domain_risk_class (uscc, domain, class, assessed_date, reported_by)
SELECT pg_temp.uscc(n, dv), d, c::riskclass, a::date, '专业部门'
  FROM (VALUES (1, '411622', 'food', 'D', '2024-03-01'), (1, '411622', 'food', 'A', '2025-06-01'),
               (2, '411622', 'drugs', 'C', '1998-05-01'),
               (3, '411622', 'special_equipment', 'B', '2025-12-31'),
               (3, '411622', 'special_equipment', 'D', '2026-01-01'),          -- after the date: not yet
               (4, '411622', 'drugs', 'B', '2025-04-01'),
               (5, '411622', 'food', 'B', '2025-10-01'),
               (6, '411622', 'food', 'A', '2019-12-31'), (6, '411622', 'food', 'C', '2020-01-01'),
               (6, '411622', 'drugs', 'D', '2025-01-01'), (6, '411622', 'drugs', 'B', '2025-01-02'),
               (6, '411622', 'special_equipment', 'C', '2025-12-30'),
               (7, '110105', 'food', 'D', '2025-01-01')) v(n, dv, d, c, a);
-- One assessment per enterprise, domain and day (domain_risk_class_once_a_day):
-- the key never ties within what is known at one time.
\set VERBOSITY terse
INSERT INTO domain_risk_class (uscc, domain, class, assessed_date, reported_by)
VALUES (pg_temp.uscc(1, '411622'), 'food', 'C', '2025-06-01', '专业部门'); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
-- A drugs matrix softening the professional class by one step when the
-- general class is A; the serious-dishonesty D (04) stays D.
INSERT INTO fusion_rule (domain, method, name) VALUES ('drugs', 'matrix', '药品');
INSERT INTO fusion_matrix (domain, general_class, professional_class, fused_class)
SELECT 'drugs', g, p, CASE WHEN g = 'A' AND p > 'A' THEN chr(ascii(p::text) - 1)::riskclass ELSE greatest(p, g) END
  FROM unnest('{A,B,C,D}'::riskclass[]) g, unnest('{A,B,C,D}'::riskclass[]) p;

SELECT version, enterprises, domain_results FROM refresh_classification('2025-12-31');
SELECT known_at AS before_correction FROM classification_run WHERE as_of = '2025-12-31' AND version = 1 \gset
-- 05's food class is corrected afterwards (B -> D, same assessment): a new
-- run uses it; a run at the first run's knowledge time still finds B.
UPDATE domain_risk_class SET class = 'D' WHERE uscc = pg_temp.uscc(5, '411622') AND domain = 'food';
SELECT version, enterprises, domain_results FROM refresh_classification('2025-12-31');
SELECT version, enterprises, domain_results FROM refresh_classification('2025-12-31', NULL, :'before_correction');
SELECT f.version, e.name, f.domain, f.general_class, f.professional_class, f.assessed_date, f.method, f.fused_class
  FROM classification_domain_result f JOIN enterprise e USING (uscc)
 WHERE f.as_of = '2025-12-31' ORDER BY f.version, e.uscc, f.domain;

-- Each run's fused rows are 1.10's: the latest assessment by DISTINCT ON,
-- known at the run's knowledge time, for the enterprises the run classified.
WITH o AS (
    SELECT run.version, d.uscc, d.domain, d.class, d.assessed_date
      FROM classification_run run
     CROSS JOIN LATERAL (SELECT DISTINCT ON (x.uscc, x.domain) x.uscc, x.domain, x.class, x.assessed_date
                           FROM domain_risk_class_as_known(run.known_at) x
                          WHERE x.assessed_date <= run.as_of
                          ORDER BY x.uscc, x.domain, x.assessed_date DESC) d
      JOIN classification_result r ON r.as_of = run.as_of AND r.version = run.version AND r.uscc = d.uscc
), n AS (
    SELECT f.version, f.uscc, f.domain, f.professional_class AS class, f.assessed_date FROM classification_domain_result f
)
SELECT coalesce(o.version, n.version) AS version, count(*) AS rows,
       count(*) FILTER (WHERE n.uscc IS NULL) AS missing, count(*) FILTER (WHERE o.uscc IS NULL) AS extra
  FROM o FULL JOIN n ON n.version = o.version AND n.uscc = o.uscc AND n.domain = o.domain
                    AND n.class = o.class AND n.assessed_date = o.assessed_date
 GROUP BY 1 ORDER BY 1;

-- Each run's summary equals its rows in the history (1.9).
\i sql/include/run_summary.psql

-- Leave a fresh extension behind.
DROP TABLE public.cls_points;
SET client_min_messages = warning;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
