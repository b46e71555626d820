-- Model calibration (issue 15) as each role, with only the grants
-- create_roles() gives (doc/SECURITY.md): an administrator calibrates (the
-- privilege check lets it through; here it stops at the missing run) and
-- publishes a draft with model_publish(); an analyst, a partner and an
-- auditor cannot calibrate (42501, before anything is read or written), and
-- the analyst reads a draft's point changes with model_points_diff().
BEGIN;
SELECT plan(9);
SET LOCAL search_path = creditrisk, tap, public;
SELECT creditrisk.create_roles();
CREATE ROLE regress_cr_cal_admin;
CREATE ROLE regress_cr_cal_analyst;
CREATE ROLE regress_cr_cal_partner;
CREATE ROLE regress_cr_cal_auditor;
GRANT USAGE ON SCHEMA tap TO regress_cr_cal_admin, regress_cr_cal_analyst, regress_cr_cal_partner, regress_cr_cal_auditor;
SELECT creditrisk.enrol('regress_cr_cal_admin', 'admin', '410000'),
       creditrisk.enrol('regress_cr_cal_analyst', 'analyst', '410000'),
       creditrisk.enrol('regress_cr_cal_partner', 'partner', '410000'),
       creditrisk.enrol('regress_cr_cal_auditor', 'auditor', '410000');

SET LOCAL ROLE regress_cr_cal_analyst;
SELECT throws_ok($$ SELECT * FROM creditrisk.model_calibrate('reference-v1', 'cal-analyst', '2099-12-31') $$,
                 '42501', 'permission denied to calibrate a model', 'an analyst cannot calibrate a model');
RESET ROLE;
SET LOCAL ROLE regress_cr_cal_partner;
SELECT throws_ok($$ SELECT * FROM creditrisk.model_calibrate('reference-v1', 'cal-partner', '2099-12-31') $$,
                 '42501', NULL, 'a partner cannot calibrate a model');
RESET ROLE;
SET LOCAL ROLE regress_cr_cal_auditor;
SELECT throws_ok($$ SELECT * FROM creditrisk.model_calibrate('reference-v1', 'cal-auditor', '2099-12-31') $$,
                 '42501', NULL, 'an auditor cannot calibrate a model');
RESET ROLE;

SET LOCAL ROLE regress_cr_cal_admin;
SELECT throws_ok($$ SELECT * FROM creditrisk.model_calibrate('reference-v1', 'cal-admin', '2099-12-31') $$,
                 '22023', 'there is no classification run on 2099-12-31',
                 'an administrator passes the privilege check (and is told the run is missing)');
SELECT is((SELECT count(*)::int FROM creditrisk.model WHERE model_key LIKE 'cal-%'), 0, 'a refused calibration leaves no draft');
-- an administrator's draft (a copy with changed points, as model_calibrate() leaves it) ...
SELECT lives_ok($$ SELECT creditrisk.model_copy('reference-v1', 'cal-admin-draft');
                   UPDATE creditrisk.model_bin SET points = points / 2
                    WHERE model_key = 'cal-admin-draft' AND indicator_code = 'registered_capital' $$,
                'an administrator writes a draft');
RESET ROLE;
-- ... is read by the analyst, point by point
SET LOCAL ROLE regress_cr_cal_analyst;
SELECT is((SELECT count(*)::int FROM creditrisk.model_points_diff('reference-v1', 'cal-admin-draft')), 6,
          'the analyst reads how each point value changed (model_points_diff)');
SELECT throws_ok($$ SELECT creditrisk.model_publish('cal-admin-draft') $$, '42501', NULL,
                 'the analyst cannot publish it');
RESET ROLE;
SET LOCAL ROLE regress_cr_cal_admin;
SELECT lives_ok($$ SELECT creditrisk.model_publish('cal-admin-draft') $$, 'the administrator publishes it with model_publish()');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
