-- Record kinds in the engine and revoked penalties (issue 14, 1.6).
-- Administrative enforcement (强制), confirmations (确认) and rewards (奖励)
-- are record sources of the C engine, with built-in indicators (rewards and
-- valid confirmations are positive signals: a higher value lowers the
-- score); a penalty revoked (撤销) on or before the run's date, as known at
-- the run's knowledge time, no longer counts.  Hand-built records at the date
-- edges; the C engine, the per-indicator definitions (indicators_to_sql())
-- and the set-based query (indicators_set_sql()) agree on each.
\i sql/include/classification_setup.psql
\i sql/include/record_kinds_model.psql

SELECT code, name, name_en, unit, builtin, shipped,
       code IN (SELECT code FROM model_indicators('reference-v1')) AS in_reference_v1
  FROM indicator
 WHERE code IN ('enforcement_in_force', 'enforcement_2y', 'confirmations_valid', 'rewards_3y', 'reward_level_3y')
 ORDER BY code;
SELECT array_agg(c ORDER BY c) FILTER (WHERE c IN ('enforcement_in_force', 'enforcement_2y', 'confirmations_valid',
                                                   'rewards_3y', 'reward_level_3y')) AS computed_in_c
  FROM engine_indicator_codes() c;

SELECT count(pg_temp.ent(n, format('%s 记录', lpad(n::text, 2, '0')))) AS enterprises FROM generate_series(1, 4) n;
-- 01 enforcement: decided 2024-06-30 (never lifted), 2024-07-01 (lifted
-- 2025-01-01), 2026-06-30 (not lifted).
INSERT INTO enforcement (uscc, decision_number, decision_date, measure, lifted_date, reported_by) VALUES
    (pg_temp.uscc(1, '411622'), '西市监强制〔2024〕1号', '2024-06-30', 'seal_up', NULL, '西华县市场监督管理局'),
    (pg_temp.uscc(1, '411622'), '西市监强制〔2024〕2号', '2024-07-01', 'seizure', '2025-01-01', '西华县市场监督管理局'),
    (pg_temp.uscc(1, '411622'), '西市监强制〔2026〕1号', '2026-06-30', 'freeze', NULL, '西华县市场监督管理局');
-- 02 confirmations: since 2020 without end; 2025-01-01 valid to 2026-06-30
-- (exclusive); from 2026-06-30.
INSERT INTO confirmation (uscc, decision_number, kind, confirmed_date, valid_to, reported_by) VALUES
    (pg_temp.uscc(2, '411622'), '确认1', '高新技术企业认定', '2020-01-01', NULL, '西华县市场监督管理局'),
    (pg_temp.uscc(2, '411622'), '确认2', '纳税信用A级', '2025-01-01', '2026-06-30', '西华县市场监督管理局'),
    (pg_temp.uscc(2, '411622'), '确认3', '守合同重信用企业', '2026-06-30', NULL, '西华县市场监督管理局');
-- 03 rewards: county 2023-06-30 (three years before 2026-06-30: out of that
-- window, in that of 2026-06-29), provincial 2024-01-01 revoked 2026-06-30,
-- city 2025-05-01.
INSERT INTO reward (uscc, title, level, award_date, revoked_date, reported_by) VALUES
    (pg_temp.uscc(3, '411622'), '县级诚信示范企业', 'county', '2023-06-30', NULL, '西华县市场监督管理局'),
    (pg_temp.uscc(3, '411622'), '省级质量奖', 'provincial', '2024-01-01', '2026-06-30', '西华县市场监督管理局'),
    (pg_temp.uscc(3, '411622'), '市级守信企业', 'city', '2025-05-01', NULL, '西华县市场监督管理局');
-- 04 penalties, all publicised until 2029: revoked the day before the as-of
-- date 2026-06-30, on it, the day after; one not revoked, whose revocation
-- (2026-05-01) is recorded later.
INSERT INTO penalty (uscc, decision_number, decision_date, severity, fine_amount, publicity_end_date, field, reported_by, revoked_on) VALUES
    (pg_temp.uscc(4, '411622'), '西市监罚〔2026〕1号', '2026-01-10', 'serious', 1000, '2029-01-10', 'food', '西华县市场监督管理局', '2026-06-29'),
    (pg_temp.uscc(4, '411622'), '西市监罚〔2026〕2号', '2026-02-10', 'general', 2000, '2029-02-10', 'other', '西华县市场监督管理局', '2026-06-30'),
    (pg_temp.uscc(4, '411622'), '西市监罚〔2026〕3号', '2026-03-10', 'minor', 4000, '2029-03-10', 'other', '西华县市场监督管理局', '2026-07-01'),
    (pg_temp.uscc(4, '411622'), '西市监罚〔2026〕4号', '2026-04-10', 'serious', 8000, '2029-04-10', 'drugs', '西华县市场监督管理局', NULL);
