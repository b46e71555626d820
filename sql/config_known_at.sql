-- Configuration readers as known at a moment (issue 11 §4, 1.5): the
-- measures in force, the minimum spot-check ratio and the loaded indicator
-- values take a knowledge time T like the run's other readers; a change
-- entered after T (backdated or not) does not change what they give for T,
-- while "as known now" (NULL, or the two-argument forms) sees it.
\i sql/include/classification_setup.psql
SET datestyle = 'ISO, YMD';
SELECT count(pg_temp.ent(1, '企业 1', '411622', 'F5211')) AS enterprises;

-- 西华县 sets a stricter B ratio from 2025-01-01; a value is loaded for
-- the enterprise.  T1 is after both.
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio) VALUES ('411622', 'B', '2025-01-01', 0.05);
INSERT INTO indicator_value (uscc, as_of, code, value, reported_by)
SELECT pg_temp.uscc(1, '411622'), '2025-06-30', min(code), 7, 'test' FROM model_indicator WHERE model_key = 'reference-v1';
SELECT pg_catalog.clock_timestamp() AS t1 \gset

-- Later: the county's row is corrected (0.05 -> 0.08), a backdated city row
-- from 2024 raises C, and the loaded value is corrected.
UPDATE supervision_measure SET min_spot_check_ratio = 0.08 WHERE division_code = '411622' AND class = 'B';
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio) VALUES ('411600', 'C', '2024-01-01', 0.15);
UPDATE indicator_value SET value = 9 WHERE uscc = pg_temp.uscc(1, '411622');

-- As known at T1: what was entered by then.
SELECT class, min_spot_check_ratio, sources FROM measures_in_force('411622', '2025-06-30', :'t1') ORDER BY class;
SELECT min_spot_check_ratio('B', '411622', '2025-06-30', :'t1') AS b_at_t1, min_spot_check_ratio('C', '411622', '2025-06-30', :'t1') AS c_at_t1;
SELECT uscc = pg_temp.uscc(1, '411622') AS ours, indicators FROM loaded_indicators('reference-v1', '2025-06-30', :'t1');
-- As known now: the corrections and the backdated row.
SELECT class, min_spot_check_ratio, sources FROM measures_in_force('411622', '2025-06-30') ORDER BY class;
SELECT class, min_spot_check_ratio FROM measures_in_force('411622', '2025-06-30', NULL) ORDER BY class;
SELECT min_spot_check_ratio('B', '411622', '2025-06-30') AS b_now, min_spot_check_ratio('C', '411622', '2025-06-30') AS c_now;
SELECT indicators FROM loaded_indicators('reference-v1', '2025-06-30');
SELECT indicators FROM loaded_indicators('reference-v1', '2025-06-30', NULL);
-- Before anything was entered here: the provincial rows only.
SELECT class, min_spot_check_ratio FROM measures_in_force('411622', '2025-06-30', '-infinity') ORDER BY class;
SELECT count(*) AS loaded_before FROM loaded_indicators('reference-v1', '2025-06-30', '-infinity');
-- NULL division or date: nothing, as before.
SELECT count(*) AS rows FROM measures_in_force(NULL, '2025-06-30', :'t1');

DROP TABLE public.cls_points;
SET client_min_messages = warning;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
