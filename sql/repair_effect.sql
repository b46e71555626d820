-- What an approved credit repair (信用修复, issue 14) changes, and when: it
-- ends the listing or the publicity on its decision date as a record of its
-- own, so the next monthly run no longer applies the override (a D becomes
-- its score class), while a run of an earlier date, and a re-run with the
-- first run's knowledge time, still give D.  The C engine and the SQL
-- definitions agree on the ended listings, publicity and maximum terms, as
-- known now and as known before the repair.
-- A fresh extension, so that this file neither sees nor leaves other files' data.
\i sql/include/classification_setup.psql

-- 01 on the serious-dishonesty list since 2025-01-15, scores 300 (B);
-- 02 on it since 2022-11-30 with no removal date (3-year term: ends 2025-11-30),
-- scores 550 (C); 03 never listed, scores 100 (A).
SELECT count(pg_temp.ent(n, format('%s 修复效果', lpad(n::text, 2, '0')))) AS enterprises FROM generate_series(1, 3) n;
SELECT count(pg_temp.pts(n, d, p)) AS points
  FROM (VALUES (1, 30), (2, 55), (3, 10)) v(n, p),
       unnest('{2025-10-31,2025-11-30,2026-01-31,2026-02-28}'::date[]) d;
INSERT INTO serious_dishonesty_listing (uscc, listed_date, reported_by) VALUES
    (pg_temp.uscc(1, '411622'), '2025-01-15', '河南省市场监督管理局') RETURNING id AS s1 \gset
INSERT INTO serious_dishonesty_listing (uscc, listed_date, reported_by) VALUES
    (pg_temp.uscc(2, '411622'), '2022-11-30', '河南省市场监督管理局');

-- The maximum term: 02 is D on 2025-10-31 and its score class C from
-- 2025-11-30, the day its listing's 3-year term ends (no removal recorded).
SELECT as_of, version, final_classes, overrides FROM refresh_classification('2025-10-31');
SELECT as_of, version, final_classes, overrides FROM refresh_classification('2025-11-30');
SELECT as_of, uscc = pg_temp.uscc(2, '411622') AS is_02, score_class, final_class,
       overrides
  FROM classification_result WHERE uscc = pg_temp.uscc(2, '411622') ORDER BY as_of, version;

-- January and February, before the repair is recorded: 01 is D.
SELECT as_of, version, final_classes, overrides FROM refresh_classification('2026-01-31');
SELECT as_of, version, final_classes, overrides FROM refresh_classification('2026-02-28');
SELECT known_at AS t_feb FROM classification_run WHERE as_of = '2026-02-28' AND version = 1 \gset

-- The repair: applied 2026-02-10 (SAMR 2021: more than a year after the
-- listing), accepted the next day, approved on 2026-02-20.  The listing row
-- itself is not touched.
INSERT INTO credit_repair (uscc, target, serious_dishonesty_listing_id, channel, applied_date, accepted_date, reported_by)
VALUES (pg_temp.uscc(1, '411622'), 'serious_dishonesty_listing', :s1, 'online', '2026-02-10', '2026-02-11',
        '国家企业信用信息公示系统（河南）') RETURNING id AS r1 \gset
SELECT decision, decided_date, regime FROM repair_decide(:r1, 'approved', '2026-02-20', '列入满一年，已改正失信行为、履行法定义务');
SELECT listed_date, removed_date FROM serious_dishonesty_listing WHERE id = :s1;
SELECT count(*) AS listing_versions_replaced FROM serious_dishonesty_listing_history;

-- The next run of February: 01 is no longer D but its score class B.
SELECT as_of, version, final_classes, overrides FROM refresh_classification('2026-02-28');
-- A run of an earlier date (January, a new version): still D.
SELECT as_of, version, final_classes, overrides FROM refresh_classification('2026-01-31');
-- February again with the first run's knowledge time (before the repair was
-- recorded): D, as the first run said.
SELECT as_of, version, final_classes, overrides FROM refresh_classification('2026-02-28', NULL, :'t_feb');
SELECT as_of, version, score_class, final_class, overrides
  FROM classification_result WHERE uscc = pg_temp.uscc(1, '411622') ORDER BY as_of, version;
-- The current classification shows the latest version of the latest date
-- (February, version 3: the reproduction of version 1).
SELECT final_class FROM classification_current WHERE uscc = pg_temp.uscc(1, '411622');

