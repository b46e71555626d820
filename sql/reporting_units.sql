-- Reporting units (报送单位, issue 14): the register every record's
-- reported_by references; a unit must exist and be active on the record's
-- date; a loader reports only as its own unit (SET ROLE, enrolled the
-- documented way); free-text spellings become units to review, and merge.
\set SHOW_CONTEXT never
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
SET search_path = creditrisk, public;
SET datestyle = 'ISO, YMD';

-- The register: the county bureau (since the 2019 reform), the industry and
-- commerce bureau it replaced, the county court.
INSERT INTO reporting_unit (code, name, bureau, division_code, kind, active_from, active_to) VALUES
    ('411622-scjgj', '西华县市场监督管理局', '西华县市场监督管理局', '411622', 'market_regulation', '2019-01-01', NULL),
    ('411622-gsj', '西华县工商行政管理局', '西华县工商行政管理局', '411622', 'market_regulation', '-infinity', '2019-01-01'),
    ('411622-fy', '西华县人民法院', '西华县人民法院', '411622', 'court', '-infinity', NULL),
    ('411602-scjgj', '周口市川汇区市场监督管理局', '周口市川汇区市场监督管理局', '411602', 'market_regulation', '2019-01-01', NULL);
SELECT code, division_code, kind, active_from, active_to, reporter_role, needs_review FROM reporting_unit ORDER BY code;

-- Refused units
\set VERBOSITY terse
INSERT INTO reporting_unit (code, name, bureau, division_code, kind) VALUES (E'411622-x\n', 'x', 'x', '411622', 'court');
INSERT INTO reporting_unit (code, name, bureau, division_code, kind) VALUES ('411622-x', 'x', 'x', '991622', 'court');
INSERT INTO reporting_unit (code, name, bureau, division_code, kind) VALUES ('411622-x', 'x', 'x', '411622', 'police');
INSERT INTO reporting_unit (code, name, bureau, division_code, kind, active_from, active_to)
VALUES ('411622-x', 'x', 'x', '411622', 'court', '2020-01-01', '2020-01-01');
INSERT INTO reporting_unit (code, name, bureau, division_code, kind, active_to)
VALUES ('411622-x', 'x', 'x', '411622', 'court', 'infinity');
\set VERBOSITY default
-- A record names a unit on the register ...
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by, received_at)
VALUES ('91411622MA40000A13', '西华县示例食品有限公司', '411622', 'C1391', 3, '2015-03-02', '西华县市场监督管理局', '2026-01-05 09:00+08');
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by, received_at)
VALUES ('91411622MA40000A13', '西华县示例食品有限公司', '411622', 'C1391', 3, '2015-03-02', '411622-scjgj', '2026-01-05 09:00+08'),
       ('91411602MA40000C3C', '周口示例药房', '411602', 'F5251', 4, '2012-11-30', '411602-scjgj', '2026-01-05 09:00+08');
-- ... active on the record's date: the bureau's decisions from 2019, the
-- one it replaced until the end of 2018 (active_to is exclusive)
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by)
VALUES ('91411622MA40000A13', '西工商罚〔2018〕3号', '2018-06-01', 'general', '411622-scjgj');
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by)
VALUES ('91411622MA40000A13', '西市监罚〔2019〕1号', '2019-01-01', 'general', '411622-gsj');
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by)
VALUES ('91411622MA40000A13', '西工商罚〔2018〕3号', '2018-06-01', 'general', '411622-gsj'),
       ('91411622MA40000A13', '西市监罚〔2019〕1号', '2019-01-01', 'general', '411622-scjgj');
-- a batch with one row of an inactive unit loads nothing
INSERT INTO spot_check (uscc, check_date, outcome, reported_by)
VALUES ('91411622MA40000A13', '2025-09-01', 'pass', '411622-scjgj'),
       ('91411622MA40000A13', '2018-12-31', 'pass', '411622-scjgj');
SELECT count(*) AS spot_checks FROM spot_check;
-- a correction that moves the record out of its unit's period is refused
UPDATE penalty SET decision_date = '2019-03-01' WHERE decision_number = '西工商罚〔2018〕3号';
SELECT decision_number, decision_date, reported_by FROM penalty ORDER BY decision_number;

