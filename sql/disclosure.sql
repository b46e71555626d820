-- 双公示 (issue 14): licences and penalties reported to the credit platform
-- within 7 working days of the decision, revoked decisions withdrawn within
-- 3; per unit and period: on time, late, overdue, rates, every case below
-- 100 %; the county's evaluation of its units (item 十二).  Hand-built
-- decisions around National Day and Spring Festival.  Rows are loaded with
-- their knowledge time (recorded_at, as a restore does), so that no date
-- depends on the clock of the run; every judgement names its day (as_of).
\set SHOW_CONTEXT never
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
SET search_path = creditrisk, public;
SET datestyle = 'ISO, YMD';
\i sql/include/units.psql
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by, recorded_at)
VALUES ('91411622MA40000A13', '西华县示例食品有限公司', '411622', 'C1391', 3, '2015-03-02', '西华县市场监督管理局', '2025-01-01'),
       ('91411602MA40000C3C', '周口示例药房', '411602', 'F5251', 4, '2012-11-30', '周口市市场监督管理局', '2025-01-01');

-- The deadline is the 7th working day after the decision (the decision day
-- not counted): 2026-09-30 → 2026-10-15 across National Day (Oct 1–7 off,
-- Saturday Oct 10 worked), where "7 calendar days" says 10-07; the examples
-- of DOMAIN.md §3.
SELECT d, add_working_days(d, 7) AS due, d + 7 AS calendar_shortcut
  FROM unnest('{2026-09-30,2026-02-12,2025-01-24,2026-10-20,2026-10-28}'::date[]) d ORDER BY d;

-- Penalties of 西华县 around National Day 2026
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by, platform_reported_on, published_on,
                     revoked_on, withdrawn_on, recorded_at) VALUES
    ('91411622MA40000A13', 'P1 on the deadline',        '2026-09-30', 'minor', '西华县市场监督管理局', '2026-10-15', '2026-10-15', NULL, NULL, '2026-11-01'),
    ('91411622MA40000A13', 'P2 one working day late',   '2026-09-30', 'minor', '西华县市场监督管理局', '2026-10-16', '2026-10-16', NULL, NULL, '2026-11-01'),
    ('91411622MA40000A13', 'P3 on time, calendar late', '2026-09-30', 'minor', '西华县市场监督管理局', '2026-10-09', '2026-10-09', NULL, NULL, '2026-11-01'),
    ('91411622MA40000A13', 'P4 not reported, overdue',  '2026-10-20', 'minor', '西华县市场监督管理局', NULL, NULL, NULL, NULL, '2026-11-01'),
    ('91411622MA40000A13', 'P5 not reported, not due',  '2026-10-28', 'minor', '西华县市场监督管理局', NULL, NULL, NULL, NULL, '2026-11-01'),
    ('91411622MA40000A13', 'P6 revoked, withdrawn',     '2026-09-25', 'general', '西华县市场监督管理局', '2026-09-28', '2026-09-28', '2026-09-29', '2026-10-09', '2026-11-01'),
    ('91411622MA40000A13', 'P7 revoked, withdrawn late','2026-09-25', 'general', '西华县市场监督管理局', '2026-09-28', '2026-09-28', '2026-09-29', '2026-10-12', '2026-11-01'),
    ('91411622MA40000A13', 'P8 reported, unpublished',  '2026-10-09', 'minor', '西华县市场监督管理局', '2026-10-12', NULL, NULL, NULL, '2026-11-01');
-- Licences of 周口市 around Spring Festival 2026 (2026-02-12 → 2026-02-28, an adjusted working Saturday)
INSERT INTO licence (uscc, licence_number, kind, valid_from, decision_date, reported_by, platform_reported_on, published_on,
                     withdrawn_on, recorded_at) VALUES
    ('91411602MA40000C3C', 'L1 on the adjusted Saturday', '药品经营许可证', '2026-02-12', '2026-02-12', '周口市市场监督管理局', '2026-02-28', '2026-02-28', NULL, '2026-11-01'),
    ('91411602MA40000C3C', 'L2 the Monday after',         '药品经营许可证', '2026-02-12', '2026-02-12', '周口市市场监督管理局', '2026-03-02', '2026-03-02', NULL, '2026-11-01'),
    ('91411602MA40000C3C', 'L3 withdrawn in error',       '药品经营许可证', '2026-02-13', '2026-02-13', '周口市市场监督管理局', '2026-02-24', '2026-02-24', '2026-03-02', '2026-11-01'),
    ('91411602MA40000C3C', 'L4 no kind',                  '',               '2026-02-13', '2026-02-13', '周口市市场监督管理局', '2026-02-24', '2026-02-24', NULL, '2026-11-01'),
    ('91411602MA40000C3C', 'L5 Spring Festival 2025',     '药品经营许可证', '2025-01-24', '2025-01-24', '周口市市场监督管理局', '2025-02-10', '2025-02-10', NULL, '2026-11-01');

