-- An analyst enrolled as the README shows (creditrisk.enrol) reads every
-- classification view, and has no write access.
BEGIN;
SELECT plan(10);
SET LOCAL search_path = creditrisk, tap, public;

SELECT creditrisk.create_roles();
CREATE ROLE regress_creditrisk_reader;
GRANT USAGE ON SCHEMA tap TO regress_creditrisk_reader;   -- (for the pgTAP assertions only)
SELECT creditrisk.enrol('regress_creditrisk_reader', 'analyst', '411622');

SET LOCAL ROLE regress_creditrisk_reader;
SELECT lives_ok(format('SELECT count(*) FROM creditrisk.%I', v), format('the analyst reads %s', v))
  FROM unnest(ARRAY['classification_current', 'classification_domain_current', 'enterprise_measures',
                    'classification_worsened', 'class_transition_latest', 'class_distribution_current',
                    'score_stability_latest']) v;
SELECT lives_ok($$ SELECT count(*) FROM creditrisk.classification_current
                    WHERE uscc = '91411622MA4RN00A1X' AND final_class >= 'C' $$,
                'the analyst compares USCCs and classes (operator functions)');
SELECT throws_ok($$ SELECT creditrisk.refresh_classification('2026-10-31') $$, '42501', NULL,
                 'the analyst cannot run the monthly classification');
SELECT throws_ok($$ DELETE FROM creditrisk.classification_result $$, '42501', NULL,
                 'the analyst cannot change the history');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