-- The indicators: the C engine and the SQL definitions agree (reference-v1),
-- now and as known before the repair; the listing counts as removed on the
-- repair's date and 02's at the end of its term.
CREATE FUNCTION pg_temp.run_sql(q text, d date, t timestamptz) RETURNS TABLE (uscc creditrisk.uscc, indicators float8[])
LANGUAGE plpgsql AS $$ BEGIN RETURN QUERY EXECUTE q USING d, t; END $$;
SELECT t IS NULL AS now, d,
       (SELECT count(*) FROM ((SELECT * FROM compute_indicators('reference-v1', d, t)
                               EXCEPT ALL SELECT * FROM pg_temp.run_sql(indicators_to_sql('reference-v1'), d, t))
                              UNION ALL
                              (SELECT * FROM pg_temp.run_sql(indicators_to_sql('reference-v1'), d, t)
                               EXCEPT ALL SELECT * FROM compute_indicators('reference-v1', d, t))) x) AS c_sql_differences,
       -- the set-based reference (issue 16) applies the same ends
       (SELECT count(*) FROM ((SELECT * FROM compute_indicators('reference-v1', d, t)
                               EXCEPT ALL SELECT * FROM pg_temp.run_sql(indicators_set_sql('reference-v1'), d, t))
                              UNION ALL
                              (SELECT * FROM pg_temp.run_sql(indicators_set_sql('reference-v1'), d, t)
                               EXCEPT ALL SELECT * FROM compute_indicators('reference-v1', d, t))) x) AS c_set_differences
  FROM (VALUES (:'t_feb'::timestamptz), (NULL)) v(t), unnest('{2025-11-29,2025-11-30,2026-02-19,2026-02-20}'::date[]) d
 ORDER BY 1, 2;
CREATE FUNCTION pg_temp.ind(code text, d date, t timestamptz DEFAULT NULL) RETURNS TABLE (uscc text, value float8)
LANGUAGE sql AS $$
    SELECT right(c.uscc::text, 4), c.indicators[m.position]
      FROM creditrisk.compute_indicators('reference-v1', d, t) c,
           creditrisk.model_indicators('reference-v1') m
     WHERE m.code = ind.code $$;
SELECT d, t IS NULL AS now, code, string_agg(format('%s=%s', i.uscc, i.value), ' ' ORDER BY i.uscc) AS values
  FROM unnest('{serious_dishonesty_current,serious_dishonesty_removed_2y}'::text[]) code,
       unnest('{2025-11-29,2025-11-30,2026-02-19,2026-02-20}'::date[]) d,
       (VALUES (:'t_feb'::timestamptz), (NULL)) v(t),
       pg_temp.ind(code, d, t) i
 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;

-- A penalty's publicity and an abnormal listing end on the repair's date too.
INSERT INTO penalty (uscc, decision_number, decision_date, severity, publicity_end_date, field, reported_by)
VALUES (pg_temp.uscc(3, '411622'), '西华市监罚〔2025〕1号', '2025-03-01', 'serious', '2028-03-01', 'other', '西华县市场监督管理局')
RETURNING id AS p3 \gset
INSERT INTO abnormal_listing (uscc, listed_date, reason, reported_by)
VALUES (pg_temp.uscc(3, '411622'), '2025-06-01', 1, '西华县市场监督管理局') RETURNING id AS a3 \gset
INSERT INTO credit_repair (uscc, target, penalty_id, channel, applied_date, accepted_date, reported_by)
VALUES (pg_temp.uscc(3, '411622'), 'penalty', :p3, 'offline', '2025-09-01', '2025-09-02', '西华县市场监督管理局') RETURNING id AS r3p \gset
INSERT INTO credit_repair (uscc, target, abnormal_listing_id, channel, applied_date, accepted_date, reported_by)
VALUES (pg_temp.uscc(3, '411622'), 'abnormal_listing', :a3, 'offline', '2025-07-01', '2025-07-01', '西华县市场监督管理局') RETURNING id AS r3a \gset
SELECT clock_timestamp() AS t_before \gset
SELECT decision, decided_date FROM repair_decide(:r3p, 'approved', '2025-09-10', '公示满6个月');
SELECT decision, decided_date FROM repair_decide(:r3a, 'approved', '2025-07-05', '已补报年度报告');
SELECT d, t IS NULL AS now, code, string_agg(format('%s=%s', i.uscc, i.value), ' ' ORDER BY i.uscc) AS values
  FROM unnest('{penalties_in_publicity,abnormal_list_current}'::text[]) code,
       unnest('{2025-07-04,2025-07-05,2025-09-09,2025-09-10}'::date[]) d,
       (VALUES (:'t_before'::timestamptz), (NULL)) v(t),
       pg_temp.ind(code, d, t) i
 WHERE i.uscc = right(pg_temp.uscc(3, '411622')::text, 4)
 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
