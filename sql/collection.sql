-- Credit-information collection (归集): the register and every record kind,
-- a valid insert each and every rejected form with its exact error; a batch
-- with one bad row loads nothing.
SET search_path = creditrisk, public;
\i sql/include/units.psql
\set SHOW_CONTEXT never
SET datestyle = 'ISO, YMD';
SET timezone = 'Asia/Shanghai';

-- The register
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date,
                        registered_capital, paid_in_capital, reported_by, received_at)
VALUES ('91411622MA40000A13', '西华县示例食品有限公司', '411622', 'C1391', 3, '2015-03-02', 500, 100, '西华县市场监督管理局', '2026-01-05 09:00+08'),
       ('91411622MA40000B27', '西华县示例餐饮店', '411622', 'H6210', 6, '2019-07-15', 10, 10, '西华县市场监督管理局', '2026-01-05 09:00+08'),
       ('91411602MA40000C3C', '周口示例药房', '411602', 'F5251', 4, '2012-11-30', 50, 50, '周口市市场监督管理局', '2026-01-05 09:00+08');
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, parent_uscc,
                        status, status_date, reported_by, received_at)
VALUES ('91410100MA40000D4D', '示例食品有限公司郑州分公司', '410100', 'C1391', 3, '2018-01-01', '91411622MA40000A13',
        'revoked', '2024-05-01', '郑州市市场监督管理局', '2026-01-05 09:00+08');
SELECT uscc, name, division_code, industry_code, status, status_date, parent_uscc FROM enterprise ORDER BY uscc;

