-- Monitoring and early warning (监测预警, art. 3): worsened enterprises, the
-- transition matrix, distribution by division, PSI on known distributions.
-- A fresh extension, so that this file neither sees nor leaves other files' data.
\i sql/include/classification_setup.psql

-- Before any run: nothing to compare.
SELECT count(*) FROM class_worsened();
SELECT count(*) FROM class_transition();
SELECT count(*) FROM score_stability();
SELECT count(*) FROM class_distribution();

-- Enterprises in several divisions; October and November runs.
SELECT pg_temp.ent(n, format('%s %s', lpad(n::text, 2, '0'), x), d, established => e)
  FROM (VALUES (1, '西华 A→A', '411622', date '2015-01-01'), (2, '西华 A→B', '411622', '2015-01-01'),
               (3, '西华 A→D 失信', '411622', '2015-01-01'), (4, '西华 B→A 改善', '411622', '2015-01-01'),
               (5, '扶沟 C→D', '411621', '2015-01-01'), (6, '扶沟 B→B', '411621', '2015-01-01'),
               (7, '郑州 D→D', '410102', '2015-01-01'), (8, '郑州 新设', '410102', '2025-11-05'),
               (9, '济源 注销', '419001', '2015-01-01'), (10, '省局登记 B→C', '410000', '2015-01-01')) v(n, x, d, e)
\gset
SELECT pg_temp.pts(n, d, p, div)
  FROM (VALUES (1, date '2025-10-31', 10, '411622'), (1, '2025-11-30', 12, '411622'),
               (2, '2025-10-31', 15, '411622'), (2, '2025-11-30', 25, '411622'),
               (3, '2025-10-31', 5, '411622'),  (3, '2025-11-30', 5, '411622'),
               (4, '2025-10-31', 30, '411622'), (4, '2025-11-30', 10, '411622'),
               (5, '2025-10-31', 60, '411621'), (5, '2025-11-30', 95, '411621'),
               (6, '2025-10-31', 30, '411621'), (6, '2025-11-30', 35, '411621'),
               (7, '2025-10-31', 80, '410102'), (7, '2025-11-30', 78, '410102'),
               (8, '2025-11-30', 40, '410102'),
               (9, '2025-10-31', 45, '419001'),
               (10, '2025-10-31', 40, '410000'), (10, '2025-11-30', 52, '410000')) v(n, d, p, div);
UPDATE enterprise SET status = 'cancelled', status_date = '2025-11-20' WHERE name LIKE '09 %';
INSERT INTO serious_dishonesty_listing (uscc, listed_date, reported_by) VALUES (pg_temp.uscc(3, '411622'), '2025-11-15', '省局');
SELECT as_of, final_classes FROM refresh_classification('2025-10-31');
SELECT as_of, final_classes FROM refresh_classification('2025-11-30');

-- The warning list: worse than last month, worst first.
SELECT e.name, w.division_code, w.from_class, w.to_class, w.steps, w.from_score, w.to_score, w.score_change, w.new_overrides, w.reasons
  FROM classification_worsened w JOIN enterprise e USING (uscc) ORDER BY w.steps DESC, w.score_change DESC;
-- Any two runs, in either order (November → October: who improved).
SELECT e.name, w.from_class, w.to_class, w.steps FROM class_worsened('2025-11-30', '2025-10-31') w JOIN enterprise e USING (uscc);
SELECT count(*) FROM class_worsened('2025-10-31', '2025-10-31');
SELECT * FROM class_worsened('2025-09-30'); \echo :LAST_ERROR_SQLSTATE

-- One enterprise's history (1.12): its row in each run, oldest first (a
-- probe of the key per run); none for an unknown USCC; NULL gives nothing.
SELECT h.as_of, h.version, h.score_class, h.final_class, h.overrides
  FROM classification_history(pg_temp.uscc(3, '411622')) h;
SELECT count(*) FROM classification_history('91411622MA9XXXXX04');
SELECT count(*) FROM classification_history(NULL);

-- The transition matrix (rows: October's class, NULL = new; columns: November's).
SELECT * FROM class_transition_latest;
SELECT * FROM class_transition('2025-11-30', '2025-10-31');

-- The distribution by province, city and county (county: the own division
-- below the province; 410000 counts at province level only).
SELECT * FROM class_distribution_current;
SELECT level, division_code, enterprises, a, b, c, d FROM class_distribution('2025-10-31') WHERE level <> 'county';

-- PSI on known distributions (Σ (a−e)·ln(a/e), shares floored at 0.0001).
SELECT round(psi('{10,20,30,40}', '{10,20,30,40}')::numeric, 6) AS identical,
       round(psi('{10,20,30,40}', '{20,40,60,80}')::numeric, 6) AS same_shares,
       round(psi('{50,50}', '{40,60}')::numeric, 6) AS small_shift,     -- 0.1·ln(1.2) − 0.1·ln(0.8) = 0.040547
       round(psi('{90,10}', '{50,50}')::numeric, 6) AS large_shift,     -- 0.4·ln(5) + 0.4·ln(0.9/0.5) = 0.878890
       round(psi('{100,0}', '{50,50}')::numeric, 6) AS empty_bin,       -- 0.4999·ln(5000) + 0.5·ln(2) = 4.604318
       round(psi('{100,0,0}', '{100,0,0}')::numeric, 6) AS empty_both,
       psi('{0,0}', '{5,5}') AS nothing_expected;
SELECT round(psi(e, a)::numeric, 6) = round((0.4 * ln(5) + 0.4 * ln(1.8))::numeric, 6) AS matches_by_hand
  FROM (VALUES ('{90,10}'::bigint[], '{50,50}'::bigint[])) v(e, a);
SELECT psi('{1,2}', '{1,2,3}'); \echo :LAST_ERROR_SQLSTATE
SELECT psi('{1,-2}', '{1,2}'); \echo :LAST_ERROR_SQLSTATE
SELECT psi('{}', '{}'); \echo :LAST_ERROR_SQLSTATE
SELECT x, psi_band(x) FROM unnest('{0,0.0999,0.1,0.25,0.2501,3}'::float8[]) x;

-- Between the two runs, per 100-point bin, and in total.
SELECT bin, lower, upper, from_count, to_count, round(from_share::numeric, 4) AS from_share,
       round(to_share::numeric, 4) AS to_share, round(contribution::numeric, 4) AS contribution
  FROM score_psi();
SELECT from_date, to_date, from_enterprises, to_enterprises, round(psi::numeric, 4) AS psi, band FROM score_stability_latest;
SELECT round(psi::numeric, 4) AS psi, band FROM score_stability('2025-10-31', '2025-11-30', 250);
SELECT round(psi::numeric, 6) AS psi, band FROM score_stability('2025-10-31', '2025-10-31');
SELECT * FROM score_psi(bin_width => 0); \echo :LAST_ERROR_SQLSTATE

-- Leave a fresh extension behind.
DROP TABLE public.cls_points;
SET client_min_messages = warning;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