SELECT t IS NULL AS now, d,
       (SELECT count(*) FROM ((SELECT * FROM compute_indicators('reference-v1', d, t)
                               EXCEPT ALL SELECT * FROM pg_temp.run_sql(indicators_to_sql('reference-v1'), d, t))
                              UNION ALL
                              (SELECT * FROM pg_temp.run_sql(indicators_to_sql('reference-v1'), d, t)
                               EXCEPT ALL SELECT * FROM compute_indicators('reference-v1', d, t))) x) AS c_sql_differences,
       -- the set-based reference (issue 16) applies the same ends
       (SELECT count(*) FROM ((SELECT * FROM compute_indicators('reference-v1', d, t)
                               EXCEPT ALL SELECT * FROM pg_temp.run_sql(indicators_set_sql('reference-v1'), d, t))
                              UNION ALL
                              (SELECT * FROM pg_temp.run_sql(indicators_set_sql('reference-v1'), d, t)
                               EXCEPT ALL SELECT * FROM compute_indicators('reference-v1', d, t))) x) AS c_set_differences
  FROM (VALUES (:'t_before'::timestamptz), (NULL)) v(t), unnest('{2025-07-05,2025-09-10}'::date[]) d
 ORDER BY 1, 2;

-- A listing's maximum term comes from the rule set in force on its listing
-- date (the earliest set for a listing older than every set), as known at the
-- knowledge time; the C engine reads the rule sets once per call (through a
-- plan kept by the backend) and must see a set added in this very session.
-- A bureau's set from 2026-05-01 with a 2-month term: 04, listed 2026-06-01,
-- is no longer current from 2026-08-01 (3 years under the sets known before);
-- 05, listed 2020-01-01, before every set, ends after samr_2021's 3 years.
SELECT count(pg_temp.ent(n, format('%s 最长期限', lpad(n::text, 2, '0')))) AS enterprises FROM generate_series(4, 5) n;
INSERT INTO serious_dishonesty_listing (uscc, listed_date, reported_by) VALUES
    (pg_temp.uscc(4, '411622'), '2026-06-01', '河南省市场监督管理局'),
    (pg_temp.uscc(5, '411622'), '2020-01-01', '河南省市场监督管理局');
SELECT d, code, string_agg(format('%s=%s', i.uscc, i.value), ' ' ORDER BY i.uscc) AS values_before_the_set
  FROM unnest('{serious_dishonesty_current}'::text[]) code,
       unnest('{2022-12-31,2023-01-01,2026-07-31,2026-08-01}'::date[]) d,
       pg_temp.ind(code, d) i
 WHERE i.uscc IN (right(pg_temp.uscc(4, '411622')::text, 4), right(pg_temp.uscc(5, '411622')::text, 4))
 GROUP BY 1, 2 ORDER BY 1, 2;
SELECT clock_timestamp() AS t_before_set \gset
INSERT INTO repair_rule_set (regime, name, basis, effective_from, penalty_min_minor, penalty_min_general,
                             penalty_min_serious, penalty_min_key_field, unrepairable_sanctions,
                             abnormal_min_listing, serious_min_listing, serious_max_term, commitment_required)
VALUES ('henan_test', '测试规则', 'a bureau''s set for this test', '2026-05-01', '0 days', '3 months', '1 year', '1 year',
        ARRAY['licence_revoked'], '0 days', '1 month', '2 months', true);
SELECT d, t IS NULL AS now, code, string_agg(format('%s=%s', i.uscc, i.value), ' ' ORDER BY i.uscc) AS values
  FROM unnest('{serious_dishonesty_current}'::text[]) code,
       unnest('{2022-12-31,2023-01-01,2026-07-31,2026-08-01}'::date[]) d,
       (VALUES (:'t_before_set'::timestamptz), (NULL)) v(t),
       pg_temp.ind(code, d, t) i
 WHERE i.uscc IN (right(pg_temp.uscc(4, '411622')::text, 4), right(pg_temp.uscc(5, '411622')::text, 4))
 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
SELECT t IS NULL AS now, d,
       (SELECT count(*) FROM ((SELECT * FROM compute_indicators('reference-v1', d, t)
                               EXCEPT ALL SELECT * FROM pg_temp.run_sql(indicators_to_sql('reference-v1'), d, t))
                              UNION ALL
                              (SELECT * FROM pg_temp.run_sql(indicators_to_sql('reference-v1'), d, t)
                               EXCEPT ALL SELECT * FROM compute_indicators('reference-v1', d, t))) x) AS c_sql_differences
  FROM (VALUES (:'t_before_set'::timestamptz), (NULL)) v(t), unnest('{2023-01-01,2026-07-31,2026-08-01}'::date[]) d
 ORDER BY 1, 2;

DROP TABLE public.cls_points;
SET client_min_messages = warning;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
