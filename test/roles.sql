-- Group roles and their jobs (doc/SECURITY.md, "Roles"): what the README
-- tells a DBA to run, then each role kind doing its documented jobs end to
-- end, as that role, with only the grants create_roles() and enrol() give.
-- Everything, roles included, is rolled back at the end.
BEGIN;
SELECT no_plan();
SET LOCAL search_path = creditrisk, tap, public;

\o /dev/null
\ir fixtures/jurisdictions.sql
\o
SET LOCAL client_min_messages = warning;

-- ---------------------------------------------------------------------------
-- The DBA: create_roles() is idempotent; enrol() and share() check input.
-- ---------------------------------------------------------------------------
SELECT lives_ok('SELECT creditrisk.create_roles()', 'create_roles() creates the group roles');
SELECT lives_ok('SELECT creditrisk.create_roles()', 'create_roles() again changes nothing and fails on nothing');
SELECT is((SELECT array_agg(rolname::text ORDER BY rolname) FROM pg_roles
            WHERE rolname LIKE 'creditrisk\_%' AND NOT rolcanlogin AND NOT rolsuper AND NOT rolbypassrls),
          '{creditrisk_admin,creditrisk_analyst,creditrisk_auditor,creditrisk_loader,creditrisk_owner,creditrisk_partner,creditrisk_sharing}',
          'seven NOLOGIN group roles, none SUPERUSER or BYPASSRLS');
SELECT is_empty($$ SELECT c.oid::regclass FROM pg_class c
                    WHERE c.relnamespace = 'creditrisk'::regnamespace AND c.relkind IN ('r', 'v', 'm')
                      AND c.relowner <> 'creditrisk_owner'::regrole
                      AND c.relname NOT IN ('shared_classification', 'shared_distribution') $$,
                'creditrisk_owner owns every table and view but the two partner views');
SELECT set_eq($$ SELECT c.relname::text FROM pg_class c
                  WHERE c.relnamespace = 'creditrisk'::regnamespace AND c.relowner = 'creditrisk_sharing'::regrole $$,
              ARRAY['shared_classification', 'shared_distribution'],
              'creditrisk_sharing owns the two partner views and nothing else');
SELECT is((SELECT array_agg(polname::text ORDER BY polname) FROM pg_policy
            WHERE 'creditrisk_sharing'::regrole = ANY (polroles)),
          '{sharing_agreement}', 'the one policy for creditrisk_sharing is on the history (while an agreement runs)');
SELECT is_empty($$ SELECT c.oid::regclass FROM pg_class c
                    WHERE c.relnamespace = 'creditrisk'::regnamespace AND c.relkind = 'r'
                      AND c.relname IN ('enterprise', 'licence', 'penalty', 'spot_check', 'complaint', 'abnormal_listing',
                                        'serious_dishonesty_listing', 'judgment_debtor_listing', 'annual_report',
                                        'registration_change', 'related_party_link', 'equity_pledge_freeze', 'lawsuit',
                                        'public_opinion', 'domain_risk_class', 'indicator_value', 'classification_run',
                                        'classification_result', 'classification_domain_result', 'jurisdiction',
                                        'sharing_agreement', 'supervision_measure')
                      AND NOT (c.relrowsecurity AND c.relforcerowsecurity
                               AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)) $$,
                'every table of enterprise data has FORCEd row-level security with policies');
SELECT is_empty($$ SELECT polrelid::regclass, polname FROM pg_policy p
                    WHERE pg_get_expr(p.polqual, p.polrelid) ~ 'division_code'
                      AND pg_get_expr(p.polqual, p.polrelid) !~ '>= \( SELECT scope_from\(\) AS scope_from\)'
                      AND p.polrelid NOT IN ('creditrisk.enterprise'::regclass, 'creditrisk.enterprise_history'::regclass) $$,
                'the division policies compare division_code with bounds computed once per query (InitPlans)');
SELECT is((SELECT count(*) FROM pg_policy p
            WHERE p.polname = 'jurisdiction'
              AND p.polrelid IN ('creditrisk.enterprise'::regclass, 'creditrisk.enterprise_history'::regclass)
              AND pg_get_expr(p.polqual, p.polrelid)
                  ~ '^\(\(\(division_code\)::text >= (creditrisk\.)?scope_from\(\)\) AND \(\(division_code\)::text < (creditrisk\.)?scope_to\(\)\)\)$'),
          2::bigint,
          'the register''s policies call scope_from()/scope_to() directly (no InitPlan in each record policy''s probe of the register, issue 15)');

