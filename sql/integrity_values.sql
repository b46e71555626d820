-- Issue 11 §3 and §6: scores and bands are exact; NaN and infinities are not
-- data; "not in the future" is checked when a record is entered, not when a
-- dump is restored.
SET search_path = creditrisk, public;
\i sql/include/units.psql
\set SHOW_CONTEXT never
SET datestyle = 'ISO, YMD';
SET timezone = 'Asia/Shanghai';
SET extra_float_digits = 3;

-- A model whose exact score is 500: 10 x 50 x (0.18 x (0.73 + 0.27) + 0.82).
-- In double precision the sum is 499.99999999999994 (class B); art. 9 says C.
SELECT model_import($${"format": "creditrisk-model/1", "key": "exact-500", "description": "exact band edge",
  "dimensions": [
    {"code": "D1", "name": "一", "weight": 0.18, "groups": [{"code": "G1", "name": "一", "weight": 1, "indicators": [
      {"code": "exact_a", "name": "甲", "weight": 0.73, "rule": {"kind": "boolean", "true": 50, "false": 50, "missing": 50}},
      {"code": "exact_b", "name": "乙", "weight": 0.27, "rule": {"kind": "boolean", "true": 50, "false": 50, "missing": 50}}]}]},
    {"code": "D2", "name": "二", "weight": 0.82, "groups": [{"code": "G2", "name": "二", "weight": 1, "indicators": [
      {"code": "exact_c", "name": "丙", "weight": 1, "rule": {"kind": "boolean", "true": 50, "false": 50, "missing": 50}}]}]}],
  "floors": []}$$::jsonb || '{"status": "published"}');
SELECT 0.18::float8 * 0.73 * 10 * 50 + 0.18::float8 * 0.27 * 10 * 50 + 0.82::float8 * 10 * 50 AS double_sum;
SELECT score('exact-500', '{1,0,NULL}'::float8[]) AS score,
       classify(score('exact-500', '{1,0,NULL}'::float8[])) AS class;
SELECT score('exact-500', '{"exact_a": 1}'::jsonb) AS score_jsonb,
       (SELECT sum(contribution) FROM score_explain('exact-500', '{1,0,NULL}'::float8[])) AS explained;
SET creditrisk.simd = off;
SELECT score('exact-500', '{1,0,NULL}'::float8[]) AS score_scalar;
RESET creditrisk.simd;
-- model_to_sql() gives the same double
SELECT model_to_sql('exact-500') AS expr \gset
SELECT score('exact-500', ind) AS c_score, :expr AS sql_score,
       score('exact-500', ind) = :expr AS agree
  FROM (VALUES ('{1,0,NULL}'::float8[]), ('{NULL,NULL,NULL}')) v(ind);

-- Rounding is half-up at the second decimal place, on the exact sum
SELECT model_import($${"format": "creditrisk-model/1", "key": "exact-half", "description": "half-up",
  "dimensions": [
    {"code": "D1", "name": "一", "weight": 1, "groups": [{"code": "G1", "name": "一", "weight": 1, "indicators": [
      {"code": "half_a", "name": "甲", "weight": 0.001, "rule": {"kind": "bins", "missing": 0,
        "bins": [{"lower": null, "upper": 1, "points": 0.5}, {"lower": 1, "upper": 2, "points": 0.4},
                 {"lower": 2, "upper": 3, "points": 0.1}, {"lower": 3, "upper": null, "points": 100}]}},
      {"code": "half_b", "name": "乙", "weight": 0.999, "rule": {"kind": "boolean", "true": 100, "false": 0, "missing": 0}}]}]}],
  "floors": []}$$::jsonb || '{"status": "published"}');
SELECT model_to_sql('exact-half') AS expr \gset
SELECT v.ind, score('exact-half', v.ind) AS c_score, :expr AS sql_score, score('exact-half', v.ind) = :expr AS agree
  FROM (VALUES (1, '{0,0}'::float8[]), (2, '{1,0}'), (3, '{2,0}'), (4, '{0,1}'), (5, '{3,1}')) v(k, ind) ORDER BY v.k;

-- Weights that multiply out to more than 1 cannot be published, however
-- little: with 1 + 1e-9 a model scored 1000.0000008 and the monthly run failed
SELECT model_import(jsonb_set(model_export('exact-500'), '{dimensions,0,weight}', '0.180000001')
                    || '{"status": "draft"}', 'exact-over');
UPDATE model_indicator SET true_points = 100, false_points = 100, missing_points = 100
 WHERE model_key = 'exact-over';
SELECT * FROM model_validate('exact-over');
SELECT model_publish('exact-over'); \echo :LAST_ERROR_SQLSTATE
SELECT status FROM model WHERE model_key = 'exact-over';

-- NaN and infinities are not data (each column has its own CHECK)
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date,
                        registered_capital, reported_by, received_at)
