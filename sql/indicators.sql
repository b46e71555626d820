-- Indicator derivation as of a date: the SQL definitions of reference-v1's
-- 81 indicators on a small hand-built world, checked value by value against
-- doc/reference-model.md (sections 2, 3, 5) and the decisions recorded in
-- extension/indicator-definitions.sql; reproducibility of a past date;
-- indicators_to_sql() and its errors.
SET search_path = creditrisk, public;
\i sql/include/units.psql
\set SHOW_CONTEXT never
SET datestyle = 'ISO, YMD';
SET timezone = 'Asia/Shanghai';
\set rb '西华县市场监督管理局'

-- ---------------------------------------------------------------------------
-- The world.  Seven enterprises, called A..G below (the 16th character of
-- the USCC).  The two dates: D1 = 2025-06-30, D2 = 2026-06-30.
--   A  food LLC (C1391), the enterprise with most of the records
--   B  A's branch (own capital 5 and type 9 on the register, ignored)
--   C  joint-stock drug retailer (F5251), shareholder of A, revoked 2025-01-10
--   D  leasing LLC (L7212), A invests in it 2020-01-01..2026-07-31,
--      cancelled 2026-04-01 (so not in the population on D2)
--   E  partnership (G5430), same legal representative as A 2023-01-01..
--      2026-02-01, cancelled 2026-03-01 (not in the population on D2)
--   F  foreign-invested maker of special equipment (C3432), established
--      2024-03-01, A invests in it from 2026-01-15
--   G  state-owned builder (E4710), revoked 2025-10-01, shareholder of A
--      from 2026-02-01
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE ent (label text PRIMARY KEY, uscc uscc NOT NULL UNIQUE);
INSERT INTO ent VALUES ('A', '91411622MA4RN00A1X'), ('B', '91411622MA4RN00B1Y'), ('C', '91411622MA4RN00C10'),
                       ('D', '91411622MA4RN00D11'), ('E', '91411622MA4RN00E12'), ('F', '91411622MA4RN00F13'),
                       ('G', '91411622MA4RN00G14');
SELECT label, uscc, uscc_is_valid(uscc::text) AS valid FROM ent ORDER BY label;

INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date,
                        registered_capital, paid_in_capital, status, status_date, parent_uscc, reported_by)
VALUES ('91411622MA4RN00A1X', '西华县甲食品有限公司',   '411622', 'C1391', 4, '2015-03-02', 500,   100,   'in_business', NULL, NULL, :'rb'),
       ('91411622MA4RN00C10', '西华县丙大药房股份有限公司', '411622', 'F5251', 2, '2012-11-30', 2000,  2500,  'revoked',   '2025-01-10', NULL, :'rb'),
       ('91411622MA4RN00D11', '西华县丁租赁有限公司',   '411622', 'L7212', 3, '2016-04-01', 0,     0,     'cancelled', '2026-04-01', NULL, :'rb'),
       ('91411622MA4RN00E12', '西华县戊商贸合伙企业',   '411622', 'G5430', 7, '2019-05-01', 100,   NULL,  'cancelled', '2026-03-01', NULL, :'rb'),
       ('91411622MA4RN00F13', '西华县己特种设备有限公司', '411622', 'C3432', 5, '2024-03-01', 50,    10,    'in_business', NULL, NULL, :'rb'),
       ('91411622MA4RN00G14', '西华县庚建筑公司',       '411622', 'E4710', 1, '2010-01-01', 10000, 10000, 'revoked',   '2025-10-01', NULL, :'rb');
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date,
                        registered_capital, paid_in_capital, parent_uscc, reported_by)
VALUES ('91411622MA4RN00B1Y', '西华县甲食品有限公司餐饮分公司', '411622', 'H6210', 9, '2018-01-01', 5, 5,
        '91411622MA4RN00A1X', :'rb');

INSERT INTO related_party_link (from_uscc, to_uscc, kind, valid_from, valid_to, reported_by) VALUES
  ('91411622MA4RN00C10', '91411622MA4RN00A1X', 'shareholder',                 NULL,         NULL,         :'rb'),  -- C invests in A
  ('91411622MA4RN00A1X', '91411622MA4RN00D11', 'shareholder',                 '2020-01-01', '2026-07-31', :'rb'),  -- A invests in D
  ('91411622MA4RN00E12', '91411622MA4RN00A1X', 'common_legal_representative', '2023-01-01', '2026-02-01', :'rb'),
  ('91411622MA4RN00A1X', '91411622MA4RN00B1Y', 'branch',                      '2018-01-01', NULL,         :'rb'),  -- A is B's parent
  ('91411622MA4RN00A1X', '91411622MA4RN00F13', 'shareholder',                 '2026-01-15', NULL,         :'rb'),  -- A invests in F
  ('91411622MA4RN00G14', '91411622MA4RN00A1X', 'shareholder',                 '2026-02-01', NULL,         :'rb');  -- G invests in A

INSERT INTO licence (uscc, licence_number, kind, valid_from, valid_to, revoked_date, reported_by) VALUES
  ('91411622MA4RN00A1X', 'L1', 'food business',     '2020-01-01', '2025-03-31', NULL,         :'rb'),
  ('91411622MA4RN00A1X', 'L2', 'food business',     '2025-05-01', NULL,         '2026-04-01', :'rb'),
  ('91411622MA4RN00A1X', 'L3', 'drug retail',       '2021-01-01', '2025-02-01', NULL,         :'rb'),
  ('91411622MA4RN00A1X', 'L4', '',                  '2026-01-10', NULL,         '2026-03-01', :'rb'),
  ('91411622MA4RN00A1X', 'L5', 'special equipment', '2022-01-01', '2025-12-31', NULL,         :'rb');

INSERT INTO registration_change (uscc, change_date, kind, reported_by)
SELECT '91411622MA4RN00A1X', d::date, k, :'rb'
  FROM (VALUES ('2024-12-01', 'legal_representative'), ('2025-01-15', 'legal_representative'),
               ('2025-01-15', 'legal_representative'), ('2025-08-01', 'legal_representative'),
               ('2025-06-30', 'name'),
               ('2024-06-30', 'address'), ('2024-07-01', 'address'), ('2026-01-01', 'address'), ('2026-06-30', 'address'),
               ('2022-07-01', 'scope'), ('2026-05-01', 'scope'),
               ('2025-03-01', 'capital'), ('2025-05-01', 'capital')) v(d, k);