-- Every decision of the period, judged on 2026-10-31
SELECT record_kind AS kind, decision_number, decision_date, due, platform_reported_on AS reported, status,
       working_days_late AS late_by, revoked_on, withdrawal_due, withdrawn_on, withdrawal_status AS wstatus,
       withdrawal_working_days_late AS wlate_by, provisional
  FROM disclosure_cases('2026-09-01', '2026-10-31', '2026-10-31') ORDER BY decision_number;
-- Per unit: below 100 %, every case follows
SELECT reported_by, division_code, decisions, due, on_time, late, overdue, pending, max_working_days_late AS max_late,
       compliance_rate, timeliness_rate, revoked, withdrawn_on_time, withdrawn_late, withdrawal_overdue, provisional
  FROM disclosure_compliance('2026-09-01', '2026-10-31', '2026-10-31') ORDER BY reported_by;
SELECT reported_by, decision_number, status, working_days_late, withdrawal_status, withdrawal_working_days_late
  FROM disclosure_cases('2026-09-01', '2026-10-31', '2026-10-31')
 WHERE status IN ('late', 'overdue') OR withdrawal_status IN ('late', 'overdue')
 ORDER BY reported_by, decision_number;
-- Judged on an earlier day, a report made later does not count yet
SELECT decision_number, due, status, working_days_late
  FROM disclosure_cases('2026-09-01', '2026-10-31', '2026-10-15') WHERE decision_number LIKE 'P_ %' ORDER BY decision_number;
-- Spring Festival: 2026-02-12 is due on the adjusted working Saturday 02-28
SELECT decision_number, decision_date, due, platform_reported_on AS reported, status, working_days_late AS late_by
  FROM disclosure_cases('2025-01-01', '2026-03-31', '2026-03-31') ORDER BY decision_number;
SELECT reported_by, decisions, due, on_time, late, compliance_rate, timeliness_rate
  FROM disclosure_compliance('2026-02-01', '2026-02-28', '2026-03-31') ORDER BY reported_by;
-- Other deadlines (a local rule) and a year without a loaded schedule (provisional)
SELECT decision_number, due, status FROM disclosure_cases('2026-09-30', '2026-09-30', '2026-10-31', 5) ORDER BY decision_number;
SELECT add_working_days('2027-09-30', 7) AS due_2027, is_provisional('2027-09-30', add_working_days('2027-09-30', 7)) AS provisional;

-- The county's evaluation of its units (item 十二): quantity, timeliness,
-- completeness (reported once due, published once reported, a licence's
-- kind; nothing withdrawn without a revocation)
INSERT INTO spot_check (uscc, check_date, outcome, reported_by, recorded_at)
VALUES ('91411622MA40000A13', '2026-10-10', 'pass', '西华县市场监督管理局', '2026-11-01');
SELECT reported_by, division_code, records, decisions, timeliness_rate, compliance_rate, complete, completeness_rate,
       incomplete_fields, withdrawn_in_error, late_or_missing, meets_targets
  FROM unit_evaluation('2026-01-01', '2026-12-31', '2026-12-31') ORDER BY reported_by;

-- Refused: a report before the decision, a date in no calendar
\set VERBOSITY terse
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by, platform_reported_on)
VALUES ('91411622MA40000A13', 'P9', '2026-10-09', 'minor', '西华县市场监督管理局', '2026-10-08');
INSERT INTO licence (uscc, licence_number, valid_from, decision_date, reported_by)
VALUES ('91411622MA40000A13', 'L9', '2026-10-09', 'infinity', '西华县市场监督管理局');
\set VERBOSITY default
-- Scoped by row-level security: 西华县's analyst sees its county's decisions only
SELECT create_roles();
CREATE ROLE regress_disclosure_xihua;
SELECT role_name FROM enrol('regress_disclosure_xihua', 'analyst', '411622');
SET ROLE regress_disclosure_xihua;
SELECT reported_by, decisions, on_time, late, overdue FROM disclosure_compliance('2025-01-01', '2026-12-31', '2026-12-31') ORDER BY reported_by;
SELECT reported_by, decisions FROM unit_evaluation('2025-01-01', '2026-12-31', '2026-12-31') ORDER BY reported_by;
RESET ROLE;
SELECT unenrol('regress_disclosure_xihua');
DROP ROLE regress_disclosure_xihua;

-- Leave a fresh extension behind.
SET client_min_messages = warning;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
