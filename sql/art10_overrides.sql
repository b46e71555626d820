-- Art. 10 (第十条): overrides (直接定性) on hand-built enterprises: each alone and
-- combined, expired listings, industry rules with dates, rules added as data.
-- A fresh extension, so that this file neither sees nor leaves other files' data.
\i sql/include/classification_setup.psql

-- Art. 10: currently on the serious-dishonesty list → D; currently a dishonest
-- judgment debtor → D; in a high-social-concern industry → C or D as
-- configured.  Overrides only raise; every one that applied is recorded.
SELECT pg_temp.ent(1, '01 无记录'), pg_temp.ent(2, '02 严重失信'), pg_temp.ent(3, '03 严重失信已移出'),
       pg_temp.ent(4, '04 失信被执行人'), pg_temp.ent(5, '05 失信被执行人后列入'), pg_temp.ent(6, '06 失信被执行人当日移出'),
       pg_temp.ent(7, '07 医药制造 C', industry => 'C2710'), pg_temp.ent(8, '08 焰火制造 D', industry => 'C2672'),
       pg_temp.ent(9, '09 医药制造 高分', industry => 'C2710'), pg_temp.ent(10, '10 三者兼有', industry => 'C2761'),
       pg_temp.ent(11, '11 零售 限期', industry => 'F5211'), pg_temp.ent(12, '12 煤炭示例', industry => 'B0610'),
       pg_temp.ent(13, '13 地址失联') \gset
SELECT pg_temp.pts(n, d, p)
  FROM (VALUES (1, 10), (2, 10), (3, 10), (4, 30), (5, 10), (6, 10), (7, 10), (8, 60), (9, 80), (10, 10),
               (11, 25), (12, 10), (13, 10)) v(n, p),
       unnest('{2025-08-31,2025-12-31}'::date[]) d;
INSERT INTO serious_dishonesty_listing (uscc, listed_date, removed_date, reported_by) VALUES
    (pg_temp.uscc(2, '411622'), '2025-02-01', NULL, '河南省市场监督管理局'),
    (pg_temp.uscc(3, '411622'), '2023-03-01', '2025-06-01', '河南省市场监督管理局'),
    (pg_temp.uscc(10, '411622'), '2025-01-10', NULL, '河南省市场监督管理局');
INSERT INTO judgment_debtor_listing (uscc, listed_date, removed_date, reported_by) VALUES
    (pg_temp.uscc(4, '411622'), '2024-11-20', NULL, '西华县人民法院'),
    (pg_temp.uscc(5, '411622'), '2025-10-15', NULL, '西华县人民法院'),
    (pg_temp.uscc(6, '411622'), '2024-01-01', '2025-12-31', '西华县人民法院'),
    (pg_temp.uscc(6, '411622'), '2023-01-01', '2023-06-30', '西华县人民法院'),
    (pg_temp.uscc(10, '411622'), '2025-05-05', NULL, '西华县人民法院');
INSERT INTO abnormal_listing (uscc, listed_date, reason, reported_by) VALUES
    (pg_temp.uscc(13, '411622'), '2025-03-01', 4, '西华县市场监督管理局');

-- The shipped rules (frozen) and the industry configuration: the shipped
-- entries are examples that are never applied.
SELECT code, name, basis, enabled, shipped FROM override_rule ORDER BY code;
SELECT industry_prefix, class, effective_from, effective_to, name, example FROM high_concern_industry ORDER BY industry_prefix;
-- The bureau's own entries: pharmaceuticals C, fireworks D (from 2025), and a
-- retail rule that applied only from July to September 2025.
INSERT INTO high_concern_industry (industry_prefix, effective_from, effective_to, class, name) VALUES
    ('C27', '2024-01-01', NULL, 'C', '医药制造业'),
    ('C2672', '2025-01-01', NULL, 'D', '焰火、鞭炮产品制造'),
    ('F52', '2025-07-01', '2025-09-30', 'C', '零售业（专项整治期间）');
-- A new kind of override, as data: unreachable at the registered address (reason 4) → C.
INSERT INTO override_rule (code, name, name_en, basis, rule_sql) VALUES
    ('unreachable_address', '通过登记的住所无法联系', 'Unreachable at the registered address', 'local rule (example)',
     $$SELECT a.uscc, 'C' AS class, a.listed_date FROM creditrisk.abnormal_listing a
        WHERE a.reason = 4 AND creditrisk.is_current(a.listed_date, a.removed_date, $1)$$);

SELECT refresh_classification('2025-08-31') IS NOT NULL AS ran_august;
SELECT refresh_classification('2025-12-31') IS NOT NULL AS ran_december;
-- Both dates side by side: "currently" is judged on each classification date.
SELECT e.name, a.score_class AS aug_score, a.final_class AS aug_final, a.overrides AS aug_overrides,
       d.score_class AS dec_score, d.final_class AS dec_final, d.overrides AS dec_overrides
  FROM enterprise e
  JOIN classification_result a ON a.uscc = e.uscc AND a.as_of = '2025-08-31'
  JOIN classification_result d ON d.uscc = e.uscc AND d.as_of = '2025-12-31'
 ORDER BY e.uscc;