-- Loaders (报送人员): enrolled with kind 'loader'; the unit names the role
-- whose members report as it.
SELECT create_roles();
CREATE ROLE regress_units_xihua_loader LOGIN;
SELECT role_name, kind, division_code FROM enrol('regress_units_xihua_loader', 'loader', '411622');
UPDATE reporting_unit SET reporter_role = 'regress_units_xihua_loader' WHERE code = '411622-scjgj';
INSERT INTO lawsuit (uscc, filed_date, role, kind, reported_by)
VALUES ('91411622MA40000A13', '2025-03-03', 'defendant', 'labour', '411622-fy');
SET ROLE regress_units_xihua_loader;
-- its own unit: reported
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by)
VALUES ('91411622MA40000A13', '西市监罚〔2025〕12号', '2025-06-10', 'minor', '411622-scjgj');
-- another unit: refused, with why and what to do
INSERT INTO lawsuit (uscc, filed_date, role, kind, reported_by)
VALUES ('91411622MA40000A13', '2025-04-01', 'defendant', 'civil', '411622-fy');
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by)
VALUES ('91411622MA40000A13', '西市监罚〔2025〕13号', '2025-06-11', 'minor', '411622-gsj');
-- an enterprise outside its jurisdiction: refused by the policy
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by)
VALUES ('91411602MA40000C3C', '西市监罚〔2025〕14号', '2025-06-12', 'minor', '411622-scjgj');
-- it sees, corrects and withdraws only its own unit's records
SELECT decision_number, reported_by FROM penalty ORDER BY decision_number;
SELECT count(*) AS lawsuits_seen FROM lawsuit;
UPDATE lawsuit SET kind = 'civil';
DELETE FROM lawsuit;
UPDATE penalty SET severity = 'general' WHERE decision_number = '西市监罚〔2025〕12号';
-- ... and cannot hand its record to another unit
UPDATE penalty SET reported_by = '411622-fy' WHERE decision_number = '西市监罚〔2025〕12号';
-- it reads the register, but cannot change it
SELECT count(*) AS units_seen FROM reporting_unit;
UPDATE reporting_unit SET reporter_role = 'regress_units_xihua_loader' WHERE code = '411622-fy';
RESET ROLE;
SELECT kind, count(*) FROM lawsuit GROUP BY kind ORDER BY kind;
-- an administrator registers and ends units of its jurisdiction, deletes none
CREATE ROLE regress_units_xihua_admin;
SELECT role_name, kind FROM enrol('regress_units_xihua_admin', 'admin', '411622');
SET ROLE regress_units_xihua_admin;
INSERT INTO reporting_unit (code, name, bureau, division_code, kind) VALUES ('411622-wjw', '西华县卫生健康委员会', '西华县卫生健康委员会', '411622', 'other_department');
INSERT INTO reporting_unit (code, name, bureau, division_code, kind) VALUES ('411602-wjw', '川汇区卫生健康委员会', '川汇区卫生健康委员会', '411602', 'other_department');
UPDATE reporting_unit SET active_to = '2030-01-01' WHERE code = '411622-wjw';
UPDATE reporting_unit SET code = '411622-wjw2' WHERE code = '411622-wjw';
DELETE FROM reporting_unit WHERE code = '411622-wjw';
RESET ROLE;
SELECT decision_number, severity, reported_by FROM penalty ORDER BY decision_number;