CREATE ROLE regress_cr_province_admin LOGIN;
CREATE ROLE regress_cr_county_admin LOGIN;
CREATE ROLE regress_cr_county LOGIN;
CREATE ROLE regress_cr_city LOGIN;
CREATE ROLE regress_cr_auditor LOGIN;
CREATE ROLE regress_cr_partner LOGIN;
GRANT USAGE ON SCHEMA tap TO regress_cr_province_admin, regress_cr_county_admin, regress_cr_county, regress_cr_city,
                             regress_cr_auditor, regress_cr_partner;   -- (for the pgTAP assertions only)

-- The README's recipe: a province admin, a city and a county analyst, a partner.
SELECT lives_ok($$ SELECT creditrisk.enrol('regress_cr_province_admin', 'admin', '410000') $$, 'enrol a province-wide administrator');
SELECT lives_ok($$ SELECT creditrisk.enrol('regress_cr_city', 'analyst', '411600') $$, 'enrol a city analyst (周口市)');
SELECT lives_ok($$ SELECT creditrisk.enrol('regress_cr_county', 'analyst', '411622') $$, 'enrol a county analyst (西华县)');
SELECT lives_ok($$ SELECT creditrisk.enrol('regress_cr_partner', 'partner', '410000') $$, 'enrol a partner department');
SELECT lives_ok($$ SELECT creditrisk.share('regress_cr_partner', '{411600}', '{final_class,class_date,score}', '2099-12-31') $$,
                'share the city''s classes and scores with it until 2099');
SELECT lives_ok($$ SELECT creditrisk.enrol('regress_cr_county_admin', 'admin', '411622') $$, 'enrol a county administrator');
SELECT lives_ok($$ SELECT creditrisk.enrol('regress_cr_auditor', 'auditor', '411600') $$, 'enrol a city auditor');

SELECT ok(pg_has_role('regress_cr_county', 'creditrisk_analyst', 'MEMBER'), 'enrol() makes the role a member of its group');
SELECT is((SELECT setconfig FROM pg_db_role_setting
            WHERE setrole = 'regress_cr_county'::regrole AND setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())),
          ARRAY['search_path="$user", creditrisk, public'], 'enrol() sets the role''s search_path in this database');
SELECT lives_ok($$ SELECT creditrisk.enrol('regress_cr_auditor', 'analyst', '411600') $$, 're-enrolling changes the kind');
SELECT ok(NOT pg_has_role('regress_cr_auditor', 'creditrisk_auditor', 'MEMBER')
          AND pg_has_role('regress_cr_auditor', 'creditrisk_analyst', 'MEMBER'), '... and the group membership with it');
SELECT lives_ok($$ SELECT creditrisk.enrol('regress_cr_auditor', 'auditor', '411600') $$, '(and back)');

SELECT throws_ok($$ SELECT creditrisk.enrol('regress_cr_city', 'boss', '411600') $$, '22023',
                 'unknown kind of creditrisk role "boss"', 'enrol() refuses an unknown kind');
SELECT throws_ok($$ SELECT creditrisk.enrol('regress_cr_city', 'analyst', '4116') $$, '22023',
                 'invalid division code "4116"', 'enrol() refuses a malformed division');
SELECT throws_ok($$ SELECT creditrisk.enrol(current_user::regrole, 'analyst', '410000') $$, '22023', NULL,
                 'enrol() refuses a superuser (it sees everything anyway)');
SELECT throws_ok($$ SELECT creditrisk.enrol('creditrisk_owner', 'analyst', '410000') $$, '22023', NULL,
                 'enrol() refuses a group role');
SELECT throws_ok($$ SELECT creditrisk.share('regress_cr_city', '{411600}', '{final_class}', '2099-12-31') $$, '55000', NULL,
                 'share() refuses a role not enrolled as a partner');
SELECT throws_ok($$ SELECT creditrisk.share('regress_cr_partner', '{411600}', '{final_class}', '2020-01-01') $$, '22023', NULL,
                 'share() refuses an agreement that has ended');
SELECT throws_ok($$ SELECT creditrisk.share('regress_cr_partner', '{411600}', '{legal_representative}', '2099-12-31') $$, '22023',
                 'unknown field in a sharing agreement: legal_representative', 'share() refuses an unknown field');
SELECT throws_ok($$ SELECT creditrisk.share('regress_cr_partner', '{4116}', '{final_class}', '2099-12-31') $$, '22023', NULL,
                 'share() refuses a malformed division');
SELECT is((SELECT fields FROM sharing_agreement WHERE partner = 'regress_cr_partner'), '{class_date,final_class,score}',
          'an agreement always includes the final class and its date');

