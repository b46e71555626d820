-- Credit repair and commitments (issue 14) as each role, with only the grants
-- create_roles() gives (doc/SECURITY.md): a county administrator records and
-- decides the applications of its county and nothing outside it; a county
-- analyst reads its county's applications and commitments and writes
-- nothing; a partner reads none of it; the rule sets are configuration.
BEGIN;
SELECT plan(18);
SET LOCAL search_path = creditrisk, tap, public;
\i test/fixtures/jurisdictions.sql
SELECT creditrisk.create_roles();
CREATE ROLE regress_crt_repair_admin;
CREATE ROLE regress_cr_repair_analyst;
CREATE ROLE regress_cr_repair_partner;
GRANT USAGE ON SCHEMA tap TO regress_crt_repair_admin, regress_cr_repair_analyst, regress_cr_repair_partner;
SELECT creditrisk.enrol('regress_crt_repair_admin', 'admin', '411622'),
       creditrisk.enrol('regress_cr_repair_analyst', 'analyst', '411622'),
       creditrisk.enrol('regress_cr_repair_partner', 'partner', '410000');
-- One serious-dishonesty listing (2026-05-01) in 西华县 and one in 中原区, each
-- with a pending application; a commitment of each.
INSERT INTO creditrisk.credit_commitment (uscc, kind, signed_date, published_date, reported_by)
SELECT uscc, 'repair', '2026-05-02', '2026-05-02', 'fixture' FROM world WHERE tag IN ('xihua2', 'zhongyuan');
INSERT INTO creditrisk.credit_repair (uscc, target, serious_dishonesty_listing_id, channel, applied_date, accepted_date, reported_by)
SELECT l.uscc, 'serious_dishonesty_listing', l.id, 'online', '2026-05-03', '2026-05-03', 'fixture'
  FROM creditrisk.serious_dishonesty_listing l;
GRANT SELECT ON world TO regress_crt_repair_admin, regress_cr_repair_analyst, regress_cr_repair_partner;

SET LOCAL ROLE regress_cr_repair_analyst;
SELECT is((SELECT count(*)::int FROM creditrisk.credit_repair), 1, 'the county analyst sees its county''s application only');
SELECT is((SELECT count(*)::int FROM creditrisk.credit_commitment), 1, 'the county analyst sees its county''s commitment only');
SELECT is((SELECT count(*)::int FROM creditrisk.repair_rule_set), 2, 'the analyst reads the rule sets');
SELECT lives_ok($$ SELECT * FROM creditrisk.repair_eligibility('serious_dishonesty_listing',
                      (SELECT serious_dishonesty_listing_id FROM creditrisk.credit_repair), '2026-05-03') $$,
                'the analyst asks for the eligibility of a listing of its county');
SELECT throws_ok($$ SELECT * FROM creditrisk.repair_eligibility('serious_dishonesty_listing',
                      (SELECT max(id) FROM creditrisk.serious_dishonesty_listing_as_known(NULL)) + 1, '2026-05-03') $$,
                 'P0002', NULL, 'a listing it does not see is not on record for it');
SELECT throws_ok($$ SELECT creditrisk.repair_decide((SELECT id FROM creditrisk.credit_repair), 'rejected', '2026-05-04', 'x') $$,
                 '42501', NULL, 'the analyst cannot decide an application');
SELECT throws_ok($$ INSERT INTO creditrisk.credit_commitment (uscc, kind, signed_date, reported_by)
                    SELECT uscc, 'repair', '2026-05-02', 'x' FROM world WHERE tag = 'xihua1' $$,
                 '42501', NULL, 'the analyst cannot record a commitment');
SELECT throws_ok($$ UPDATE creditrisk.repair_rule_set SET name = 'x' $$, '42501', NULL,
                 'the analyst cannot change a rule set');
RESET ROLE;

SET LOCAL ROLE regress_crt_repair_admin;
SELECT is((SELECT count(*)::int FROM creditrisk.credit_repair), 1, 'the county administrator sees its county''s application only');
SELECT is((SELECT decision FROM creditrisk.repair_decide((SELECT id FROM creditrisk.credit_repair), 'rejected', '2026-05-04',
                                                         '列入不满一年')), 'rejected',
          'the county administrator decides its county''s application');
SELECT throws_ok($$ UPDATE creditrisk.credit_repair SET decision = 'approved', reasons = 'x' $$, '55000', NULL,
                 'a decision stands, whoever writes it');
SELECT lives_ok($$ INSERT INTO creditrisk.credit_commitment (uscc, kind, signed_date, published_date, reported_by)
                   SELECT uscc, 'industry_self_discipline', '2026-05-02', '2026-05-03', 'x' FROM world WHERE tag = 'xihua1' $$,
                'the county administrator records a commitment in its county');
SELECT throws_ok($$ INSERT INTO creditrisk.credit_commitment (uscc, kind, signed_date, reported_by)
                    SELECT uscc, 'repair', '2026-05-02', 'x' FROM world WHERE tag = 'zhongyuan' $$,
                 '42501', NULL, 'but not in another county (row-level security)');
SELECT lives_ok($$ INSERT INTO creditrisk.credit_repair (uscc, target, serious_dishonesty_listing_id, channel, applied_date, reported_by)
                    SELECT l.uscc, 'serious_dishonesty_listing', l.id, 'offline', '2026-05-05', 'x'
                      FROM creditrisk.serious_dishonesty_listing_as_known(NULL) l WHERE l.uscc = (SELECT uscc FROM world WHERE tag = 'xihua2') $$,
                'a second application of its county is recorded (the listing is its own)');
SELECT throws_ok($$ ALTER TABLE creditrisk.credit_repair ADD COLUMN fee numeric $$, '42501', NULL,
                 'no fee column can be added by the administrator');
SELECT throws_ok($$ INSERT INTO creditrisk.repair_rule_set (regime, name, basis, effective_from, penalty_min_minor,
                      penalty_min_general, penalty_min_serious, penalty_min_key_field, unrepairable_sanctions,
                      abnormal_min_listing, serious_min_listing, serious_max_term, commitment_required, shipped)
                    VALUES ('local_2027', 'x', 'x', '2027-01-01', '0', '0', '0', '0', '{}', '0', '1 year', '3 years', true, true) $$,
                 '23514', NULL, 'a rule set of the bureau cannot claim to be shipped');
RESET ROLE;

SET LOCAL ROLE regress_cr_repair_partner;
SELECT throws_ok($$ SELECT count(*) FROM creditrisk.credit_repair $$, '42501', NULL, 'the partner reads no application');
SELECT throws_ok($$ SELECT count(*) FROM creditrisk.credit_commitment $$, '42501', NULL, 'the partner reads no commitment');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
