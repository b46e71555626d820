-- Art. 12-15 (第十二至十五条): supervision measures by class, versioned by date;
-- local bureaus add to the provincial minimums and may never loosen them (art. 5).
-- A fresh extension, so that this file neither sees nor leaves other files' data.
\i sql/include/classification_setup.psql

-- The provincial minimums (shipped, art. 12-15), in force from 2022-07-25.
SELECT division_code, class, effective_from, min_spot_check_ratio, proactive_onsite_inspection,
       key_licensing_review, key_supervision_target, other_measures, basis, shipped
  FROM supervision_measure ORDER BY class;
SELECT * FROM measures_in_force('411622', '2022-07-24');   -- before the measures: none
SELECT class, min_spot_check_ratio, sources FROM measures_in_force('410000', '2025-12-31');
SELECT division_level(d), division_at(d, 'province') AS province, division_at(d, 'city') AS city, division_at(d, 'county') AS county
  FROM unnest('{410000,411600,411622,410102,419001}'::text[]) d;
SELECT division_at('411622', 'village'); \echo :LAST_ERROR_SQLSTATE
SELECT * FROM measures_in_force('991622'); \echo :LAST_ERROR_SQLSTATE

-- Local bureaus add measures (art. 5): Zhoukou checks A at 2% from 2024,
-- Xihua adds interviews for C and makes D a licensing-review case too.
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio, other_measures, basis)
VALUES ('411600', 'A', '2024-01-01', 0.02, '', '周口市 local measure');
INSERT INTO supervision_measure (division_code, class, effective_from, key_supervision_target, other_measures, basis)
VALUES ('411622', 'C', '2025-01-01', true, '每季度信用约谈', '西华县 local measure');
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio, key_licensing_review, basis)
VALUES ('411622', 'D', '2025-01-01', 0.30, true, '西华县 local measure');
-- The strictest of province, city and county, each in its version in force.
SELECT * FROM measures_in_force('411622', '2025-12-31');
SELECT class, min_spot_check_ratio, sources FROM measures_in_force('411622', '2024-06-30');
SELECT class, min_spot_check_ratio, key_supervision_target, sources FROM measures_in_force('411621', '2025-12-31');
SELECT class, min_spot_check_ratio, sources FROM measures_in_force('410102', '2025-12-31') WHERE class = 'A';

-- Never looser (checked at commit, so a batch is judged whole): each gives 23514.
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio)
VALUES ('411622', 'B', '2025-01-01', 0.02); \echo :LAST_ERROR_SQLSTATE
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio)
VALUES ('411622', 'A', '2025-01-01', 0.015); \echo :LAST_ERROR_SQLSTATE
INSERT INTO supervision_measure (division_code, class, effective_from, proactive_onsite_inspection)
VALUES ('411621', 'B', '2025-01-01', false); \echo :LAST_ERROR_SQLSTATE
INSERT INTO supervision_measure (division_code, class, effective_from, key_licensing_review)
VALUES ('411600', 'C', '2025-01-01', false); \echo :LAST_ERROR_SQLSTATE
UPDATE supervision_measure SET min_spot_check_ratio = 0.005 WHERE division_code = '411600' AND class = 'A'; \echo :LAST_ERROR_SQLSTATE
-- Local rows are judged against the versions above in force on their own
-- effective date; a later provincial version that is stricter simply wins.
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio,
        proactive_onsite_inspection, key_licensing_review, key_supervision_target, basis)
VALUES ('410000', 'A', '2025-06-01', 0.025, false, false, false, 'provincial revision');
-- A batch is judged whole at commit: the city raises A to 3% and the county
-- follows in the same transaction (in between, the county row was looser).
BEGIN;
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio)
VALUES ('411621', 'A', '2025-09-01', 0.025);
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio)
VALUES ('411600', 'A', '2025-09-01', 0.03);
UPDATE supervision_measure SET min_spot_check_ratio = 0.03 WHERE division_code = '411621' AND class = 'A';
COMMIT;
SELECT class, min_spot_check_ratio, sources FROM measures_in_force('411622', '2025-12-31') WHERE class = 'A';
SELECT class, min_spot_check_ratio, sources FROM measures_in_force('411621', '2025-12-31') WHERE class = 'A';
SELECT * FROM measure_loosenings();
-- The province's own minimums (art. 12-15) bind every row, provincial rows
-- included (1.3 accepted all three), and ratios in force stay in class order.
\set VERBOSITY terse
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio,
        proactive_onsite_inspection, key_licensing_review, key_supervision_target, basis)