-- Credit commitments and repair applications name their unit too (1.6): on
-- the register, active on the signing / application day, a loader's own.
\set VERBOSITY terse
INSERT INTO credit_commitment (uscc, kind, signed_date, reported_by)
VALUES ('91411622MA40000A13', 'repair', '2025-06-20', '西华县市场监督管理局(手写)');
INSERT INTO credit_commitment (uscc, kind, signed_date, reported_by)
VALUES ('91411622MA40000A13', 'repair', '2018-06-20', '411622-scjgj');
INSERT INTO credit_repair (uscc, target, penalty_id, channel, applied_date, reported_by)
SELECT p.uscc, 'penalty', p.id, 'offline', '2025-06-21', 'nowhere' FROM penalty p WHERE p.decision_number = '西市监罚〔2025〕12号';
INSERT INTO credit_repair (uscc, target, penalty_id, channel, applied_date, reported_by)
SELECT p.uscc, 'penalty', p.id, 'offline', '2025-06-21', '411622-gsj' FROM penalty p WHERE p.decision_number = '西市监罚〔2025〕12号';
\set VERBOSITY default
SET ROLE regress_units_xihua_loader;
-- its own unit: recorded
INSERT INTO credit_commitment (uscc, kind, signed_date, published_date, reported_by)
VALUES ('91411622MA40000A13', 'repair', '2025-06-20', '2025-06-20', '411622-scjgj');
INSERT INTO credit_repair (uscc, target, penalty_id, channel, applied_date, reported_by)
SELECT p.uscc, 'penalty', p.id, 'offline', '2025-06-21', '411622-scjgj' FROM penalty p WHERE p.decision_number = '西市监罚〔2025〕12号';
-- another unit: refused
INSERT INTO credit_commitment (uscc, kind, signed_date, reported_by)
VALUES ('91411622MA40000A13', 'repair', '2025-06-22', '411622-fy');
INSERT INTO credit_repair (uscc, target, penalty_id, channel, applied_date, reported_by)
SELECT p.uscc, 'penalty', p.id, 'online', '2025-06-23', '411622-fy' FROM penalty p WHERE p.decision_number = '西市监罚〔2025〕12号';
UPDATE credit_commitment SET reported_by = '411622-fy';
SELECT kind, signed_date, reported_by FROM credit_commitment ORDER BY signed_date;
SELECT target, applied_date, reported_by FROM credit_repair ORDER BY applied_date;
RESET ROLE;
SELECT count(*) AS commitments, (SELECT count(*) FROM credit_repair) AS repairs FROM credit_commitment;

-- A unit's active period is not shortened past its records, nor the unit
-- ended before them: the count and the first record outside the new period.
UPDATE reporting_unit SET active_to = '2025-01-01' WHERE code = '411622-scjgj';
UPDATE reporting_unit SET active_from = '2025-06-21' WHERE code = '411622-scjgj';
UPDATE reporting_unit SET active_from = '2019-06-01', active_to = '2025-06-12' WHERE code = '411622-scjgj';
UPDATE reporting_unit SET active_to = '2018-06-01' WHERE code = '411622-gsj';
-- (an administrator of the county is checked the same way; the check reads
-- the records of every jurisdiction, as the extension's owner)
SET ROLE regress_units_xihua_admin;
UPDATE reporting_unit SET active_to = '2025-06-21' WHERE code = '411622-scjgj';
RESET ROLE;
-- (1.7; residual risk R4 until 1.6) a record of the unit that concerns an
-- enterprise outside the administrator's jurisdiction is counted, never
-- named: the error names only a record the administrator may read
BEGIN;
INSERT INTO reporting_unit (code, name, bureau, division_code, kind, active_from)
VALUES ('411622-zjj', '西华县住房和城乡建设局', '西华县住房和城乡建设局', '411622', 'other_department', '2020-01-01');
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
SELECT '91411602MA40000C3C', '川汇区示例有限公司', '411602', 'C1391', 3, '2015-03-02', '411602-scjgj'
 WHERE NOT EXISTS (SELECT 1 FROM enterprise WHERE uscc = '91411602MA40000C3C');
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by)
VALUES ('91411602MA40000C3C', '川汇住建罚〔2025〕1号', '2025-01-05', 'minor', '411622-zjj');
SET LOCAL ROLE regress_units_xihua_admin;
SELECT count(*) AS admin_sees_the_record FROM penalty WHERE decision_number = '川汇住建罚〔2025〕1号';
SAVEPOINT s;
-- only the other county's record falls outside: its number, nothing else
UPDATE reporting_unit SET active_to = '2025-01-01' WHERE code = '411622-zjj';
ROLLBACK TO SAVEPOINT s;
RESET ROLE;
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by)
VALUES ('91411622MA40000A13', '西住建罚〔2025〕2号', '2025-02-01', 'minor', '411622-zjj');
SET LOCAL ROLE regress_units_xihua_admin;
SAVEPOINT s;
-- its own and the other county's: the count of all, the first of its own
UPDATE reporting_unit SET active_to = '2025-01-01' WHERE code = '411622-zjj';
ROLLBACK TO SAVEPOINT s;
RESET ROLE;
-- a superuser is shown the first of them
UPDATE reporting_unit SET active_to = '2025-01-01' WHERE code = '411622-zjj';
ROLLBACK;
-- allowed: ending it after its last record, lengthening, shortening an
-- unused stretch
BEGIN;
UPDATE reporting_unit SET active_to = '2026-01-06' WHERE code = '411622-scjgj';
UPDATE reporting_unit SET active_from = '2010-01-01' WHERE code = '411622-scjgj';
UPDATE reporting_unit SET active_from = '2018-06-01' WHERE code = '411622-gsj';
SELECT code, active_from, active_to FROM reporting_unit WHERE code IN ('411622-scjgj', '411622-gsj') ORDER BY code;
ROLLBACK;