INSERT INTO annual_report (uscc, year, filed_on, reported_by) VALUES
  ('91411622MA4RN00A1X', 2021, '2022-05-01', :'rb'),
  ('91411622MA4RN00A1X', 2022, '2023-09-01', :'rb'),
  ('91411622MA4RN00A1X', 2023, '2025-08-01', :'rb'),
  ('91411622MA4RN00A1X', 2024, '2026-05-20', :'rb');

INSERT INTO equity_pledge_freeze (uscc, kind, start_date, end_date, reported_by) VALUES
  ('91411622MA4RN00A1X', 'pledge', '2024-01-01', '2025-12-01', :'rb'),
  ('91411622MA4RN00A1X', 'pledge', '2025-06-30', NULL,         :'rb'),
  ('91411622MA4RN00A1X', 'pledge', '2025-09-01', '2026-01-01', :'rb'),
  ('91411622MA4RN00A1X', 'pledge', '2026-02-01', '2026-06-30', :'rb'),
  ('91411622MA4RN00A1X', 'freeze', '2022-07-01', '2023-01-01', :'rb'),
  ('91411622MA4RN00A1X', 'freeze', '2024-01-01', '2025-07-01', :'rb'),
  ('91411622MA4RN00A1X', 'freeze', '2025-11-01', NULL,         :'rb'),
  ('91411622MA4RN00A1X', 'freeze', '2026-06-30', NULL,         :'rb');

INSERT INTO lawsuit (uscc, filed_date, role, kind, reported_by) VALUES
  ('91411622MA4RN00A1X', '2022-07-01', 'defendant',   'criminal', :'rb'),
  ('91411622MA4RN00A1X', '2024-10-01', 'defendant',   'labour',   :'rb'),
  ('91411622MA4RN00A1X', '2025-03-01', 'plaintiff',   'civil',    :'rb'),
  ('91411622MA4RN00A1X', '2025-09-01', 'defendant',   'labour',   :'rb'),
  ('91411622MA4RN00A1X', '2026-01-01', 'defendant',   'civil',    :'rb'),
  ('91411622MA4RN00A1X', '2026-02-01', 'defendant',   'criminal', :'rb'),
  ('91411622MA4RN00A1X', '2026-02-02', 'defendant',   'criminal', :'rb'),
  ('91411622MA4RN00A1X', '2026-03-01', 'third_party', 'labour',   :'rb'),
  ('91411622MA4RN00A1X', '2026-04-01', 'defendant',   'labour',   :'rb');

INSERT INTO abnormal_listing (uscc, listed_date, removed_date, reason, reported_by) VALUES
  ('91411622MA4RN00A1X', '2022-08-01', '2023-02-01', 1, :'rb'),
  ('91411622MA4RN00A1X', '2024-09-01', '2025-12-01', 1, :'rb'),
  ('91411622MA4RN00A1X', '2025-02-01', '2025-12-01', 9, :'rb'),
  ('91411622MA4RN00D11', '2025-03-01', NULL,         2, :'rb'),
  ('91411622MA4RN00G14', '2025-08-01', NULL,         4, :'rb'),
  ('91411622MA4RN00G14', '2025-09-01', NULL,         3, :'rb'),
  ('91411622MA4RN00G14', '2025-10-01', NULL,         2, :'rb');

INSERT INTO serious_dishonesty_listing (uscc, listed_date, removed_date, reported_by) VALUES
  ('91411622MA4RN00A1X', '2020-07-01', '2023-07-01', :'rb'),
  ('91411622MA4RN00C10', '2024-05-01', '2025-12-01', :'rb');

INSERT INTO judgment_debtor_listing (uscc, listed_date, removed_date, reported_by) VALUES
  ('91411622MA4RN00A1X', '2023-03-01', '2024-12-01', '西华县人民法院'),
  ('91411622MA4RN00E12', '2024-01-01', '2025-09-01', '西华县人民法院'),
  ('91411622MA4RN00D11', '2026-01-01', NULL,         '西华县人民法院'),
  ('91411622MA4RN00F13', '2026-05-01', NULL,         '西华县人民法院');

INSERT INTO penalty (uscc, decision_number, decision_date, severity, fine_amount, publicity_end_date, field, reported_by) VALUES
  ('91411622MA4RN00A1X', 'IT-A1', '2022-06-30', 'general', 1.5,  '2023-06-30', 'other',             :'rb'),
  ('91411622MA4RN00A1X', 'IT-A2', '2022-08-01', 'serious', 20,   '2025-08-01', 'food',              :'rb'),
  ('91411622MA4RN00A1X', 'IT-A3', '2025-03-01', 'minor',   0.1,  '2025-06-01', 'other',             :'rb'),
  ('91411622MA4RN00A1X', 'IT-A4', '2025-06-30', 'general', 3,    NULL,         'drugs',             :'rb'),
  ('91411622MA4RN00A1X', 'IT-A5', '2025-10-01', 'general', 50,   '2026-06-30', 'special_equipment', :'rb'),
  ('91411622MA4RN00A1X', 'IT-A6', '2026-01-01', 'general', 5.25, '2026-12-31', 'food',              :'rb'),
  ('91411622MA4RN00A1X', 'IT-A7', '2023-06-30', 'minor',   0,    '2023-09-30', 'other',             :'rb'),
  ('91411622MA4RN00A1X', 'IT-A8', '2026-03-01', 'minor',   0.3,  '2026-09-01', 'other',             :'rb'),
  ('91411622MA4RN00C10', 'IT-C1', '2023-03-01', 'serious', 10,   '2026-03-01', 'drugs',             :'rb'),
  ('91411622MA4RN00C10', 'IT-C2', '2024-03-01', 'serious', 10,   '2027-03-01', 'drugs',             :'rb'),
  ('91411622MA4RN00C10', 'IT-C3', '2026-02-01', 'minor',   0,    '2026-05-01', 'other',             :'rb'),
  ('91411622MA4RN00D11', 'IT-D1', '2025-02-01', 'minor',   0.2,  '2025-05-01', 'other',             :'rb'),
  ('91411622MA4RN00D11', 'IT-D2', '2025-04-01', 'general', 1,    '2026-04-01', 'other',             :'rb');