VALUES ('410000', 'C', '2025-10-01', 0.05, true, true, false, 'looser ratio'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio,
        proactive_onsite_inspection, key_licensing_review, key_supervision_target, basis)
VALUES ('410000', 'C', '2025-10-01', 0.10, true, false, false, 'no key review for C'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio,
        proactive_onsite_inspection, key_licensing_review, key_supervision_target, basis)
VALUES ('410000', 'D', '2025-10-01', 0.20, true, false, false, 'no key supervision for D'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio)
VALUES ('411622', 'B', '2025-10-01', 0.15); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
BEGIN;
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio)
VALUES ('411622', 'B', '2025-10-01', 0.15);
SELECT * FROM measure_loosenings('411622');
ROLLBACK;
-- ... raising C with it keeps the order, and is accepted
BEGIN;
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio)
VALUES ('411622', 'B', '2025-10-01', 0.15), ('411622', 'C', '2025-10-01', 0.15);
SELECT count(*) AS loosenings FROM measure_loosenings();
SELECT class, min_spot_check_ratio FROM measures_in_force('411622', '2025-12-31');
ROLLBACK;
-- min_spot_check_ratio() reads the measures in force (by default the
-- province's, today), not a copy of its own
SELECT k AS class, min_spot_check_ratio(k, '411622', '2025-12-31') AS county_2025,
       min_spot_check_ratio(k, '411622', '2025-01-01') AS county_early_2025,
       min_spot_check_ratio(k, '410000', '2025-12-31') AS province_2025
  FROM unnest('{A,B,C,D}'::riskclass[]) k ORDER BY k;
SELECT min_spot_check_ratio('C') AS province_today, min_spot_check_ratio('B', '411622') AS county_today;
-- Provincial rows must state every measure; shipped rows are frozen.
-- (Terse: the failing row would show its recorded_at, the clock's time.)
\set VERBOSITY terse
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio)
VALUES ('410000', 'B', '2026-01-01', 0.04); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
UPDATE supervision_measure SET min_spot_check_ratio = 0.05 WHERE shipped AND class = 'B'; \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio)
VALUES ('411622', 'B', '2025-01-01', 1.5); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default

-- Each enterprise's measures now (by the final class of the latest run).
SELECT pg_temp.ent(1, '西华 A'), pg_temp.ent(2, '西华 C'), pg_temp.ent(3, '西华 D'), pg_temp.ent(4, '扶沟 C', '411621'),
       pg_temp.ent(5, '郑州 A', '410102'), pg_temp.ent(6, '济源 B', '419001') \gset
SELECT pg_temp.pts(1, '2025-12-31', 10), pg_temp.pts(2, '2025-12-31', 60), pg_temp.pts(3, '2025-12-31', 90),
       pg_temp.pts(4, '2025-12-31', 60, '411621'), pg_temp.pts(5, '2025-12-31', 10, '410102'),
       pg_temp.pts(6, '2025-12-31', 30, '419001');
SELECT enterprises, final_classes FROM refresh_classification('2025-12-31');
SELECT e.name, m.division_code, m.class, m.min_spot_check_ratio, m.proactive_onsite_inspection, m.key_licensing_review,
       m.key_supervision_target, m.other_measures, m.sources
  FROM enterprise_measures m JOIN enterprise e USING (uscc) ORDER BY e.uscc;

-- Leave a fresh extension behind.
DROP TABLE public.cls_points;
SET client_min_messages = warning;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