-- A pre-existing role of the same name with more power is not taken over.
ALTER ROLE creditrisk_analyst LOGIN;
SELECT throws_ok('SELECT creditrisk.create_roles()', '55000', 'role "creditrisk_analyst" exists with privileges creditrisk would not give it',
                 'create_roles() refuses a group role that can log in');
ALTER ROLE creditrisk_analyst NOLOGIN;
GRANT creditrisk_owner TO regress_cr_city;
SELECT throws_ok('SELECT creditrisk.create_roles()', '55000', 'role creditrisk_owner has members',
                 'create_roles() refuses an owner role with members');
REVOKE creditrisk_owner FROM regress_cr_city;
GRANT creditrisk_sharing TO regress_cr_city;
SELECT throws_ok('SELECT creditrisk.create_roles()', '55000', 'role creditrisk_sharing has members',
                 'create_roles() refuses a partner views'' owner role with members');
REVOKE creditrisk_sharing FROM regress_cr_city;

-- ---------------------------------------------------------------------------
-- The province administrator: models, rules, measures, records, the monthly
-- run.  (Its session has the search_path enrol() set.)
-- ---------------------------------------------------------------------------
SET LOCAL ROLE regress_cr_province_admin;
SET LOCAL search_path = "$user", creditrisk, public, tap;
SELECT lives_ok($$ SELECT model_copy('reference-v1', 'regress-henan-2026', 'the province''s own version') $$,
                'admin: copies the reference model into a draft');
SELECT lives_ok($$ UPDATE model_bin SET points = points WHERE model_key = 'regress-henan-2026' $$, 'admin: edits the draft''s bins');
SELECT lives_ok($$ SELECT model_publish('regress-henan-2026') $$, 'admin: publishes it (model_revision_seq, model_floor..., model_bin)');
SELECT lives_ok($$ INSERT INTO model_activation (effective_from, model_key) VALUES ('2026-09-01', 'regress-henan-2026') $$,
                'admin: activates it from a date');
SELECT lives_ok($$ INSERT INTO high_concern_industry (industry_prefix, effective_from, class, name) VALUES ('C1391', '2026-01-01', 'C', '淀粉') $$,
                'admin: adopts a high-concern industry');
SELECT lives_ok($$ INSERT INTO fusion_rule (domain, method) VALUES ('food', 'riskier') $$, 'admin: sets a fusion rule');
SELECT lives_ok($$ INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio)
                   VALUES ('411600', 'C', '2026-01-01', 0.15) $$, 'admin: adds a stricter city measure');
SELECT lives_ok(format($$ INSERT INTO penalty (uscc, decision_number, decision_date, severity, reported_by)
                          VALUES (%L, 'regress-1', '2026-08-01', 'minor', 'admin') $$, (SELECT uscc FROM world WHERE tag = 'fugou')),
                'admin: loads a record');
SELECT lives_ok($$ SELECT refresh_classification('2026-09-30') $$, 'admin: runs the monthly classification');
SELECT is((SELECT model_key FROM classification_run WHERE as_of = '2026-09-30' ORDER BY version DESC LIMIT 1), 'regress-henan-2026',
          '... with its model (a new version of the date)');
SELECT is((SELECT count(*) FROM classification_current), 6::bigint, '... and the province''s 6 enterprises are current');
RESET ROLE;

-- The county administrator: its county's measures and records; not the
-- city's, nor the monthly run.
SET LOCAL ROLE regress_cr_county_admin;
SET LOCAL search_path = "$user", creditrisk, public, tap;
SELECT lives_ok($$ INSERT INTO supervision_measure (division_code, class, effective_from, other_measures)
                   VALUES ('411622', 'D', '2026-01-01', '县局约谈') $$, 'county admin: adds a county measure');
SELECT throws_ok($$ INSERT INTO supervision_measure (division_code, class, effective_from, other_measures)
                    VALUES ('411600', 'D', '2026-01-01', 'x') $$, '42501', NULL, 'county admin: cannot add a city measure');
SELECT throws_ok($$ SELECT refresh_classification('2026-09-30') $$, '42501', NULL, 'county admin: cannot run the province''s monthly run');
SELECT is((SELECT count(*) FROM enterprise), 2::bigint, 'county admin: sees its county''s 2 enterprises');
RESET ROLE;

-- ---------------------------------------------------------------------------
-- The analysts: read what the README shows, with the path enrol() set.
-- ---------------------------------------------------------------------------
SET LOCAL ROLE regress_cr_county;
SET LOCAL search_path = "$user", public, tap;
SELECT throws_ok($$ SELECT count(*) FROM creditrisk.classification_current WHERE final_class = 'D' $$, '42883', NULL,
                 'with the default search_path the types'' operators are not found (why enrol() sets one)');