-- Rejected register rows
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
VALUES ('91411622MA40000A14', 'x', '411622', 'C', 3, '2020-01-01', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
VALUES ('91411622MA40000E5K', 'x', '991622', 'C', 3, '2020-01-01', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
VALUES ('91411622MA40000E5K', 'x', '41162', 'C', 3, '2020-01-01', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
VALUES ('91411622MA40000E5K', 'x', '411622', 'Z99', 3, '2020-01-01', 'u'); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
VALUES ('91411622MA40000E5K', 'x', '411622', 'C', 3, current_date + 1, 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by, registered_capital)
VALUES ('91411622MA40000E5K', 'x', '411622', 'C', 3, '2020-01-01', 'u', -1); \echo :LAST_ERROR_SQLSTATE
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by, status)
VALUES ('91411622MA40000E5K', 'x', '411622', 'C', 3, '2020-01-01', 'u', 'revoked'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by, status, status_date)
VALUES ('91411622MA40000E5K', 'x', '411622', 'C', 3, '2020-01-01', 'u', 'cancelled', '2019-01-01'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by, parent_uscc)
VALUES ('91411622MA40000E5K', 'x', '411622', 'C', 3, '2020-01-01', 'u', '91350100M000100Y43'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
VALUES ('91411622MA40000E5K', 'x', '411622', 'C', 3, '2020-01-01', ''); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default

-- Every record kind: a valid row ...
INSERT INTO licence (uscc, licence_number, kind, valid_from, valid_to, reported_by, received_at)
VALUES ('91411622MA40000A13', 'JY14116220001', 'food business', '2021-01-01', '2025-12-31', '西华县市场监督管理局', '2026-01-05 09:00+08');
INSERT INTO penalty (uscc, decision_number, decision_date, severity, fine_amount, publicity_end_date, field, reported_by, received_at)
VALUES ('91411622MA40000A13', '西市监罚〔2025〕12号', '2025-06-10', 'general', 2.5, '2026-06-10', 'food', '西华县市场监督管理局', '2025-06-16 10:00+08');
INSERT INTO spot_check (uscc, check_date, outcome, refused, reported_by, received_at)
VALUES ('91411622MA40000B27', '2025-09-01', 'rectification_ordered', false, '西华县市场监督管理局', '2025-09-03 10:00+08');
INSERT INTO complaint (uscc, received_date, kind, substantiated, reported_by, received_at)
VALUES ('91411622MA40000B27', '2025-10-11', 'complaint', true, '12345热线', '2025-10-11 18:00+08');
INSERT INTO abnormal_listing (uscc, listed_date, removed_date, reason, reported_by, received_at)
VALUES ('91411602MA40000C3C', '2023-07-01', '2024-03-15', 1, '周口市市场监督管理局', '2024-03-16 09:00+08');
INSERT INTO serious_dishonesty_listing (uscc, listed_date, reported_by, received_at)
VALUES ('91411602MA40000C3C', '2025-02-01', '河南省市场监督管理局', '2025-02-02 09:00+08');
INSERT INTO judgment_debtor_listing (uscc, listed_date, removed_date, reported_by, received_at)
VALUES ('91411622MA40000A13', '2022-05-01', '2024-05-01', '西华县人民法院', '2024-05-02 09:00+08');
INSERT INTO annual_report (uscc, year, filed_on, reported_by, received_at)
VALUES ('91411622MA40000A13', 2024, '2025-05-20', '国家企业信用信息公示系统', '2025-05-20 12:00+08'),
       ('91411622MA40000B27', 2024, '2025-08-02', '国家企业信用信息公示系统', '2025-08-02 12:00+08');
INSERT INTO registration_change (uscc, change_date, kind, old_value, new_value, reported_by, received_at)
VALUES ('91411622MA40000B27', '2025-04-01', 'legal_representative', '张三', '李四', '西华县市场监督管理局', '2025-04-01 15:00+08');
INSERT INTO related_party_link (from_uscc, to_uscc, kind, valid_from, reported_by, received_at)
VALUES ('91411622MA40000A13', '91410100MA40000D4D', 'branch', '2018-01-01', '郑州市市场监督管理局', '2026-01-05 09:00+08');
INSERT INTO equity_pledge_freeze (uscc, kind, start_date, amount, reported_by, received_at)
VALUES ('91411622MA40000A13', 'freeze', '2025-11-01', 200, '西华县人民法院', '2025-11-02 09:00+08');
INSERT INTO lawsuit (uscc, filed_date, role, kind, reported_by, received_at)
VALUES ('91411622MA40000A13', '2025-03-03', 'defendant', 'labour', '西华县人民法院', '2025-03-10 09:00+08');
INSERT INTO public_opinion (uscc, published_date, sentiment, source, reported_by, received_at)
VALUES ('91411622MA40000B27', '2025-10-12', 'negative', 'weibo', '舆情监测', '2025-10-12 20:00+08');
INSERT INTO domain_risk_class (uscc, domain, class, assessed_date, reported_by, received_at)
VALUES ('91411622MA40000A13', 'food', 'C', '2025-12-01', '西华县市场监督管理局', '2025-12-02 09:00+08');
SELECT uscc, year, filed_on, on_time FROM annual_report ORDER BY uscc;

-- "Current" on a date: listed on or before it, not removed by it
SELECT d, is_current('2023-07-01', '2024-03-15', d) AS abnormal_current
  FROM unnest('{2023-06-30,2023-07-01,2024-03-14,2024-03-15,2025-01-01}'::date[]) d;
-- is_current() and in_population() are inlined: the planner sees the
-- comparisons themselves (no function call per row; an index can serve them)
EXPLAIN (COSTS OFF)
SELECT count(*) FROM abnormal_listing l WHERE is_current(l.listed_date, l.removed_date, '2025-06-30');
EXPLAIN (COSTS OFF)
SELECT count(*) FROM enterprise e WHERE in_population(e.established_date, e.status, e.status_date, '2025-06-30');

-- ... and each rejected form, with its error
\set VERBOSITY terse
-- an enterprise not on the register; an invalid code
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by)
VALUES ('91350100M000100Y43', 'N1', '2025-01-01', 'minor', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by)
VALUES ('91411622MA40000A14', 'N1', '2025-01-01', 'minor', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by)
VALUES ('91411622MA40000A13', 'N1', current_date + 1, 'minor', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO penalty (uscc, decision_number, decision_date, severity, fine_amount, reported_by)
VALUES ('91411622MA40000A13', 'N1', '2025-01-01', 'minor', -0.01, 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by)
VALUES ('91411622MA40000A13', 'N1', '2025-01-01', 'grave', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO penalty (uscc, decision_number, decision_date, severity, publicity_end_date, reported_by)
VALUES ('91411622MA40000A13', 'N1', '2025-01-01', 'minor', '2024-12-31', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO penalty (uscc, decision_number, decision_date, severity, field, reported_by)
VALUES ('91411622MA40000A13', 'N1', '2025-01-01', 'minor', 'cosmetics', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by)
VALUES ('91411622MA40000A13', '西市监罚〔2025〕12号', '2025-01-01', 'minor', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO licence (uscc, licence_number, valid_from, valid_to, reported_by)
VALUES ('91411622MA40000A13', 'L', '2025-01-01', '2024-01-01', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO licence (uscc, licence_number, valid_from, revoked_date, reported_by)
VALUES ('91411622MA40000A13', 'L', '2025-01-01', '2024-01-01', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO spot_check (uscc, check_date, outcome, reported_by)
VALUES ('91411622MA40000A13', '2025-01-01', 'failed', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO spot_check (uscc, check_date, outcome, reported_by)
VALUES ('91411622MA40000A13', current_date + 1, 'pass', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO complaint (uscc, received_date, kind, reported_by)
VALUES ('91411622MA40000A13', '2025-01-01', 'praise', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO abnormal_listing (uscc, listed_date, removed_date, reason, reported_by)
VALUES ('91411622MA40000A13', '2025-01-01', '2024-12-31', 1, 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO abnormal_listing (uscc, listed_date, reason, reported_by)
VALUES ('91411622MA40000A13', '2025-01-01', 5, 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO serious_dishonesty_listing (uscc, listed_date, removed_date, reported_by)
VALUES ('91411622MA40000A13', '2025-01-01', '2024-12-31', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO judgment_debtor_listing (uscc, listed_date, removed_date, reported_by)
VALUES ('91411622MA40000A13', '2025-01-01', '2024-12-31', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO judgment_debtor_listing (uscc, listed_date, removed_date, reported_by)
VALUES ('91411622MA40000A13', '2025-01-01', current_date + 1, 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO annual_report (uscc, year, filed_on, reported_by)
VALUES ('91411622MA40000A13', 2024, '2024-12-31', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO annual_report (uscc, year, filed_on, reported_by)
VALUES ('91411622MA40000A13', 2024, '2025-03-01', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO registration_change (uscc, change_date, kind, reported_by)
VALUES ('91411622MA40000A13', '2025-01-01', 'colour', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO related_party_link (from_uscc, to_uscc, kind, reported_by)
VALUES ('91411622MA40000A13', '91411622MA40000A13', 'shareholder', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO related_party_link (from_uscc, to_uscc, kind, reported_by)
VALUES ('91411622MA40000A13', '91411622MA40000B27', 'friend', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO equity_pledge_freeze (uscc, kind, start_date, end_date, reported_by)
VALUES ('91411622MA40000A13', 'pledge', '2025-01-01', '2024-01-01', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO lawsuit (uscc, filed_date, role, kind, reported_by)
VALUES ('91411622MA40000A13', '2025-01-01', 'judge', 'civil', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO public_opinion (uscc, published_date, sentiment, reported_by)
VALUES ('91411622MA40000A13', '2025-01-01', 'angry', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO domain_risk_class (uscc, domain, class, assessed_date, reported_by)
VALUES ('91411622MA40000A13', 'food', 'E', '2025-01-01', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO domain_risk_class (uscc, domain, class, assessed_date, reported_by)
VALUES ('91411622MA40000A13', 'Food!', 'A', '2025-01-01', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO complaint (uscc, received_date, kind, reported_by)
VALUES ('91411622MA40000A13', '2025-01-01', 'report', ''); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default

-- A batch with one bad row loads nothing
SELECT count(*) AS penalties_before FROM penalty;
\set VERBOSITY terse
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by)
SELECT '91411622MA40000A13'::uscc, 'BATCH-' || i, date '2025-01-01' + i, 'minor', 'u' FROM generate_series(1, 99) i
UNION ALL SELECT '91411622MA40000A13', 'BATCH-100', date '2025-01-01', 'minor', 'u'
UNION ALL SELECT '91411622MA40000A13', 'BATCH-101', date '2025-01-01', 'minor', ''; \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT count(*) AS penalties_after FROM penalty;

-- An enterprise with records cannot disappear from the register
DELETE FROM enterprise WHERE uscc = '91411622MA40000B27'; \echo :LAST_ERROR_SQLSTATE

-- Indicator values computed elsewhere: loaded by USCC, date and code, scored
INSERT INTO indicator_value (uscc, as_of, code, value, reported_by, received_at)
VALUES ('91411622MA40000A13', '2025-12-31', 'penalties_1y', 1, '省大数据中心', '2026-01-02 09:00+08'),
       ('91411622MA40000A13', '2025-12-31', 'abnormal_list_current', 0, '省大数据中心', '2026-01-02 09:00+08'),
       ('91411622MA40000A13', '2025-12-31', 'years_in_operation', NULL, '省大数据中心', '2026-01-02 09:00+08'),
       ('91411622MA40000B27', '2025-12-31', 'spot_check_refused_1y', 1, '省大数据中心', '2026-01-02 09:00+08'),
       ('91411622MA40000B27', '2025-11-30', 'spot_check_refused_1y', 0, '省大数据中心', '2026-01-02 09:00+08');
SELECT uscc, indicators FROM loaded_indicators('reference-v1', '2025-12-31') ORDER BY uscc;
SELECT l.uscc, round(score('reference-v1', l.indicators)::numeric, 2) AS score,
       classify(score('reference-v1', l.indicators)), score_reasons('reference-v1', l.indicators, 2)
  FROM loaded_indicators('reference-v1', '2025-12-31') l ORDER BY l.uscc;
\set VERBOSITY terse
INSERT INTO indicator_value (uscc, as_of, code, value, reported_by)
VALUES ('91411622MA40000A13', '2025-12-31', 'no_such_indicator', 1, 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO indicator_value (uscc, as_of, code, value, reported_by)
VALUES ('91350100M000100Y43', '2025-12-31', 'penalties_1y', 1, 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO indicator_value (uscc, as_of, code, value, reported_by)
VALUES ('91411622MA40000A13', '2025-12-31', 'penalties_3y', 'NaN', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO indicator_value (uscc, as_of, code, value, reported_by)
VALUES ('91411622MA40000A13', '2025-12-31', 'penalties_1y', 2, 'u'); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default

-- The record kinds of the work plan (1.5): administrative enforcement (行政强制),
-- confirmation (行政确认), rewards (行政奖励); each with its unit, history
-- and refused forms
INSERT INTO enforcement (uscc, decision_number, decision_date, measure, lifted_date, reported_by, received_at)
VALUES ('91411622MA40000A13', '西市监强〔2025〕2号', '2025-06-12', 'seal_up', '2025-07-01', '西华县市场监督管理局', '2025-06-13 09:00+08');
INSERT INTO confirmation (uscc, decision_number, kind, confirmed_date, valid_to, reported_by, received_at)
VALUES ('91411602MA40000C3C', 'GR202541000123', '高新技术企业认定', '2025-03-01', '2028-03-01', '河南省市场监督管理局', '2025-03-02 09:00+08');
INSERT INTO reward (uscc, title, level, award_date, reported_by, received_at)
VALUES ('91411622MA40000B27', '守合同重信用企业', 'provincial', '2025-05-20', '河南省市场监督管理局', '2025-05-21 09:00+08');
SELECT uscc, measure, decision_date, lifted_date, reported_by FROM enforcement ORDER BY uscc;
SELECT uscc, kind, confirmed_date, valid_to FROM confirmation ORDER BY uscc;
SELECT uscc, title, level, award_date FROM reward ORDER BY uscc;
UPDATE reward SET revoked_date = '2025-09-01';
SELECT uscc, title, revoked_date IS NULL AS was_standing FROM reward_history ORDER BY uscc;
-- a positive signal a catalogue indicator can read (README), as known at a time
INSERT INTO indicator (code, name, name_en, unit, definition_sql) VALUES ('regress_rewards_3y', '近三年行政奖励', 'Rewards in 3 years', 'count',
  $$(SELECT count(*) FROM creditrisk.reward_as_known($2) r WHERE r.uscc = e.uscc AND r.award_date > ($1 - interval '3 years')::date
       AND r.award_date <= $1 AND (r.revoked_date IS NULL OR r.revoked_date > $1))$$);
SELECT e.uscc, d, (SELECT count(*) FROM reward_as_known(NULL) r WHERE r.uscc = e.uscc AND r.award_date > (d - interval '3 years')::date
                     AND r.award_date <= d AND (r.revoked_date IS NULL OR r.revoked_date > d)) AS rewards_3y
  FROM enterprise e, unnest('{2025-06-30,2025-12-31}'::date[]) d WHERE e.uscc = '91411622MA40000B27' ORDER BY d;
DELETE FROM indicator WHERE code = 'regress_rewards_3y';
\set VERBOSITY terse
INSERT INTO enforcement (uscc, decision_number, decision_date, measure, reported_by)
VALUES ('91411622MA40000A13', 'x', '2025-06-12', 'arrest', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO enforcement (uscc, decision_number, decision_date, measure, lifted_date, reported_by)
VALUES ('91411622MA40000A13', 'x', '2025-06-12', 'freeze', '2025-06-01', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO enforcement (uscc, decision_number, decision_date, measure, reported_by)
VALUES ('91411622MA40000A13', 'x', current_date + 1, 'freeze', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO confirmation (uscc, kind, confirmed_date, reported_by)
VALUES ('91411622MA40000A13', '', '2025-03-01', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO confirmation (uscc, kind, confirmed_date, valid_to, reported_by)
VALUES ('91411622MA40000A13', 'x', '2025-03-01', '2025-03-01', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO reward (uscc, title, level, award_date, reported_by)
VALUES ('91411622MA40000A13', 'x', 'village', '2025-03-01', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO reward (uscc, title, level, award_date, reported_by)
VALUES ('91411622MA40000A13', 'x', 'county', 'infinity', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO reward (uscc, title, level, award_date, reported_by)
VALUES ('91350100M000100Y43', 'x', 'county', '2025-03-01', 'u'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO reward (uscc, title, level, award_date, reported_by)
VALUES ('91411622MA40000A13', 'x', 'county', '2025-03-01', 'no such unit'); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default

-- Clean up
TRUNCATE indicator_value, enterprise, licence, penalty, spot_check, complaint, abnormal_listing, serious_dishonesty_listing,
         judgment_debtor_listing, annual_report, registration_change, related_party_link,
         equity_pledge_freeze, lawsuit, public_opinion, domain_risk_class, enforcement, confirmation, reward,
         credit_repair, credit_commitment;