-- Why: the detail of every override that applied (the latest run).
SELECT e.name, c.score_class, c.final_class, jsonb_pretty(c.override_details)
  FROM classification_current c JOIN enterprise e USING (uscc)
 WHERE c.override_details IS NOT NULL ORDER BY e.uscc;
SELECT as_of, overridden, overrides, final_classes FROM classification_run ORDER BY as_of;
-- Overrides never lower a class (the history refuses it, too).
SELECT count(*) AS lowered FROM classification_result WHERE final_class < score_class;
UPDATE classification_result SET final_class = 'A' WHERE score_class = 'D'; \echo :LAST_ERROR_SQLSTATE
INSERT INTO classification_result (as_of, version, uscc, division_code, score, score_class, final_class)
SELECT '2025-08-31', 99, uscc, division_code, score, score_class, 'A' FROM classification_result
 WHERE score_class = 'D' ORDER BY as_of, uscc::text COLLATE "C" LIMIT 1; \echo :LAST_ERROR_SQLSTATE

-- A disabled rule, and a rule dated out of the run, do not apply.
UPDATE override_rule SET enabled = false WHERE code = 'unreachable_address';
SELECT overrides FROM refresh_classification('2025-12-31');
UPDATE override_rule SET enabled = true, effective_from = '2026-01-01' WHERE code = 'unreachable_address';
SELECT overrides FROM refresh_classification('2025-12-31');

-- Rules are checked when written, and fail clearly when run.
INSERT INTO override_rule (code, name, rule_sql) VALUES ('bad_sql', '错误', 'SELECT uscc FROM creditrisk.enterprise'); \echo :LAST_ERROR_SQLSTATE
-- (the check parses and analyses a rule, never runs it: a class that is not
-- one is found when the rule runs, and the run stops there)
INSERT INTO override_rule (code, name, rule_sql) VALUES ('bad_class', '错误', $$SELECT uscc, 'E' AS class FROM creditrisk.enterprise$$); \echo :LAST_ERROR_SQLSTATE
SELECT refresh_classification('2025-12-31'); \echo :LAST_ERROR_SQLSTATE
DELETE FROM override_rule WHERE code = 'bad_class';
INSERT INTO override_rule (code, name, rule_sql) VALUES ('fails_in_2025', '运行出错',
    $$SELECT uscc, 'C' AS class FROM creditrisk.enterprise WHERE 1 / (extract(year FROM $1)::int - 2025) = 0$$);
SELECT refresh_classification('2025-12-31'); \echo :LAST_ERROR_SQLSTATE
SELECT version, final_classes FROM classification_run WHERE as_of = '2025-12-31' ORDER BY version;  -- the failed run left nothing
DELETE FROM override_rule WHERE code = 'fails_in_2025';
\set VERBOSITY terse
-- (Terse: a failing row would show its recorded_at, the clock's time, and its author.)
INSERT INTO override_rule (code, name, rule_sql) VALUES ('Bad', '错误', $$SELECT uscc, 'C' AS class FROM creditrisk.enterprise$$); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
UPDATE override_rule SET enabled = false WHERE code = 'judgment_debtor'; \echo :LAST_ERROR_SQLSTATE
DELETE FROM override_rule WHERE code = 'serious_dishonesty'; \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
INSERT INTO high_concern_industry (industry_prefix, effective_from, class) VALUES ('C13', '2025-01-01', 'B'); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
INSERT INTO high_concern_industry (industry_prefix, effective_from, class) VALUES ('C1', '2025-01-01', 'C'); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
INSERT INTO high_concern_industry (industry_prefix, effective_from, effective_to, class) VALUES ('C13', '2025-01-01', '2024-01-01', 'C'); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
UPDATE high_concern_industry SET example = false WHERE industry_prefix = 'B06'; \echo :LAST_ERROR_SQLSTATE

-- Art. 10 (3): the most specific prefix applies, so a bureau can make an
-- exception for a narrower industry (NULL class) or set a narrower one
-- milder than its division (1.3 took the riskiest matching prefix).
INSERT INTO high_concern_industry (industry_prefix, effective_from, class, name) VALUES
    ('C2770', '2025-01-01', NULL, '卫生材料及医药用品制造（例外）'),
    ('C26', '2025-01-01', 'D', '化学原料和化学制品制造业'),
    ('C266', '2025-01-01', 'C', '专用化学产品制造');
SELECT pg_temp.ent(21, '21 医药 例外', industry => 'C2770'), pg_temp.ent(22, '22 化学 D', industry => 'C2619'),
       pg_temp.ent(23, '23 专用化学 C', industry => 'C2661'), pg_temp.ent(24, '24 焰火 D', industry => 'C2672') \gset
SELECT pg_temp.pts(n, '2025-12-31', 10) FROM generate_series(21, 24) n;
SELECT overrides FROM refresh_classification('2025-12-31');
SELECT e.name, e.industry_code, c.final_class, c.override_details -> 'high_concern_industry' AS detail
  FROM classification_current c JOIN enterprise e USING (uscc)
 WHERE e.name ~ '^(07|08|2[1-4]) ' ORDER BY e.uscc;

-- Each run's summary equals its rows in the history (1.9).
\i sql/include/run_summary.psql

-- Leave a fresh extension behind.
DROP TABLE public.cls_points;
SET client_min_messages = warning;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
