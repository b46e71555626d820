-- Art. 16 (第十六条): 通用+专业 — the general class fused with professional (domain)
-- classes: the default (the riskier of the two), matrices, dates of assessments.
-- A fresh extension, so that this file neither sees nor leaves other files' data.
\i sql/include/classification_setup.psql

-- Professional (domain) classes loaded for enterprises: the latest assessment
-- on or before the classification date applies.
SELECT pg_temp.ent(1, '01 食品 A+C'), pg_temp.ent(2, '02 食品 D+A'), pg_temp.ent(3, '03 药品 矩阵'),
       pg_temp.ent(4, '04 药品 矩阵 高'), pg_temp.ent(5, '05 特种设备 评估更新'), pg_temp.ent(6, '06 多领域'),
       pg_temp.ent(7, '07 严重失信 食品 A'), pg_temp.ent(8, '08 化妆品'), pg_temp.ent(9, '09 无专业分类') \gset
SELECT pg_temp.pts(n, '2025-12-31', p)
  FROM (VALUES (1, 10), (2, 80), (3, 30), (4, 10), (5, 10), (6, 60), (7, 10), (8, 30), (9, 10)) v(n, p);
INSERT INTO serious_dishonesty_listing (uscc, listed_date, reported_by) VALUES (pg_temp.uscc(7, '411622'), '2025-03-01', '省局');
INSERT INTO domain_risk_class (uscc, domain, class, assessed_date, reported_by)
SELECT pg_temp.uscc(n, '411622'), d, c::riskclass, a::date, '专业部门'
  FROM (VALUES (1, 'food', 'C', '2025-06-01'), (2, 'food', 'A', '2025-06-01'),
               (3, 'drugs', 'A', '2025-05-01'), (4, 'drugs', 'D', '2025-05-01'),
               (5, 'special_equipment', 'D', '2024-01-01'), (5, 'special_equipment', 'B', '2025-09-01'),
               (5, 'special_equipment', 'A', '2026-01-15'),          -- after the date: not yet
               (6, 'food', 'B', '2025-01-01'), (6, 'drugs', 'C', '2025-01-01'), (6, 'special_equipment', 'A', '2025-01-01'),
               (7, 'food', 'A', '2025-01-01'), (8, 'cosmetics', 'C', '2025-02-01')) v(n, d, c, a);

-- No fusion rules yet: every domain takes the riskier of the two.
SELECT count(*) FROM fusion_rule;
SELECT domain_results FROM refresh_classification('2025-12-31');
SELECT e.name, f.domain, f.general_class, f.professional_class, f.assessed_date, f.method, f.fused_class
  FROM classification_domain_current f JOIN enterprise e USING (uscc) ORDER BY e.uscc, f.domain;

-- A bureau's matrix for drugs: when the general class is A, a professional
-- class B-D is softened by one step; otherwise the riskier of the two.
-- A matrix needs all 16 cells: the run refuses a matrix rule without them.
INSERT INTO fusion_rule (domain, method, name, note) VALUES ('drugs', 'matrix', '药品', 'professional class leads');
SELECT refresh_classification('2025-12-31'); \echo :LAST_ERROR_SQLSTATE
BEGIN;
INSERT INTO fusion_matrix (domain, general_class, professional_class, fused_class)
SELECT 'drugs', g, p, CASE WHEN g = 'A' AND p > 'A' THEN chr(ascii(p::text) - 1)::riskclass ELSE greatest(p, g) END
  FROM unnest('{A,B,C,D}'::riskclass[]) g, unnest('{A,B,C,D}'::riskclass[]) p;
COMMIT;
SELECT general_class, string_agg(format('%s→%s', professional_class, fused_class), ' ' ORDER BY professional_class) AS professional_to_fused
  FROM fusion_matrix WHERE domain = 'drugs' GROUP BY general_class ORDER BY general_class;
-- An explicit riskier rule for special equipment is the same as none.
INSERT INTO fusion_rule (domain, method, name) VALUES ('special_equipment', 'riskier', '特种设备');
SELECT domain_results FROM refresh_classification('2025-12-31');
SELECT e.name, f.domain, f.general_class, f.professional_class, f.method, f.fused_class
  FROM classification_domain_current f JOIN enterprise e USING (uscc) ORDER BY e.uscc, f.domain;

-- Incomplete matrices are refused at commit: a deleted cell, a switch to matrix without cells.
DELETE FROM fusion_matrix WHERE domain = 'drugs' AND general_class = 'B' AND professional_class = 'C'; \echo :LAST_ERROR_SQLSTATE
UPDATE fusion_rule SET method = 'matrix' WHERE domain = 'special_equipment'; \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
INSERT INTO fusion_rule (domain, method) VALUES ('Food', 'riskier'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO fusion_rule (domain, method) VALUES ('food', 'average'); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
-- Art. 10 comes first: a matrix never fuses below the class an override
-- imposed.  A food matrix whose cell (D, A) is B softens a scored D (02), but
-- a serious-dishonesty D (07) stays D in food (1.3 gave B).
BEGIN;
INSERT INTO fusion_rule (domain, method, name) VALUES ('food', 'matrix', '食品');
INSERT INTO fusion_matrix (domain, general_class, professional_class, fused_class)
SELECT 'food', g, p, CASE WHEN g = 'D' AND p = 'A' THEN 'B' ELSE greatest(g, p) END
  FROM unnest('{A,B,C,D}'::riskclass[]) g, unnest('{A,B,C,D}'::riskclass[]) p;
COMMIT;
SELECT domain_results FROM refresh_classification('2025-12-31');
SELECT e.name, c.score_class, c.overrides, f.general_class, f.professional_class, f.method, f.fused_class
  FROM classification_domain_current f JOIN enterprise e USING (uscc) JOIN classification_current c USING (uscc)
 WHERE f.domain = 'food' ORDER BY e.uscc;
-- The fused class is the class the domain's measures use
SELECT e.name, m.domain, m.class, m.min_spot_check_ratio, m.key_supervision_target
  FROM enterprise_domain_measures m JOIN enterprise e USING (uscc)
 WHERE m.domain = 'food' ORDER BY e.uscc;
DELETE FROM fusion_rule WHERE domain = 'food';

-- Back to the default: deleting the rule deletes its matrix.
DELETE FROM fusion_rule WHERE domain = 'drugs';
SELECT count(*) AS cells_left FROM fusion_matrix;
-- The history keeps the fused classes of the run.
SELECT as_of, version, domain, count(*), string_agg(fused_class::text, '' ORDER BY uscc) FROM classification_domain_result GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;

-- Each run's summary equals its rows in the history (1.9).
\i sql/include/run_summary.psql

-- Leave a fresh extension behind.
DROP TABLE public.cls_points;
SET client_min_messages = warning;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