-- 05 is related to 04 (related_penalties_1y counts 04's penalties)
SELECT pg_temp.ent(5, '05 记录') IS NOT NULL AS related;
INSERT INTO related_party_link (from_uscc, to_uscc, kind, valid_from, reported_by)
VALUES (pg_temp.uscc(5, '411622'), pg_temp.uscc(4, '411622'), 'shareholder', '2020-01-01', 'test');
SELECT clock_timestamp() AS t_before_revocation \gset
UPDATE penalty SET revoked_on = '2026-05-01' WHERE decision_number = '西市监罚〔2026〕4号';

-- The new indicators by hand: on 2026-06-29 and 2026-06-30.
-- 01: in force 1 then 2 (2026-06-30 adds one), in 2 years 2 then 2
--     (2024-06-30 leaves the window, 2026-06-30 enters);
-- 02: valid 2 then 2 (the 2025 one ends, the 2026 one starts);
-- 03: rewards 3 then 1 (the county one leaves the window, the provincial one
--     is revoked), level 3 (provincial) then 2 (city): the score RISES as the
--     rewards go (positive signals).
SELECT d, right(c.uscc::text, 4) AS uscc, c.indicators, score_draft('record-kinds-draft', c.indicators) AS score
  FROM unnest('{2026-06-29,2026-06-30}'::date[]) d, compute_indicators('record-kinds-draft', d) c
 WHERE c.uscc IN (pg_temp.uscc(1, '411622'), pg_temp.uscc(2, '411622'), pg_temp.uscc(3, '411622'))
 ORDER BY 1, 2;

-- A copy of reference-v1 reduced to its penalty indicators and the related
-- ones, to see revocations.
SELECT model_copy('reference-v1', 'penalties-draft') IS NOT NULL AS copied;
DELETE FROM model_floor_condition WHERE model_key = 'penalties-draft';
DELETE FROM model_floor WHERE model_key = 'penalties-draft';
DELETE FROM model_indicator WHERE model_key = 'penalties-draft'
   AND code NOT IN ('penalties_1y', 'penalties_3y', 'penalties_in_publicity', 'penalty_max_severity_3y',
                    'penalties_serious_3y', 'penalties_general_3y', 'penalty_fines_3y', 'penalties_key_field_1y',
                    'penalties_key_field_3y', 'penalties_key_field_serious_3y', 'related_penalties_1y',
                    'related_serious_penalties_3y');
DELETE FROM model_group g WHERE g.model_key = 'penalties-draft'
   AND NOT EXISTS (SELECT 1 FROM model_indicator i WHERE i.model_key = g.model_key AND i.group_code = g.code);
DELETE FROM model_dimension d WHERE d.model_key = 'penalties-draft'
   AND NOT EXISTS (SELECT 1 FROM model_group g WHERE g.model_key = d.model_key AND g.dimension_code = d.code);
SELECT array_agg(code ORDER BY position) AS penalty_indicators FROM model_indicators('penalties-draft');
-- 04 as known now: on 2026-06-28 (before every revocation but the recorded
-- 2026-05-01 one) the three others count; on 2026-06-29 two (the first is
-- revoked that day); on 2026-06-30 one (the second is revoked on the as-of
-- date); on 2026-07-01 none.  As known before the fourth's revocation was
-- recorded, the fourth counts too.  05 counts 04's penalties as related.
SELECT t IS NULL AS now, d, right(c.uscc::text, 4) AS uscc, c.indicators
  FROM (VALUES (:'t_before_revocation'::timestamptz), (NULL)) v(t),
       unnest('{2026-06-28,2026-06-29,2026-06-30,2026-07-01}'::date[]) d,
       compute_indicators('penalties-draft', d, t) c
 WHERE c.uscc IN (pg_temp.uscc(4, '411622'), pg_temp.uscc(5, '411622'))
 ORDER BY 1, 2, 3;

-- C = definitions = set-based query, for both models, on each date, now and
-- as known before the revocation was recorded, on every enterprise.
CREATE FUNCTION pg_temp.run_sql(q text, d date, t timestamptz) RETURNS TABLE (uscc creditrisk.uscc, indicators float8[])
LANGUAGE plpgsql AS $$ BEGIN RETURN QUERY EXECUTE q USING d, t; END $$;
SELECT m, t IS NULL AS now, d,
       (SELECT count(*) FROM creditrisk.compute_indicators(m, d, t) c
          FULL JOIN pg_temp.run_sql(indicators_to_sql(m), d, t) s ON s.uscc = c.uscc
         WHERE array_send(c.indicators) IS DISTINCT FROM array_send(s.indicators)) AS definitions_differ,
       (SELECT count(*) FROM creditrisk.compute_indicators(m, d, t) c
          FULL JOIN pg_temp.run_sql(indicators_set_sql(m), d, t) s ON s.uscc = c.uscc
         WHERE array_send(c.indicators) IS DISTINCT FROM array_send(s.indicators)) AS set_based_differ
  FROM unnest('{record-kinds-draft,penalties-draft}'::text[]) m,
       (VALUES (:'t_before_revocation'::timestamptz), (NULL)) v(t),
       unnest('{2023-06-30,2026-06-28,2026-06-29,2026-06-30,2026-07-01}'::date[]) d
 ORDER BY 1, 2, 3;

DROP TABLE public.cls_points;