VALUES ('91411622MA40000A13', '西华县示例食品有限公司', '411622', 'C1391', 3, '2015-03-02', 500, 'u', '2026-01-05 09:00+08');
\set VERBOSITY terse
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, registered_capital, reported_by)
VALUES ('91411622MA40000B27', 'x', '411622', 'C', 3, '2020-01-01', 'NaN', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
VALUES ('91411622MA40000B27', 'x', '411622', 'C', 3, '-infinity', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by, received_at)
VALUES ('91411622MA40000B27', 'x', '411622', 'C', 3, '2020-01-01', 'u', 'infinity'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO penalty (uscc, decision_number, decision_date, severity, fine_amount, reported_by)
VALUES ('91411622MA40000A13', 'N1', '2025-01-01', 'minor', 'NaN', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO penalty (uscc, decision_number, decision_date, severity, publicity_end_date, reported_by)
VALUES ('91411622MA40000A13', 'N1', '2025-01-01', 'minor', 'infinity', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO abnormal_listing (uscc, listed_date, removed_date, reason, reported_by)
VALUES ('91411622MA40000A13', '-infinity', NULL, 1, 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO abnormal_listing (uscc, listed_date, removed_date, reason, reported_by)
VALUES ('91411622MA40000A13', '2025-01-01', 'infinity', 1, 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO equity_pledge_freeze (uscc, kind, start_date, amount, reported_by)
VALUES ('91411622MA40000A13', 'pledge', '2025-01-01', 'NaN', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO related_party_link (from_uscc, to_uscc, kind, valid_from, reported_by)
VALUES ('91411622MA40000A13', '91411622MA40000A13', 'shareholder', '-infinity', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO indicator_value (uscc, as_of, code, value, reported_by)
VALUES ('91411622MA40000A13', 'infinity', 'registered_capital', 1, 'u'); \echo :LAST_ERROR_SQLSTATE
-- every date, timestamp and amount column of the register and the records has
-- one (recorded_at is set by the database: record_arrival() refuses infinity)
SELECT c.relname, a.attname AS column_without_finite_check
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
 WHERE c.relnamespace = 'creditrisk'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
   AND a.atttypid IN ('date'::regtype, 'timestamptz'::regtype, 'timestamp'::regtype, 'numeric'::regtype,
                      'float8'::regtype, 'float4'::regtype)
   AND c.relname IN ('enterprise', 'licence', 'penalty', 'spot_check', 'complaint', 'abnormal_listing',
                     'serious_dishonesty_listing', 'judgment_debtor_listing', 'annual_report',
                     'registration_change', 'related_party_link', 'equity_pledge_freeze', 'lawsuit',
                     'public_opinion', 'domain_risk_class', 'indicator_value')
   AND a.attname <> 'recorded_at'
   AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                    WHERE k.conrelid = c.oid AND k.contype = 'c' AND a.attnum = ANY (k.conkey)
                      AND k.conname ~ '_finite$')
 ORDER BY 1, 2;

-- "Not in the future" is checked when a record is entered or changed ...
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by)
VALUES ('91411622MA40000A13', 'N2', current_date + 1, 'minor', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO serious_dishonesty_listing (uscc, listed_date, reported_by)
VALUES ('91411622MA40000A13', current_date - 10, 'u');
UPDATE serious_dishonesty_listing SET removed_date = current_date + 30; \echo :LAST_ERROR_SQLSTATE
UPDATE serious_dishonesty_listing SET removed_date = current_date;
-- (an update that leaves a date alone does not check it again)
UPDATE serious_dishonesty_listing SET reported_by = 'v';
SELECT count(*) AS listings, count(removed_date) AS removed FROM serious_dishonesty_listing;
-- (a received_at of one's own does not lift the check: only a recorded_at,
-- which only the tables' owner may give, marks a restored row)
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by, received_at)
VALUES ('91411622MA40000A13', 'N3', current_date + 1, 'minor', 'u', now() + interval '2 days'); \echo :LAST_ERROR_SQLSTATE

\set VERBOSITY default
INSERT INTO spot_check (uscc, check_date, outcome, reported_by)
VALUES ('91411622MA40000A13', '2999-01-01', 'pass', 'u');

-- ... not when rows are restored: a dump taken on a server whose clock is
-- ahead of this one (records known tomorrow and in a month) loads with COPY,
-- as pg_restore does (as the owner, with each row's recorded_at); in 1.3
-- every CHECK (... <= current_date) refused it.
\copy (SELECT '91411622MA40000A13', 'D' || g, current_date + g, 'minor', 'u', (current_date + g + time '10:00') AT TIME ZONE 'Asia/Shanghai', (current_date + g + time '11:00') AT TIME ZONE 'Asia/Shanghai' FROM generate_series(1, 30, 29) g) TO 'results/integrity_values.copy'
\copy penalty (uscc, decision_number, decision_date, severity, reported_by, received_at, recorded_at) FROM 'results/integrity_values.copy'
\copy (SELECT '91411622MA40000A13', current_date - 5, current_date + 1, 1, 'u', (current_date + 1 + time '10:00') AT TIME ZONE 'Asia/Shanghai', (current_date + 1 + time '11:00') AT TIME ZONE 'Asia/Shanghai') TO 'results/integrity_values.copy'
\copy abnormal_listing (uscc, listed_date, removed_date, reason, reported_by, received_at, recorded_at) FROM 'results/integrity_values.copy'
SELECT decision_number, decision_date - current_date AS days_ahead FROM penalty ORDER BY decision_number;
SELECT removed_date - current_date AS removed_days_ahead FROM abnormal_listing;

-- Leave a fresh extension behind.
SET client_min_messages = warning;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