INSERT INTO spot_check (uscc, check_date, outcome, refused, reported_by) VALUES
  ('91411622MA4RN00A1X', '2022-07-01', 'not_found_at_address', false, :'rb'),
  ('91411622MA4RN00A1X', '2023-06-30', 'problems_found',        false, :'rb'),
  ('91411622MA4RN00A1X', '2024-05-01', 'problems_found',        false, :'rb'),
  ('91411622MA4RN00A1X', '2025-01-10', 'rectification_ordered', false, :'rb'),
  ('91411622MA4RN00A1X', '2025-06-30', 'pass',                  false, :'rb'),
  ('91411622MA4RN00A1X', '2025-06-30', 'problems_found',        false, :'rb'),
  ('91411622MA4RN00A1X', '2025-11-01', 'pass',                  true,  :'rb'),
  ('91411622MA4RN00A1X', '2026-02-01', 'rectification_ordered', false, :'rb'),
  ('91411622MA4RN00A1X', '2026-03-01', 'rectification_ordered', false, :'rb'),
  ('91411622MA4RN00A1X', '2026-05-01', 'pass',                  true,  :'rb');

INSERT INTO complaint (uscc, received_date, kind, substantiated, reported_by) VALUES
  ('91411622MA4RN00A1X', '2022-08-01', 'complaint', true,  '12345热线'),   -- c1
  ('91411622MA4RN00A1X', '2024-12-30', 'complaint', NULL,  '12345热线'),   -- c2
  ('91411622MA4RN00A1X', '2025-01-15', 'complaint', true,  '12345热线'),   -- c3
  ('91411622MA4RN00A1X', '2025-03-30', 'report',    false, '12315平台'),   -- c4
  ('91411622MA4RN00A1X', '2025-04-10', 'complaint', true,  '12345热线'),   -- c5
  ('91411622MA4RN00A1X', '2025-05-01', 'complaint', false, '12345热线'),   -- c6
  ('91411622MA4RN00A1X', '2025-06-01', 'report',    true,  '12315平台'),   -- c7
  ('91411622MA4RN00A1X', '2025-06-30', 'complaint', NULL,  '12345热线'),   -- c8
  ('91411622MA4RN00A1X', '2025-09-01', 'report',    true,  '12315平台'),   -- c9
  ('91411622MA4RN00A1X', '2026-01-05', 'complaint', true,  '12345热线'),   -- c10
  ('91411622MA4RN00A1X', '2026-04-01', 'report',    NULL,  '12315平台'),   -- c11
  ('91411622MA4RN00A1X', '2026-06-30', 'complaint', false, '12345热线'),   -- c12
  ('91411622MA4RN00A1X', '2025-11-01', 'report',    true,  '12315平台');   -- c13

INSERT INTO public_opinion (uscc, published_date, sentiment, source, reported_by) VALUES
  ('91411622MA4RN00A1X', '2024-06-30', 'negative', 'weibo', '舆情监测'),
  ('91411622MA4RN00A1X', '2024-10-01', 'negative', 'weibo', '舆情监测'),
  ('91411622MA4RN00A1X', '2025-04-01', 'neutral',  'news',  '舆情监测'),
  ('91411622MA4RN00A1X', '2025-06-15', 'negative', 'weibo', '舆情监测'),
  ('91411622MA4RN00A1X', '2025-06-20', 'positive', 'news',  '舆情监测'),
  ('91411622MA4RN00A1X', '2025-12-01', 'negative', 'weibo', '舆情监测'),
  ('91411622MA4RN00A1X', '2026-04-15', 'negative', 'weibo', '舆情监测'),
  ('91411622MA4RN00A1X', '2026-05-01', 'negative', 'news',  '舆情监测'),
  ('91411622MA4RN00A1X', '2026-06-30', 'neutral',  'news',  '舆情监测');

INSERT INTO domain_risk_class (uscc, domain, class, assessed_date, reported_by)
VALUES ('91411622MA4RN00G14', 'special_equipment', 'C', '2025-12-01', '河南省特种设备检验研究院');

-- ---------------------------------------------------------------------------
-- Every indicator on both dates.  '-' = not in the population on that date
-- (D and E are cancelled before D2); NULL = a missing value.  Rows where the
-- enterprise's value is 0 on every date it is scored are left out.
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE d1 AS SELECT * FROM compute_indicators('reference-v1', '2025-06-30');
CREATE TEMP TABLE d2 AS SELECT * FROM compute_indicators('reference-v1', '2026-06-30');
CREATE TEMP VIEW val AS
SELECT mi.position, mi.code, ent.label,
       x1.uscc IS NOT NULL AS in1, v1.value AS v1, x2.uscc IS NOT NULL AS in2, v2.value AS v2
  FROM model_indicators('reference-v1') mi
 CROSS JOIN ent
  LEFT JOIN d1 x1 ON x1.uscc = ent.uscc
  LEFT JOIN LATERAL unnest(x1.indicators) WITH ORDINALITY v1(value, n) ON v1.n = mi.position
  LEFT JOIN d2 x2 ON x2.uscc = ent.uscc
  LEFT JOIN LATERAL unnest(x2.indicators) WITH ORDINALITY v2(value, n) ON v2.n = mi.position;
CREATE TEMP VIEW shown AS
SELECT position, code, label,
       CASE WHEN NOT in1 THEN '-' ELSE coalesce(v1::text, 'NULL') END AS "2025-06-30",
       CASE WHEN NOT in2 THEN '-' ELSE coalesce(v2::text, 'NULL') END AS "2026-06-30"
  FROM val
 WHERE (in1 AND v1 IS DISTINCT FROM 0) OR (in2 AND v2 IS DISTINCT FROM 0);

-- Population: D and E only on D1; every array has 81 values.
SELECT label, x1.uscc IS NOT NULL AS on_d1, x2.uscc IS NOT NULL AS on_d2,
       cardinality(x1.indicators) AS n1, cardinality(x2.indicators) AS n2
  FROM ent LEFT JOIN d1 x1 USING (uscc) LEFT JOIN d2 x2 USING (uscc) ORDER BY label;

-- D1G1 size.  registered_capital: the register's value; B is a branch and
-- takes A's 500 (not its own 5).  corporate_shareholder_count: C -> A always,
-- G -> A from 2026-02-01: A 1 then 2; D's shareholder is A; F's is A from
-- 2026-01-15.  branch_count: A has the branch B (established 2018, in
-- business): 1; a branch itself has 0.  outbound_investment_count: A -> D
-- (to 2026-07-31) and A -> F (from 2026-01-15): 1 then 2; C -> A: 1;
-- G -> A from 2026-02-01: 0 then 1.
SELECT * FROM shown WHERE position BETWEEN 1 AND 4 ORDER BY position, label;

