-- Model calibration (issue 15): model_calibrate() copies a model into a
-- DRAFT whose points are rescaled, shift + scale x (points - the indicator's
-- median points on the run), clamped to 0-100, so that the classes of a run
-- land nearer a target distribution; it returns the parameters, the class
-- shares before and after and every point value it changed, and refuses bad
-- targets.  In a database of its own, filled by sample/generate.sql (1000
-- enterprises); the run is 2025-10-31.
SELECT current_database() AS regress_db \gset
SET client_min_messages = warning;
DROP DATABASE IF EXISTS creditrisk_calibration;
CREATE DATABASE creditrisk_calibration TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C';
\c creditrisk_calibration
SET client_min_messages = warning;
CREATE EXTENSION creditrisk;
\! psql -X -q -v ON_ERROR_STOP=1 -d creditrisk_calibration -v n=1000 -v as_of=2026-10-31 -f sample/generate.sql > /dev/null 2>&1 && echo generated
SET search_path = creditrisk, public;
SET datestyle = 'ISO, YMD';
SELECT count(*) > 0 AS ran FROM refresh_classification('2025-10-31') x;

-- Bad targets: each refused with 22023 (or 22004), nothing created.
\set VERBOSITY default
\set SHOW_CONTEXT never
SELECT * FROM model_calibrate('reference-v1', 'cal-x', '2025-10-31', 0.5, 0.3, 0.1, 0.2);
SELECT * FROM model_calibrate('reference-v1', 'cal-x', '2025-10-31', 0.7, 0.3, 0.1, -0.1);
SELECT * FROM model_calibrate('reference-v1', 'cal-x', '2025-10-31', 'NaN', 0.3, 0.1, 0.1);
SELECT * FROM model_calibrate('reference-v1', 'cal-x', '2025-10-31', 'Infinity', 0.3, 0.1, 0.1);
SELECT * FROM model_calibrate('reference-v1', 'cal-x', '2025-10-31', NULL, 0.3, 0.1, 0.1);
SELECT * FROM model_calibrate('reference-v1', 'cal-x', '2025-10-31', 0, 0.9, 0.05, 0.05);
SELECT * FROM model_calibrate('reference-v1', 'cal-x', NULL);
SELECT * FROM model_calibrate('no-such-model', 'cal-x', '2025-10-31');
SELECT * FROM model_calibrate('reference-v1', 'reference-v1', '2025-10-31');
SELECT * FROM model_calibrate('reference-v1', 'cal-x', '2024-01-31');
SELECT count(*) AS models FROM model;

-- Calibrate reference-v1 on the run to the default targets (the mean of the
-- published figures: A 0.624, B 0.285, C 0.0643, D 0.0267).
CREATE TEMP TABLE cal AS SELECT * FROM model_calibrate('reference-v1', 'cal-1', '2025-10-31');
-- a draft, based on reference-v1, its description stating the calibration
SELECT model_key, status, based_on, description ~ 'Calibration: points'' = clamp\(' AS described
  FROM model WHERE model_key = 'cal-1';
SELECT section, code, item, before IS NOT NULL AS has_before, after IS NOT NULL AS has_after
  FROM cal WHERE section <> 'points' ORDER BY section, code;
-- the scale stretches, the shares move towards the targets: fewer A, more B
SELECT (SELECT after FROM cal WHERE code = 'scale') > 1 AS stretched,
       (SELECT after < before FROM cal WHERE section = 'class_share' AND code = 'A') AS fewer_a,
       (SELECT after > before FROM cal WHERE section = 'class_share' AND code = 'B') AS more_b,
       (SELECT sum(after) FROM cal WHERE section = 'class_share') BETWEEN 0.999999 AND 1.000001 AS shares_sum_to_1;
-- the shares it reports are the run's enterprises scored by the draft, then
-- raised by the run's overrides
SELECT (SELECT round(after::numeric, 6) FROM cal WHERE section = 'class_share' AND code = 'A')
       = round(avg((greatest(classify(score_draft('cal-1', ci.indicators)),
                             coalesce((SELECT max((o.value->>'class')::riskclass) FROM jsonb_each(coalesce(r.override_details, '{}')) o
                                        WHERE jsonb_typeof(o.value) = 'object' AND o.value ? 'class'), 'A')) = 'A')::int)::numeric, 6)
       AS shares_reproduced
  FROM compute_indicators('reference-v1', '2025-10-31') ci
  JOIN classification_result r ON r.as_of = '2025-10-31' AND r.uscc = ci.uscc;
-- every point value it changed is listed, and model_points_diff() lists the same
SELECT count(*) > 100 AS many_changed,
       count(*) = (SELECT count(*) FROM model_points_diff('reference-v1', 'cal-1')) AS same_as_diff,
       bool_and(after BETWEEN 0 AND 100) AS within_0_100
  FROM cal WHERE section = 'points';
-- monotone: within an indicator, a riskier bin never gets fewer points
SELECT count(*) AS order_reversed
  FROM model_bin a JOIN model_bin b ON b.model_key = a.model_key AND b.indicator_code = a.indicator_code
  JOIN model_bin s ON s.model_key = 'reference-v1' AND s.indicator_code = a.indicator_code AND s.lower IS NOT DISTINCT FROM a.lower
  JOIN model_bin t ON t.model_key = 'reference-v1' AND t.indicator_code = b.indicator_code AND t.lower IS NOT DISTINCT FROM b.lower
 WHERE a.model_key = 'cal-1' AND s.points < t.points AND a.points > b.points;
-- the floors are unchanged
SELECT count(*) AS floors_changed FROM model_floor a JOIN model_floor b ON b.code = a.code AND b.model_key = 'reference-v1'
 WHERE a.model_key = 'cal-1' AND a.floor <> b.floor;
-- the administrator publishes it with model_publish(), and it classifies
SELECT model_publish('cal-1');
SELECT count(*) > 0 AS ran FROM refresh_classification('2025-10-31', 'cal-1') x;
SELECT model_key, version FROM classification_run WHERE as_of = '2025-10-31' ORDER BY version;

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE creditrisk_calibration;