-- Free text before 1.5: a superuser's bulk load of legacy records turns the
-- unit triggers off, registers every spelling it met as a unit to review and
-- turns them on again; a bureau then merges the spellings.
BEGIN;
ALTER TABLE penalty DISABLE TRIGGER reporting_unit_insert;
ALTER TABLE complaint DISABLE TRIGGER reporting_unit_insert;
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by)
VALUES ('91411622MA40000A13', '西市监罚〔2025〕20号', '2025-07-01', 'minor', '西华县市监局'),
       ('91411622MA40000A13', '西市监罚〔2025〕21号', '2025-07-02', 'minor', '西华县市监局'),
       ('91411602MA40000C3C', '周市监罚〔2025〕5号', '2025-07-03', 'minor', '周口市市场监督管理局');
INSERT INTO complaint (uscc, received_date, kind, reported_by)
VALUES ('91411622MA40000A13', '2025-07-04', 'complaint', '12345热线'),
       ('91411602MA40000C3C', '2025-07-05', 'complaint', '12345热线');
SELECT reporting_units_from_records() AS registered;
ALTER TABLE penalty ENABLE TRIGGER reporting_unit_insert;
ALTER TABLE complaint ENABLE TRIGGER reporting_unit_insert;
COMMIT;
SELECT code, name, division_code, kind, active_from, needs_review FROM reporting_unit WHERE needs_review ORDER BY code;
-- otherwise a spelling that is not on the register is refused at once
INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by)
VALUES ('91411622MA40000A13', '西市监罚〔2025〕22号', '2025-07-06', 'minor', '西华市监');
SELECT count(*) AS penalties FROM penalty;
SELECT reporting_unit_merge('西华县市监局', '411622-scjgj') AS moved;
SELECT decision_number, reported_by FROM penalty WHERE decision_number LIKE '%2025〕2_号' ORDER BY decision_number;
SELECT decision_number, reported_by FROM penalty_history ORDER BY decision_number, superseded_at;
SELECT code, needs_review, note FROM reporting_unit WHERE code = '西华县市监局';
SELECT reporting_unit_merge('西华县市监局', 'nowhere');
-- a unit is ended, not deleted: a superuser may delete one no record names
DELETE FROM reporting_unit WHERE code = '411622-fy';
UPDATE reporting_unit SET code = '411622-court' WHERE code = '411622-fy';
INSERT INTO reporting_unit (code, name, bureau, division_code, kind) VALUES ('unused', 'x', 'x', '411622', 'court');
DELETE FROM reporting_unit WHERE code = 'unused';
UPDATE reporting_unit SET active_to = '2026-01-01' WHERE code = '411622-fy';
SELECT code, active_to FROM reporting_unit WHERE code = '411622-fy';

-- Leave a fresh extension behind.
SELECT unenrol('regress_units_xihua_loader');
DROP ROLE regress_units_xihua_loader;
SELECT unenrol('regress_units_xihua_admin');
DROP ROLE regress_units_xihua_admin;
SET client_min_messages = warning;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