-- D1G2 age and status.  years_in_operation = days / 365.25, e.g. A on D1:
-- 2015-03-02 .. 2025-06-30 = 3773 days = 10.33...; on D2 3773 + 365 = 4138.
-- F was established 2024-03-01: 486 and 851 days.  status_revoked: C revoked
-- 2025-01-10 (1 on both dates), G revoked 2025-10-01 (0 then 1); D and E are
-- cancelled, not revoked.
SELECT * FROM shown WHERE position BETWEEN 5 AND 6 ORDER BY position, label;
SELECT label, round(((DATE '2025-06-30' - established_date) / 365.25)::numeric, 6) AS years_d1,
       round(((DATE '2026-06-30' - established_date) / 365.25)::numeric, 6) AS years_d2
  FROM ent JOIN enterprise USING (uscc) ORDER BY label;

-- D1G3 entity type: the stored code, a branch its parent's (B: A's 4, not
-- its own 9).  is_branch: only B.
-- D1G4 industry: section letter as 1..20: C1391 3, H6210 8, F5251 6,
-- L7212 12, G5430 7, C3432 3, E4710 5.  key_field_industry: C13 (A), H62
-- (B), F525 (C), C343 (F) by code; G (E47) only by its domain risk class
-- assessed 2025-12-01: 0 on D1, 1 on D2; D and E 0.
SELECT * FROM shown WHERE position BETWEEN 7 AND 10 ORDER BY position, label;

-- D1G5 licences of A.  L1 food 2020-01-01..2025-03-31, L2 food from
-- 2025-05-01 (revoked 2026-04-01), L3 drug 2021-01-01..2025-02-01, L4 kind ''
-- from 2026-01-10 (revoked 2026-03-01), L5 special equipment
-- 2022-01-01..2025-12-31.
-- licence_lapsed: D1 L2 valid -> 0; D2 L2 and L4 revoked, L5 expired -> 1.
-- licence_expired_unrenewed_1y: D1 window (2024-06-30, 2025-06-30]: L1
-- expired, renewed by L2 (same kind, from 2025-05-01 >= 2025-03-31 - 180 =
-- 2024-10-02); L3 expired, no other drug licence and no licence with kind ''
-- by D1 -> 1.  D2 window: L5 expired 2025-12-31, renewed by L4 (kind '' matches
-- any kind, from 2026-01-10 >= 2025-07-04) -> 0.
-- licence_revoked_3y: D1 none; D2 L4 (2026-03-01) and L2 (2026-04-01) -> 2.
SELECT * FROM shown WHERE position BETWEEN 11 AND 13 ORDER BY position, label;

-- D2G1 registration changes of A (record counts, legal representative by
-- distinct day; windows
-- D1 (2024-06-30, 2025-06-30], D2 (2025-06-30, 2026-06-30], 3 years
-- D1 (2022-06-30, 2025-06-30], D2 (2023-06-30, 2026-06-30]).
-- legal representative 2024-12-01, 2025-01-15 twice (one day), 2025-08-01:
-- 2 then 1.
-- name 2025-06-30: 1 (D1 included) then 0 (D2 excluded).
-- address 2024-06-30 (excluded on D1), 2024-07-01, 2026-01-01, 2026-06-30: 1 then 2.
-- scope 2022-07-01 (3-year window of D1 only), 2026-05-01: 0 then 1.
-- capital 2025-03-01, 2025-05-01: 2 then 0.
-- changes_total_3y: D1 3 + 1 + 2 (address 2024-06-30 and 2024-07-01) + 1
-- (scope 2022-07-01) + 2 = 9; D2 4 + 1 + 4 + 1 + 2 = 12.
SELECT * FROM shown WHERE position BETWEEN 14 AND 19 ORDER BY position, label;

-- D2G2 capital.  paid_in_ratio = paid / registered: A 100/500 = 0.2 (B the
-- same, from A), C 2500/2000 = 1.25 (raw, above 1), D registered 0 -> NULL,
-- E paid unknown -> NULL, F 10/50 = 0.2, G 1.  unpaid_capital: A and B 400,
-- C -500, D 0 (left out), E NULL, F 40, G 0 (left out).
SELECT * FROM shown WHERE position BETWEEN 20 AND 21 ORDER BY position, label;