SET LOCAL search_path = "$user", creditrisk, public, tap;
SELECT is((SELECT count(*) FROM classification_current WHERE final_class = 'D'), 1::bigint,
          'county analyst: WHERE final_class = ''D'' with the enrolled search_path');
SELECT is((SELECT count(*) FROM classification_current WHERE uscc = '91411622MA40000A13'), 1::bigint,
          'county analyst: WHERE uscc = ''…''');
SELECT lives_ok($$ SELECT * FROM class_distribution_current $$, 'county analyst: the class distribution');
SELECT lives_ok($$ SELECT * FROM classification_worsened $$, 'county analyst: the early-warning list');
SELECT lives_ok($$ SELECT * FROM class_transition_latest $$, 'county analyst: the transition matrix');
SELECT lives_ok($$ SELECT * FROM score_stability_latest $$, 'county analyst: score stability');
SELECT is((SELECT count(*) FROM enterprise_measures), 2::bigint, 'county analyst: the measures of its 2 enterprises');
SELECT is((SELECT count(score('reference-v1', c.indicators)) FROM compute_indicators('reference-v1', '2026-09-30') c), 2::bigint,
          'county analyst: computes and scores the indicators of its 2 enterprises');
SELECT ok((SELECT bool_and(x.n > 0) FROM (SELECT count(*) AS n FROM compute_indicators('reference-v1', '2026-09-30') c
            CROSS JOIN LATERAL score_explain('reference-v1', c.indicators) GROUP BY c.uscc) x),
          'county analyst: explains a score');
SELECT lives_ok($$ SELECT score_reasons('reference-v1', c.indicators) FROM compute_indicators('reference-v1', '2026-09-30') c $$,
                'county analyst: reason codes');
SELECT is((SELECT count(*) FROM classification_result), 6::bigint, 'county analyst: its history (2 enterprises, 3 runs: the admin''s re-run is a version)');
SELECT lives_ok($$ SELECT as_of, model_key, run_by FROM classification_run $$, 'county analyst: which runs there were');
SELECT throws_ok($$ SELECT final_classes FROM classification_run $$, '42501', NULL,
                 'county analyst: not the province-wide counts of a run');
SELECT throws_ok($$ INSERT INTO model_activation (effective_from, model_key) VALUES ('2026-10-01', 'reference-v1') $$, '42501', NULL,
                 'county analyst: cannot activate a model');
SELECT throws_ok($$ DELETE FROM penalty $$, '42501', NULL, 'county analyst: cannot delete records');
RESET ROLE;
SET LOCAL ROLE regress_cr_city;
SET LOCAL search_path = "$user", creditrisk, public, tap;
SELECT is((SELECT sum(enterprises)::bigint FROM class_distribution_current WHERE level = 'county'), 4::bigint,
          'city analyst: the class distribution of its 4 enterprises, by county');
RESET ROLE;

-- ---------------------------------------------------------------------------
-- The auditor: runs with their counts, jurisdictions, agreements, results.
-- ---------------------------------------------------------------------------
SET LOCAL ROLE regress_cr_auditor;
SET LOCAL search_path = "$user", creditrisk, public, tap;
SELECT is((SELECT enterprises FROM classification_run WHERE as_of = '2026-09-30' ORDER BY version DESC LIMIT 1), 6::bigint,
          'auditor: reads the runs with their counts');
SELECT is((SELECT count(*) FROM jurisdiction), 6::bigint, 'auditor: reads every jurisdiction');
SELECT is((SELECT count(*) FROM sharing_agreement), 1::bigint, 'auditor: reads every sharing agreement');
SELECT is((SELECT count(*) FROM classification_current), 4::bigint, 'auditor: reads the results of its city');
SELECT throws_ok($$ UPDATE classification_result SET final_class = 'A' $$, '42501', NULL, 'auditor: changes nothing');
RESET ROLE;

-- ---------------------------------------------------------------------------
-- The partner: the shared view.
-- ---------------------------------------------------------------------------
SET LOCAL ROLE regress_cr_partner;
SET LOCAL search_path = "$user", creditrisk, public, tap;
SELECT is((SELECT count(*) FROM shared_classification WHERE final_class >= 'C' AND score IS NOT NULL), 4::bigint,
          'partner: reads the agreed city''s classes and scores');
SELECT is((SELECT count(*) FROM shared_classification WHERE reasons IS NOT NULL OR overrides IS NOT NULL), 0::bigint,
          'partner: not the reasons or overrides');
SELECT is((SELECT sum(enterprises)::bigint FROM shared_distribution), 4::bigint, 'partner: the class counts of the city');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
