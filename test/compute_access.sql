-- compute_indicators() reads the record tables directly: it must demand
-- the caller's SELECT privilege on each, and honour row-level security
-- (it then computes through the SQL definitions).  Run as a superuser that
-- switches to roles with SET ROLE.
BEGIN;
SELECT plan(8);
SET LOCAL search_path = creditrisk, tap, public;
\ir ../sql/include/units.psql

INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date,
                        registered_capital, paid_in_capital, reported_by)
VALUES ('91411622MA4RN00A1X', '西华县甲食品有限公司', '411622', 'C1391', 4, '2015-03-02', 500, 100, 'tap'),
       ('91411622MA4RN00C10', '西华县丙大药房股份有限公司', '411622', 'F5251', 2, '2012-11-30', 2000, 2000, 'tap');
INSERT INTO penalty (uscc, decision_number, decision_date, severity, fine_amount, publicity_end_date, field, reported_by)
VALUES ('91411622MA4RN00A1X', '西华市监罚〔2026〕1号', '2026-03-01', 'serious', 20, '2029-03-01', 'food', 'tap'),
       ('91411622MA4RN00C10', '西华市监罚〔2026〕2号', '2026-04-01', 'general', 1, '2029-04-01', 'drugs', 'tap');

-- penalties_3y of each enterprise on 2026-06-30, as the caller sees it
CREATE FUNCTION pg_temp.penalties_3y() RETURNS TABLE (uscc text, n double precision)
LANGUAGE sql AS $$
    SELECT c.uscc::text, c.indicators[m.position]
      FROM creditrisk.compute_indicators('reference-v1', '2026-06-30') c,
           creditrisk.model_indicators('reference-v1') m
     WHERE m.code = 'penalties_3y'
     ORDER BY 1
$$;

-- (1.4: every record table has FORCEd row-level security; create_roles()
-- adds the jurisdiction policies, and this role works province-wide)
SELECT creditrisk.create_roles();
CREATE ROLE regress_creditrisk_analyst;
INSERT INTO jurisdiction (role_name, kind, division_code) VALUES ('regress_creditrisk_analyst', 'analyst', '410000');
GRANT SELECT ON jurisdiction TO regress_creditrisk_analyst;
GRANT USAGE ON SCHEMA creditrisk, tap TO regress_creditrisk_analyst;
-- (the operators of uscc are functions too: an analyst needs them all)
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA creditrisk TO regress_creditrisk_analyst;
GRANT SELECT ON model, model_dimension, model_group, model_indicator, indicator, enterprise, enterprise_history, licence, spot_check, complaint, abnormal_listing,
                serious_dishonesty_listing, judgment_debtor_listing, annual_report, registration_change,
                related_party_link, equity_pledge_freeze, lawsuit, public_opinion, domain_risk_class
   TO regress_creditrisk_analyst;
-- (the SQL definitions read each record table as known at a time: its history too)
GRANT SELECT ON licence_history, spot_check_history, complaint_history, abnormal_listing_history,
                serious_dishonesty_listing_history, judgment_debtor_listing_history, annual_report_history,
                registration_change_history, related_party_link_history, equity_pledge_freeze_history, lawsuit_history,
                public_opinion_history, domain_risk_class_history
   TO regress_creditrisk_analyst;
-- (the ends of listings and publicity read the credit repairs and rule sets, 1.5)
GRANT SELECT ON credit_repair, credit_repair_history, repair_rule_set, repair_rule_set_history
   TO regress_creditrisk_analyst;

-- 1. No SELECT on one record table the model needs: refused, nothing returned.
SET LOCAL ROLE regress_creditrisk_analyst;
SELECT throws_ok($$ SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2026-06-30') $$,
                 '42501', 'permission denied for table creditrisk.penalty',
                 'without SELECT on penalty, compute_indicators() is refused with 42501');
RESET ROLE;

-- 2. With SELECT: both penalties count.
GRANT SELECT ON penalty, penalty_history TO regress_creditrisk_analyst;
SET LOCAL ROLE regress_creditrisk_analyst;
SELECT results_eq($$ SELECT * FROM pg_temp.penalties_3y() $$,
                  $$ VALUES ('91411622MA4RN00A1X', 1::float8), ('91411622MA4RN00C10', 1::float8) $$,
                  'with SELECT on every table the analyst sees both penalties');
RESET ROLE;

-- 3. Row-level security on penalty: the analyst may see only food penalties.
CREATE POLICY tap_food_only ON penalty AS RESTRICTIVE FOR SELECT TO regress_creditrisk_analyst USING (field = 'food');
SET LOCAL ROLE regress_creditrisk_analyst;
SELECT results_eq($$ SELECT * FROM pg_temp.penalties_3y() $$,
                  $$ VALUES ('91411622MA4RN00A1X', 1::float8), ('91411622MA4RN00C10', 0::float8) $$,
                  'under row-level security the hidden penalty does not count');
SELECT is((SELECT count(*) FROM creditrisk.penalty), 1::bigint,
          'the policy itself hides the drug penalty from the analyst');
RESET ROLE;

-- A superuser is not subject to it.
SELECT results_eq($$ SELECT * FROM pg_temp.penalties_3y() $$,
                  $$ VALUES ('91411622MA4RN00A1X', 1::float8), ('91411622MA4RN00C10', 1::float8) $$,
                  'a role exempt from the policy still sees both');

-- 4. The same values either way: the C engine equals its SQL definitions.
SELECT creditrisk.indicators_to_sql('reference-v1') AS q \gset
SET LOCAL search_path = pg_catalog, creditrisk, pg_temp;
PREPARE plain_sql(date, timestamptz) AS :q;
CREATE TEMP TABLE by_sql AS EXECUTE plain_sql('2026-06-30', NULL);
SET LOCAL search_path = creditrisk, tap, public;
SELECT results_eq($$ SELECT uscc::text, indicators FROM creditrisk.compute_indicators('reference-v1', '2026-06-30') ORDER BY 1 $$,
                  $$ SELECT uscc::text, indicators FROM by_sql ORDER BY 1 $$,
                  'the C engine gives exactly what the SQL definitions give');

-- 5. Labels.
SELECT is((SELECT provolatile::text || proisstrict::text || proparallel::text FROM pg_proc
            WHERE oid = 'creditrisk.compute_indicators(text, date, timestamptz)'::regprocedure),
          'sfalser', 'compute_indicators is STABLE, PARALLEL RESTRICTED, not STRICT (a NULL knowledge time means now; a NULL model or date gives no rows)');
SELECT ok((SELECT proconfig @> ARRAY['search_path=pg_catalog, creditrisk, pg_temp'] FROM pg_proc
            WHERE oid = 'creditrisk.compute_indicators(text, date, timestamptz)'::regprocedure),
          'compute_indicators pins its search_path');

SELECT * FROM finish();
ROLLBACK;