-- D2G3 annual reports.  Latest due year: D1 (2025-06-30 is not after the
-- 2024 report's deadline) 2023, D2 2024; the three due years 2021-2023 and
-- 2022-2024.  A filed 2021 on 2022-05-01 (on time), 2022 on 2023-09-01 (late),
-- 2023 on 2025-08-01 (late, after D1), 2024 on 2026-05-20 (late: due by
-- 2025-06-30).  A: latest missing 1 then 0; missing of three 1 (2023) then 0;
-- late 1 (2022) then 3 (2022, 2023, 2024).  B, C, D, E, G never filed and were established before
-- 2021: 1 and 3 on both dates.  F (established 2024): on D1 no year is due
-- yet (0, 0); on D2 only 2024 is due and missing (1, 1).
SELECT * FROM shown WHERE position BETWEEN 22 AND 24 ORDER BY position, label;

-- D2G4 equity of A.  Pledges 2024-01-01..2025-12-01, 2025-06-30..,
-- 2025-09-01..2026-01-01, 2026-02-01..2026-06-30 (ended on D2): current 2
-- then 1; started in the last year 1 (2025-06-30) then 2.  Freezes
-- 2022-07-01..2023-01-01, 2024-01-01..2025-07-01, 2025-11-01.., 2026-06-30..:
-- current 1 then 2; started in 3 years 2 then 3.
SELECT * FROM shown WHERE position BETWEEN 25 AND 28 ORDER BY position, label;

-- D2G5 lawsuits of A as defendant: criminal 2022-07-01, labour 2024-10-01,
-- labour 2025-09-01, civil 2026-01-01, criminal 2026-02-01 and 2026-02-02,
-- labour 2026-04-01 (a plaintiff and a third-party suit do not count).
-- 1 year: 1 then 5; 3 years: 2 then 6; labour 1 year: 1 then 2; criminal
-- 3 years: 1 then 2.
SELECT * FROM shown WHERE position BETWEEN 29 AND 32 ORDER BY position, label;

-- D3G1 abnormal list.  A: 2022-08-01..2023-02-01 reason 1,
-- 2024-09-01..2025-12-01 reason 1, 2025-02-01..2025-12-01 reason 9.  On D1
-- two are current: flag 1, gravest reason 9 (1 < 9), days 2025-06-30 -
-- 2024-09-01 + 1 = 303; listed in 3 years 3.  On D2 none current; listed in
-- 3 years 2.  D: 2025-03-01 reason 2, current on D1: 122 days.  G: reasons
-- 4, 3, 2 listed 2025-08-01, -09-01, -10-01, all current on D2: reason 4
-- (3 < 4), 2026-06-30 - 2025-08-01 + 1 = 334 days, 3 listings.
SELECT * FROM shown WHERE position BETWEEN 33 AND 36 ORDER BY position, label;

-- D3G2 serious dishonesty.  A 2020-07-01..2023-07-01: listed in 5 years
-- 1 then 0 (D2 window starts after 2021-06-30); removed in 2 years
-- (2023-06-30, 2025-06-30] 1, then 0.  C 2024-05-01..2025-12-01: current
-- 1 then 0, listed 1 and 1, removed 0 then 1.
-- D3G3 judgment debtors.  A 2023-03-01..2024-12-01: listed in 3 years 1 then
-- 0, removed in the last year 1 then 0.  E 2024-01-01..2025-09-01: current
-- on D1.  F from 2026-05-01: current and listed on D2.  (D from 2026-01-01:
-- D is not scored on D2, but counts for A below.)
SELECT * FROM shown WHERE position BETWEEN 37 AND 42 ORDER BY position, label;

-- D3G4-D3G6 penalties of A (severity, fine, publicity end, field):
--   A1 2022-06-30 general 1.5 (on no window: excluded from D1's 3 years)
--   A7 2023-06-30 minor 0, A2 2022-08-01 serious 20 food (publicity to 2025-08-01)
--   A3 2025-03-01 minor 0.1 (publicity ended 2025-06-01), A4 2025-06-30 general 3
--   drugs (no publicity end: never counted as publicised), A5 2025-10-01
--   general 50 special_equipment (publicity ends on D2), A6 2026-01-01 general
--   5.25 food (publicity to 2026-12-31), A8 2026-03-01 minor 0.3 (to 2026-09-01).
-- 1 year: A3, A4 = 2 | A5, A6, A8 = 3.  3 years: A7, A2, A3, A4 = 4 |
-- A3, A4, A5, A6, A8 = 5.  In publicity: A2 = 1 | A6, A8 = 2.  Max severity
-- 3 (A2) | 2.  Serious 1 | 0.  General A4 = 1 | A4, A5, A6 = 3.  Fines
-- 20 + 0.1 + 3 = 23.1 | 0.1 + 3 + 50 + 5.25 + 0.3 = 58.65.  Key field 1 year
-- A4 = 1 | A5, A6 = 2; 3 years A2, A4 = 2 | A4, A5, A6 = 3; serious key field
-- A2 = 1 | 0.
-- C: serious drugs 2023-03-01 and 2024-03-01, minor 2026-02-01.  D: minor
-- 2025-02-01 (publicity to 2025-05-01), general 2025-04-01 (to 2026-04-01).
SELECT * FROM shown WHERE position BETWEEN 43 AND 52 ORDER BY position, label;

-- D3G7 spot checks of A: 2022-07-01 not found, 2023-06-30 problems,
-- 2024-05-01 problems, 2025-01-10 rectification, 2025-06-30 pass and
-- problems (same day), 2025-11-01 pass but refused, 2026-02-01 and
-- 2026-03-01 rectification, 2026-05-01 pass but refused.
-- refused 1 year 0 | 2.  problems 3 years 3 | 2 (2023-06-30 drops out).
-- rectification 1 year 1 | 2.  not found 3 years 1 | 0.  Latest outcome:
-- D1 two checks on 2025-06-30, pass (1) and problems (2): the higher, 2;
-- D2 2026-05-01 refused: 5.  Pass ratio over 3 years: D1 six checks, one pass
-- -> 1/6; D2 eight checks, the passes of 2025-11-01 and 2026-05-01 were
-- refused, one real pass (2025-06-30) -> 1/8.  Never checked: NULL.
SELECT * FROM shown WHERE position BETWEEN 53 AND 58 ORDER BY position, label;

-- D4 related parties.  Related set of A: on D1 {B (branch), C (shareholder),
-- D (investee), E (legal representative)} = 4; on D2 {B, C, D, F, G} = 5
-- (E's link ended 2026-02-01; D's runs to 2026-07-31, though D is
-- cancelled).  Every other enterprise's set is {A} while its link is in
-- force: B, C always, D and E on D1, F and G on D2 (on D1 F and G have none:
-- counts 0, ratio NULL).  Common legal representative: A and E on D1 (either
-- direction).  Revoked: C on D1 (1/4 = 0.25), C and G on D2 (2/5 = 0.4).
-- Cancelled in the last year among enterprises linked at some time in it:
-- D2: D (2026-04-01, link in force) and E (2026-03-01, link in force until
-- 2026-02-01) -> 2.
SELECT * FROM shown WHERE position BETWEEN 59 AND 63 ORDER BY position, label;

-- Lists: abnormal: D current on D1 and D2 (both in A's set), G on D2 -> A 1
-- then 2; A itself is current on D1 -> 1 for B, C, D, E on D1.  Serious
-- dishonesty: C on D1 -> A 1 then 0.  Judgment debtors: E on D1; D and F
-- on D2 -> A 1 then 2.
-- Penalties of related enterprises: A on D1: D's 2025-02-01 and 2025-04-01
-- in the last year (2), C's serious 2023-03-01 and 2024-03-01 in 3 years (2);
-- on D2: C's 2026-02-01 (1), C's 2024-03-01 (1).  For the others (set {A}):
-- A's penalties: 2 and 1 (A2) on D1; 3 and 0 on D2.
SELECT * FROM shown WHERE position BETWEEN 64 AND 68 ORDER BY position, label;

-- D4G5: parent_adverse: B's parent A is on the abnormal list on D1 (1), not on
-- D2 (0).  shareholder_listed_current: A's shareholder C is on the
-- serious-dishonesty list on D1 (1); on D2 C is removed and G is not listed (0).
SELECT * FROM shown WHERE position BETWEEN 69 AND 70 ORDER BY position, label;

-- D5 complaints (c1..c13 above).  D1: 1 year (2024-06-30, 2025-06-30]
-- complaints c2 c3 c5 c6 c8 = 5, 3 years + c1 = 6, substantiated c3 c5 = 2;
-- reports c4 c7 = 2 (3 years 2), substantiated c7 = 1; both kinds in 1 year
-- 7, substantiated c3 c5 c7 -> 3/7.  Growth: R = (2025-03-30, 2025-06-30]
-- = c5 c6 c7 c8 = 4, P = (2024-12-30, 2025-03-30] = c3 c4 = 2 (c2 on the
-- lower bound is out, c4 on the upper bound in) -> (4 - 2) / 3.
-- D2: complaints c10 c12 = 2, 3 years c2 c3 c5 c6 c8 c10 c12 = 7,
-- substantiated c10 = 1; reports c9 c11 c13 = 3, 3 years c4 c7 c9 c11 c13 = 5,
-- substantiated c9 c13 = 2; share c9 c10 c13 of 5 = 0.6 (c11 NULL is not
-- substantiated).  Growth: R = c11 c12 = 2, P = (2025-12-30, 2026-03-30]
-- = c10 = 1 -> (2 - 1) / 2 = 0.5.
SELECT * FROM shown WHERE position BETWEEN 71 AND 78 ORDER BY position, label;

-- D5G3 public opinion of A.  D1: negative 2024-10-01, 2025-06-15
-- (2024-06-30 is out) = 2; 3 months 1; all items 4 -> 0.5.  D2: negative
-- 2025-12-01, 2026-04-15, 2026-05-01 = 3; 3 months (2026-03-30, 2026-06-30]
-- 2; all items 4 -> 0.75.
SELECT * FROM shown WHERE position BETWEEN 79 AND 81 ORDER BY position, label;

-- Coverage: every indicator is non-trivial (neither 0 nor NULL) for some
-- enterprise on some date, and every indicator computed over a window or
-- "current" state differs between the two dates for some enterprise scored
-- on both; the ones that do not are register facts.
SELECT count(DISTINCT code) AS nontrivial FROM val WHERE (in1 AND v1 <> 0) OR (in2 AND v2 <> 0);
SELECT string_agg(code, ', ' ORDER BY position) AS same_on_both_dates
  FROM (SELECT position, code FROM val WHERE in1 AND in2 GROUP BY position, code
         HAVING bool_and(v1 IS NOT DISTINCT FROM v2)) s;

-- ---------------------------------------------------------------------------
-- Reproducibility: records dated after D1, and a removal after D1, leave D1
-- unchanged and change D2.
-- ---------------------------------------------------------------------------
INSERT INTO complaint (uscc, received_date, kind, substantiated, reported_by)
VALUES ('91411622MA4RN00A1X', '2025-07-15', 'complaint', false, '12345热线');
INSERT INTO penalty (uscc, decision_number, decision_date, severity, fine_amount, publicity_end_date, field, reported_by)
VALUES ('91411622MA4RN00A1X', 'IT-A9', '2026-08-01', 'serious', 100, '2029-08-01', 'food', :'rb');  -- after D2
UPDATE abnormal_listing SET removed_date = '2026-01-01' WHERE uscc = '91411622MA4RN00D11';
SELECT count(*) AS d1_rows_changed
  FROM ((SELECT * FROM d1 EXCEPT ALL SELECT * FROM compute_indicators('reference-v1', '2025-06-30'))
        UNION ALL
        (SELECT * FROM compute_indicators('reference-v1', '2025-06-30') EXCEPT ALL SELECT * FROM d1)) x;
-- On D2: A has one more complaint in 1 and 3 years, 3 of 6 substantiated;
-- D left the abnormal list before D2, so A has one related enterprise on it.
SELECT mi.code, ent.label, u.b AS before, u.a AS after
  FROM compute_indicators('reference-v1', '2026-06-30') c
  JOIN d2 USING (uscc)
  JOIN ent USING (uscc)
 CROSS JOIN LATERAL unnest(d2.indicators, c.indicators) WITH ORDINALITY AS u(b, a, n)
  JOIN model_indicators('reference-v1') mi ON mi.position = u.n
 WHERE u.b IS DISTINCT FROM u.a
 ORDER BY mi.position, ent.label;

-- ---------------------------------------------------------------------------
-- indicators_to_sql(): one plain query with all 81 definitions in model order
-- ---------------------------------------------------------------------------
SELECT split_part(indicators_to_sql('reference-v1'), E'\n', 1) AS line1,
       split_part(indicators_to_sql('reference-v1'), E'\n', 2) AS line2;
SELECT count(*) AS definitions,
       array_agg(m[1] ORDER BY n) = (SELECT array_agg(code ORDER BY position) FROM model_indicators('reference-v1')) AS in_model_order
  FROM regexp_matches(indicators_to_sql('reference-v1'), '^    /\* ([a-z0-9_]+) \*/ \(', 'gn') WITH ORDINALITY r(m, n);
SELECT count(*) AS builtin_without_definition FROM indicator WHERE builtin AND definition_sql IS NULL;
-- The C engine's registry is the catalogue's built-in entries, no more, no less
-- (reference-v1's 81, since 1.5 commitment_breaches_3y, since 1.6 the five of
-- enforcement, confirmations and rewards: sql/record_kinds.sql).
SELECT count(*) AS engine_codes,
       array_agg(c ORDER BY c) = (SELECT array_agg(code ORDER BY code) FROM indicator WHERE builtin) AS registry_is_catalogue
  FROM engine_indicator_codes() c;
-- The same query run by hand gives what compute_indicators() gives.
CREATE FUNCTION pg_temp.run_sql(q text, d date) RETURNS TABLE (uscc uscc, indicators double precision[])
LANGUAGE plpgsql AS $$ BEGIN RETURN QUERY EXECUTE q USING d, NULL::timestamptz; END $$;
SELECT count(*) AS differences
  FROM ((SELECT * FROM pg_temp.run_sql(indicators_to_sql('reference-v1'), '2026-06-30')
         EXCEPT ALL SELECT * FROM compute_indicators('reference-v1', '2026-06-30'))
        UNION ALL
        (SELECT * FROM compute_indicators('reference-v1', '2026-06-30')
         EXCEPT ALL SELECT * FROM pg_temp.run_sql(indicators_to_sql('reference-v1'), '2026-06-30'))) x;
-- ... and byte for byte: each array is stored as PostgreSQL would build it,
-- with no stray bytes in the padding after its null bitmap (both dates)
SELECT count(*) FILTER (WHERE NOT (c *= r)) AS not_byte_identical, count(*) AS arrays
  FROM (SELECT indicators FROM compute_indicators('reference-v1', '2025-06-30')
        UNION ALL SELECT indicators FROM compute_indicators('reference-v1', '2026-06-30')) c,
       LATERAL (SELECT c.indicators::text::float8[] AS indicators) r;

-- indicators_set_sql() (1.5): the same 81 values as one set-based query
-- (one grouped pass per record table): equal to the C engine bit for bit,
-- on every enterprise, on both dates.
SELECT split_part(indicators_set_sql('reference-v1'), E'\n', 1) AS line1;
SELECT count(*) AS set_based_entries,
       array_agg(m[1] ORDER BY n) = (SELECT array_agg(code ORDER BY position) FROM model_indicators('reference-v1')) AS in_model_order
  FROM regexp_matches(indicators_set_sql('reference-v1'), '^    /\* ([a-z0-9_]+) \*/ \(', 'gn') WITH ORDINALITY r(m, n);
SELECT d, count(*) AS enterprises,
       count(*) FILTER (WHERE x.c_uscc IS NULL OR x.s_uscc IS NULL) AS on_one_side_only,
       count(*) FILTER (WHERE array_send(x.c) IS DISTINCT FROM array_send(x.s)) AS differences
  FROM unnest('{2025-06-30,2026-06-30}'::date[]) d
 CROSS JOIN LATERAL (SELECT c.uscc, s.uscc, c.indicators, s.indicators
                       FROM compute_indicators('reference-v1', d) c
                       FULL JOIN pg_temp.run_sql(indicators_set_sql('reference-v1'), d) s ON s.uscc = c.uscc) x(c_uscc, s_uscc, c, s)
 GROUP BY d ORDER BY d;

-- Errors: an unknown model; a model using an entry without a definition; a
-- definition that does not compile.
SELECT indicators_to_sql('no-such-model'); \echo :LAST_ERROR_SQLSTATE
SELECT model_import('{"format": "creditrisk-model/1", "key": "nodef-v1", "dimensions": [
  {"code": "D1", "name": "测试", "weight": 1, "groups": [
    {"code": "D1G1", "name": "测试", "weight": 1, "indicators": [
      {"code": "it_lawsuits_total", "name": "涉诉总数", "unit": "count", "weight": 1,
       "rule": {"kind": "boolean", "true": 100, "false": 0, "missing": 20}}]}]}], "floors": []}');
SELECT indicators_to_sql('nodef-v1'); \echo :LAST_ERROR_SQLSTATE
SELECT indicators_set_sql('nodef-v1'); \echo :LAST_ERROR_SQLSTATE
SELECT indicators_set_sql('no-such-model'); \echo :LAST_ERROR_SQLSTATE
SELECT * FROM compute_indicators('nodef-v1', '2026-06-30'); \echo :LAST_ERROR_SQLSTATE
SELECT * FROM compute_indicators('no-such-model', '2026-06-30'); \echo :LAST_ERROR_SQLSTATE
SELECT * FROM compute_indicators('reference-v1', 'infinity'); \echo :LAST_ERROR_SQLSTATE
-- A draft without indicators yet: every enterprise, no values.
SELECT model_import('{"format": "creditrisk-model/1", "key": "empty-v1", "dimensions": [], "floors": []}');
SELECT ent.label, c.indicators
  FROM compute_indicators('empty-v1', '2026-06-30') c JOIN ent USING (uscc) ORDER BY ent.label;
DELETE FROM model WHERE model_key = 'empty-v1';
INSERT INTO indicator (code, name, definition_sql)
VALUES ('it_bad', '坏定义', '(SELECT count(*) FROM creditrisk.lawsuit s WHERE s.filed_dat <= $1)'); \echo :LAST_ERROR_SQLSTATE
UPDATE indicator SET definition_sql = 'no such thing' WHERE code = 'it_lawsuits_total'; \echo :LAST_ERROR_SQLSTATE
-- nothing changed: no it_bad entry, it_lawsuits_total still without a definition
SELECT code, definition_sql IS NULL AS undefined FROM indicator WHERE code IN ('it_bad', 'it_lawsuits_total');
-- Once defined, the entry is computed like the built-in ones.
UPDATE indicator SET definition_sql = $d$
(SELECT count(*) FROM creditrisk.lawsuit s WHERE s.uscc = e.uscc AND s.filed_date <= $1)
$d$ WHERE code = 'it_lawsuits_total';
SELECT ent.label, c.indicators
  FROM compute_indicators('nodef-v1', '2026-06-30') c JOIN ent USING (uscc) ORDER BY ent.label;
-- The set-based query embeds the definition of an entry that is not built in.
SELECT count(*) AS enterprises,
       count(*) FILTER (WHERE array_send(c.indicators) IS DISTINCT FROM array_send(s.indicators)) AS differences
  FROM compute_indicators('nodef-v1', '2026-06-30') c
  FULL JOIN pg_temp.run_sql(indicators_set_sql('nodef-v1'), '2026-06-30') s ON s.uscc = c.uscc;
-- JIT is off while the engine plans the SQL definitions (1.10: 80-odd
-- subqueries passed JIT's thresholds under an analyst's row-level security,
-- and compiling took 95 % of the call): a definition that reads the setting
-- sees off with JIT forced on for the caller, whose setting is back after.
SET jit = on;
SET jit_above_cost = 0;
UPDATE indicator SET definition_sql = $d$(CASE WHEN current_setting('jit') = 'off' THEN 1 ELSE 0 END)$d$
 WHERE code = 'it_lawsuits_total';
SELECT c.indicators, count(*) FROM compute_indicators('nodef-v1', '2026-06-30') c GROUP BY c.indicators;
SHOW jit;
RESET jit;
RESET jit_above_cost;
UPDATE indicator SET definition_sql = $d$
(SELECT count(*) FROM creditrisk.lawsuit s WHERE s.uscc = e.uscc AND s.filed_date <= $1)
$d$ WHERE code = 'it_lawsuits_total';

-- Model documents carry the SQL definitions: export, drop the model and
-- its catalogue entry, import into an empty catalogue, compute the same.
CREATE TEMP TABLE doc AS SELECT model_export('nodef-v1') AS doc;
SELECT jsonb_path_query(doc, '$.dimensions[*].groups[*].indicators[*].definition_sql') IS NOT NULL AS has_definition FROM doc;
DELETE FROM model WHERE model_key = 'nodef-v1';
DELETE FROM indicator WHERE code = 'it_lawsuits_total';
SELECT model_import(doc) FROM doc;
SELECT ent.label, c.indicators
  FROM compute_indicators('nodef-v1', '2026-06-30') c JOIN ent USING (uscc) ORDER BY ent.label;
-- A document whose definition differs from the catalogue entry of the same
-- code is refused, and nothing is imported.
SELECT model_import(jsonb_set(doc, '{dimensions,0,groups,0,indicators,0,definition_sql}', '"0"'), 'other-v1')
  FROM doc; \echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS other_models FROM model WHERE model_key = 'other-v1';
-- reference-v1's export carries all 81 definitions.
SELECT count(*) AS definitions
  FROM jsonb_path_query(model_export('reference-v1'), '$.dimensions[*].groups[*].indicators[*].definition_sql');

-- Amounts are read exactly, as integer units of 1/10000 (src/amount.c): the
-- largest numeric(16,4), the smallest step, digits in every base-10000
-- position, and fines whose sum in floating point would not be exact
-- (0.1 + 0.2 + 0.0001).  The C engine and the SQL definitions agree bit for
-- bit (float8send), on every entry that reads an amount.
BEGIN;
UPDATE enterprise SET registered_capital = 999999999999.9999, paid_in_capital = 0.0001
 WHERE uscc = '91411622MA4RN00A1X';
UPDATE enterprise SET registered_capital = 100000000.0001, paid_in_capital = 12345678.9012
 WHERE uscc = '91411622MA4RN00F13';
INSERT INTO penalty (uscc, decision_number, decision_date, severity, fine_amount, publicity_end_date, field, reported_by) VALUES
  ('91411622MA4RN00F13', 'IT-AM1', '2026-05-01', 'minor',   0.1,    NULL, 'other', :'rb'),
  ('91411622MA4RN00F13', 'IT-AM2', '2026-05-02', 'minor',   0.2,    NULL, 'other', :'rb'),
  ('91411622MA4RN00F13', 'IT-AM3', '2026-05-03', 'minor',   0.0001, NULL, 'other', :'rb');
SELECT ent.label, mi.code, u.c AS c_engine, float8send(u.c) = float8send(u.s) AS same_bits_as_sql
  FROM compute_indicators('reference-v1', '2026-06-30') c
  JOIN pg_temp.run_sql(indicators_to_sql('reference-v1'), '2026-06-30') s USING (uscc)
  JOIN ent USING (uscc)
 CROSS JOIN LATERAL unnest(c.indicators, s.indicators) WITH ORDINALITY AS u(c, s, n)
  JOIN model_indicators('reference-v1') mi ON mi.position = u.n
 WHERE mi.code IN ('registered_capital', 'paid_in_ratio', 'unpaid_capital', 'penalty_fines_3y')
   AND ent.label IN ('A', 'B', 'F')
 ORDER BY ent.label, mi.position;
-- NaN is not an amount (numeric(16,4) can store it): the register refuses it
-- (CHECK enterprise_registered_capital_finite, 1.4) ...
SAVEPOINT nan;
\set VERBOSITY terse
UPDATE enterprise SET registered_capital = 'NaN' WHERE uscc = '91411622MA4RN00F13'; \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
ROLLBACK TO SAVEPOINT nan;
-- ... and should one be there anyway (a database that predates the CHECK),
-- the engine stops with a clear error.
ALTER TABLE enterprise DROP CONSTRAINT enterprise_registered_capital_finite;
UPDATE enterprise SET registered_capital = 'NaN' WHERE uscc = '91411622MA4RN00F13';
SELECT count(*) FROM compute_indicators('reference-v1', '2026-06-30'); \echo :LAST_ERROR_SQLSTATE
ROLLBACK;

-- The engine reads heap tuples: a record table moved to another access
-- method is refused with a clear error, not read wrongly.
BEGIN;
CREATE ACCESS METHOD regress_other_heap TYPE TABLE HANDLER heap_tableam_handler;
ALTER TABLE public_opinion SET ACCESS METHOD regress_other_heap;
SELECT count(*) FROM compute_indicators('reference-v1', '2026-06-30'); \echo :LAST_ERROR_SQLSTATE
ROLLBACK;

-- Clean up
DELETE FROM model WHERE model_key = 'nodef-v1';
DELETE FROM indicator WHERE code = 'it_lawsuits_total';
DELETE FROM licence WHERE uscc IN (SELECT uscc FROM ent);
DELETE FROM penalty WHERE uscc IN (SELECT uscc FROM ent);
DELETE FROM spot_check WHERE uscc IN (SELECT uscc FROM ent);
DELETE FROM complaint WHERE uscc IN (SELECT uscc FROM ent);
DELETE FROM abnormal_listing WHERE uscc IN (SELECT uscc FROM ent);
DELETE FROM serious_dishonesty_listing WHERE uscc IN (SELECT uscc FROM ent);
DELETE FROM judgment_debtor_listing WHERE uscc IN (SELECT uscc FROM ent);
DELETE FROM annual_report WHERE uscc IN (SELECT uscc FROM ent);
DELETE FROM registration_change WHERE uscc IN (SELECT uscc FROM ent);
DELETE FROM related_party_link WHERE from_uscc IN (SELECT uscc FROM ent);
DELETE FROM equity_pledge_freeze WHERE uscc IN (SELECT uscc FROM ent);
DELETE FROM lawsuit WHERE uscc IN (SELECT uscc FROM ent);
DELETE FROM public_opinion WHERE uscc IN (SELECT uscc FROM ent);
DELETE FROM domain_risk_class WHERE uscc IN (SELECT uscc FROM ent);
DELETE FROM enterprise WHERE parent_uscc IN (SELECT uscc FROM ent);
DELETE FROM enterprise WHERE uscc IN (SELECT uscc FROM ent);
