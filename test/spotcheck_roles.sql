-- Spot checks under the confidentiality roles (doc/SECURITY.md, rows S1-S9;
-- doc/spotcheck.md "Who does what"): each role kind, with only the grants
-- creditrisk.create_roles() and creditrisk.enrol() give and the search_path
-- enrol() sets, plans, draws, reads and records what its jurisdiction allows,
-- and fails on the rest.  Everything, roles included, is rolled back.
BEGIN;
SELECT no_plan();
SET LOCAL search_path = creditrisk, tap, public;
SET LOCAL client_min_messages = warning;

\o /dev/null
\ir fixtures/jurisdictions.sql
SELECT creditrisk.create_roles();
CREATE ROLE regress_sc_xihua_admin LOGIN;    -- 西华县 administrator
CREATE ROLE regress_sc_zhoukou_admin LOGIN;  -- 周口市 administrator
CREATE ROLE regress_sc_xihua LOGIN;          -- 西华县 analyst
CREATE ROLE regress_sc_fugou LOGIN;          -- 扶沟县 analyst
CREATE ROLE regress_sc_auditor LOGIN;        -- 周口市 auditor
CREATE ROLE regress_sc_partner LOGIN;        -- partner department, 西华县 shared
CREATE ROLE regress_sc_hostile LOGIN;        -- 扶沟县 analyst who may create in public (a careless DBA)
SELECT creditrisk.enrol('regress_sc_xihua_admin', 'admin', '411622'),
       creditrisk.enrol('regress_sc_zhoukou_admin', 'admin', '411600'),
       creditrisk.enrol('regress_sc_xihua', 'analyst', '411622'),
       creditrisk.enrol('regress_sc_fugou', 'analyst', '411621'),
       creditrisk.enrol('regress_sc_auditor', 'auditor', '411600'),
       creditrisk.enrol('regress_sc_partner', 'partner', '410000'),
       creditrisk.enrol('regress_sc_hostile', 'analyst', '411621');
SELECT creditrisk.share('regress_sc_partner', '{411622}', '{final_class,class_date}', '2099-12-31');
GRANT USAGE ON SCHEMA tap TO regress_sc_xihua_admin, regress_sc_zhoukou_admin, regress_sc_xihua, regress_sc_fugou,
    regress_sc_auditor, regress_sc_partner, regress_sc_hostile;   -- (for the pgTAP assertions only)
GRANT CREATE ON SCHEMA public TO regress_sc_hostile;
CREATE TEMP TABLE ids (name text PRIMARY KEY, id bigint);
GRANT SELECT, INSERT, UPDATE ON ids TO PUBLIC;
CREATE TEMP TABLE leaked (by_role name, value text);
GRANT SELECT, INSERT ON leaked TO PUBLIC;
\o

-- The tables are closed by default: row-level security ENABLEd and FORCEd.
SELECT is((SELECT count(*) FROM pg_class c
            WHERE c.oid IN ('creditrisk.inspector'::regclass, 'creditrisk.inspector_conflict'::regclass,
                            'creditrisk.spot_check_task'::regclass, 'creditrisk.spot_check_task_class'::regclass,
                            'creditrisk.spot_check_population'::regclass, 'creditrisk.spot_check_draw'::regclass,
                            'creditrisk.spot_check_task_inspector'::regclass, 'creditrisk.spot_check_task_conflict'::regclass,
                            'creditrisk.spot_check_assignment'::regclass)
              AND c.relrowsecurity AND c.relforcerowsecurity), 9::bigint,
          'S0 row-level security is enabled and forced on the nine spot-check tables');

-- S1 the inspectors' library: each bureau keeps its own.
SET LOCAL ROLE regress_sc_xihua_admin;
SET LOCAL search_path = "$user", creditrisk, public, tap;   -- as enrol() sets it
SELECT lives_ok($$ INSERT INTO inspector (certificate_no, name, unit, division_code, competence, active_from)
                   SELECT 'XH-' || k, '检查员' || k, '西华县市场监督管理局', '411622', '{general,food}', '2020-01-01'
                     FROM generate_series(1, 3) k $$,
                'S1 county admin: adds inspectors of its county');
SELECT throws_ok($$ INSERT INTO inspector (certificate_no, name, unit, division_code, active_from)
                    VALUES ('FG-9', 'x', '扶沟县市场监督管理局', '411621', '2020-01-01') $$,
                 '42501', 'new row violates row-level security policy for table "inspector"',
                 'S1 county admin: an inspector of another county is refused');
RESET ROLE;
SET LOCAL ROLE regress_sc_zhoukou_admin;
SET LOCAL search_path = "$user", creditrisk, public, tap;
SELECT lives_ok($$ INSERT INTO inspector (certificate_no, name, unit, division_code, active_from)
                   VALUES ('ZK-1', '周口1', '周口市市场监督管理局', '411600', '2020-01-01'),
                          ('ZK-2', '周口2', '周口市市场监督管理局', '411600', '2020-01-01'),
                          ('FG-1', '扶沟1', '扶沟县市场监督管理局', '411621', '2020-01-01') $$,
                'S1 city admin: adds inspectors of the city and its counties');
SELECT is((SELECT array_agg(certificate_no ORDER BY certificate_no) FROM inspector),
          '{FG-1,XH-1,XH-2,XH-3,ZK-1,ZK-2}', 'S1 city admin: sees the library of the whole city');
RESET ROLE;
SET LOCAL ROLE regress_sc_xihua;
SET LOCAL search_path = "$user", creditrisk, public, tap;
SELECT is((SELECT array_agg(certificate_no ORDER BY certificate_no) FROM inspector), '{XH-1,XH-2,XH-3}',
          'S1 county analyst: reads its county''s library only');
SELECT throws_ok($$ UPDATE inspector SET unit = 'x' $$, '42501', NULL, 'S1 county analyst: cannot change the library');
RESET ROLE;

-- S2 planning: a bureau plans tasks for its own jurisdiction only.
SET LOCAL ROLE regress_sc_xihua_admin;
SET LOCAL search_path = "$user", creditrisk, public, tap;
SELECT lives_ok($$ INSERT INTO pg_temp.ids SELECT 'county', create_spot_check_task('西华县抽查', '411622', '2026-11-01', '2026-12-31',
                                                                             seed_commitment('xihua seed'), ratios => '{"A": 0.5, "B": 0.5, "C": 0.5, "D": 0.5}') $$,
                'S2 county admin: plans a task of its county');
SELECT throws_ok($$ SELECT create_spot_check_task('越权', '411600', '2026-11-01', '2026-12-31', seed_commitment('x')) $$,
                 '42501', 'new row violates row-level security policy for table "spot_check_task"',
                 'S2 county admin: a task organised by the city is refused');
SELECT throws_ok($$ SELECT create_spot_check_task('越权', '411622', '2026-11-01', '2026-12-31', seed_commitment('x'),
                                                  scope_divisions => '{411621}') $$,
                 '23514', NULL, 'S2 county admin: a task whose scope is another county is refused');
RESET ROLE;
SET LOCAL ROLE regress_sc_zhoukou_admin;
SET LOCAL search_path = "$user", creditrisk, public, tap;
SELECT lives_ok($$ INSERT INTO pg_temp.ids SELECT 'city', create_spot_check_task('周口市抽查', '411600', '2026-11-01', '2026-12-31',
                                                                           seed_commitment('zhoukou seed'), ratios => '{"A": 1, "B": 1, "C": 1, "D": 1}') $$,
                'S2 city admin: plans a task of the whole city');
SELECT lives_ok($$ INSERT INTO pg_temp.ids SELECT 'fugou', create_spot_check_task('扶沟县抽查', '411600', '2026-11-01', '2026-12-31',
                                                                            seed_commitment('fugou seed'), scope_divisions => '{411621}') $$,
                'S2 city admin: plans a task of one of its counties');
RESET ROLE;

-- S3 the draw: a county draws its own tasks, never a wider one or another's.
SET LOCAL ROLE regress_sc_xihua_admin;
SET LOCAL search_path = "$user", creditrisk, public, tap;
SELECT throws_ok(format('SELECT * FROM draw_spot_check(%s, %L)', (SELECT id FROM pg_temp.ids WHERE name = 'city'), 'zhoukou seed'),
                 '42501', format('spot-check task %s lies outside your jurisdiction', (SELECT id FROM pg_temp.ids WHERE name = 'city')),
                 'S3 county admin: the city''s task (which it sees: it covers the county) is refused, with the reason');
SELECT throws_ok(format('SELECT * FROM draw_spot_check(%s, %L)', (SELECT id FROM pg_temp.ids WHERE name = 'fugou'), 'fugou seed'),
                 '42704', format('spot-check task %s does not exist', (SELECT id FROM pg_temp.ids WHERE name = 'fugou')),
                 'S3 county admin: another county''s task does not exist for it');
SELECT is((SELECT sum(drawn)::bigint FROM draw_spot_check((SELECT id FROM pg_temp.ids WHERE name = 'county'), 'xihua seed')), 2::bigint,
          'S3 county admin: draws its own task (ratio 0.5 of each of its 2 enterprises'' classes)');
SELECT is((SELECT array_agg(DISTINCT division_code::text) FROM spot_check_draw WHERE task_id = (SELECT id FROM pg_temp.ids WHERE name = 'county')),
          '{411622}', 'S3 ... of its county''s enterprises');
SELECT is((SELECT count(*) FROM spot_check_assignment WHERE task_id = (SELECT id FROM pg_temp.ids WHERE name = 'county')), 4::bigint,
          'S3 ... each with two of its inspectors');
RESET ROLE;
SET LOCAL ROLE regress_sc_zhoukou_admin;
SET LOCAL search_path = "$user", creditrisk, public, tap;
SELECT is((SELECT sum(population)::bigint FROM draw_spot_check((SELECT id FROM pg_temp.ids WHERE name = 'city'), 'zhoukou seed')), 4::bigint,
          'S3 city admin: draws the city task over its 4 enterprises (none of Zhengzhou''s)');
SELECT is((SELECT array_agg(DISTINCT division_code::text ORDER BY division_code::text) FROM spot_check_population
            WHERE task_id = (SELECT id FROM pg_temp.ids WHERE name = 'city')), '{411602,411621,411622}',
          'S3 ... its population snapshot holds the city''s divisions');
RESET ROLE;

-- S4 what is written only by the draw: nothing added to a drawn task, no
-- hand-made draw for a planned one, nothing deleted.
SET LOCAL ROLE regress_sc_xihua_admin;
SET LOCAL search_path = "$user", creditrisk, public, tap;
SELECT throws_ok(format($$ INSERT INTO spot_check_draw (task_id, uscc, division_code, class, rank) VALUES (%s, %L, '411622', 'A', 99) $$,
                        (SELECT id FROM pg_temp.ids WHERE name = 'county'), (SELECT uscc FROM world WHERE tag = 'xihua1')),
                 '42501', 'new row violates row-level security policy for table "spot_check_draw"',
                 'S4 county admin: no row is added to a drawn task');
SELECT throws_ok(format($$ DELETE FROM spot_check_assignment WHERE task_id = %s $$, (SELECT id FROM pg_temp.ids WHERE name = 'county')),
                 '42501', NULL, 'S4 county admin: an assignment cannot be deleted');
SELECT throws_ok(format($$ UPDATE spot_check_draw SET rank = 7 WHERE task_id = %s $$, (SELECT id FROM pg_temp.ids WHERE name = 'county')),
                 '42501', NULL, 'S4 county admin: a rank cannot be changed');
INSERT INTO pg_temp.ids SELECT 'planned', create_spot_check_task('手工', '411622', '2026-11-01', '2026-12-31', seed_commitment('hand'));
SELECT lives_ok(format($$ INSERT INTO spot_check_draw (task_id, uscc, division_code, class, rank) VALUES (%s, %L, '411622', 'A', 1) $$,
                       (SELECT id FROM pg_temp.ids WHERE name = 'planned'), (SELECT uscc FROM world WHERE tag = 'xihua1')),
                'S4 county admin: a row written by hand into its planned task is accepted by the policy ...');
SELECT throws_ok(format('SELECT * FROM draw_spot_check(%s, %L)', (SELECT id FROM pg_temp.ids WHERE name = 'planned'), 'hand'),
                 '55000', format('spot-check task %s already has rows in its draw tables', (SELECT id FROM pg_temp.ids WHERE name = 'planned')),
                 'S4 ... but the draw then refuses the task');
RESET ROLE;

-- S5 outcomes: recorded by the admin of the enterprise's jurisdiction.
SET LOCAL ROLE regress_sc_xihua_admin;
SET LOCAL search_path = "$user", creditrisk, public, tap;
SELECT is((SELECT outcome FROM record_spot_check_outcome((SELECT id FROM pg_temp.ids WHERE name = 'county'),
                                                        (SELECT uscc FROM spot_check_draw WHERE task_id = (SELECT id FROM pg_temp.ids WHERE name = 'county')
                                                          ORDER BY class, rank LIMIT 1), '2026-11-20', 'pass')), 'pass',
          'S5 county admin: records an outcome of its task');
RESET ROLE;
SET LOCAL ROLE regress_sc_xihua;
SET LOCAL search_path = "$user", creditrisk, public, tap;
SELECT throws_ok(format($$ SELECT * FROM record_spot_check_outcome(%s, %L, '2026-11-20', 'pass') $$,
                        (SELECT id FROM pg_temp.ids WHERE name = 'county'),
                        (SELECT uscc FROM spot_check_draw WHERE task_id = (SELECT id FROM pg_temp.ids WHERE name = 'county') ORDER BY class, rank DESC LIMIT 1)),
                 '42501', NULL, 'S5 county analyst: cannot record an outcome');
RESET ROLE;

-- S6 reading: analysts and auditors see their jurisdiction's tasks, draws,
-- assignments and coverage.
SET LOCAL ROLE regress_sc_xihua;
SET LOCAL search_path = "$user", creditrisk, public, tap;
SELECT is((SELECT array_agg(name ORDER BY name COLLATE "C") FROM spot_check_task), '{周口市抽查,手工,西华县抽查}',
          'S6 county analyst: its county''s tasks and the city task covering it, not another county''s');
SELECT is((SELECT array_agg(DISTINCT division_code::text) FROM spot_check_draw), '{411622}',
          'S6 county analyst: the draws of its county''s enterprises only (also in the city task)');
SELECT is((SELECT array_agg(DISTINCT division_code::text) FROM spot_check_population), '{411622}',
          'S6 county analyst: the population snapshots of its county only');
SELECT is((SELECT array_agg(DISTINCT division_code) FROM spot_check_coverage(2026)), '{411622}',
          'S6 county analyst: coverage of its county only');
SELECT is((SELECT bool_and(ok) FROM verify_draw((SELECT id FROM pg_temp.ids WHERE name = 'county'))), true,
          'S6 county analyst: verifies its county''s draw');
SELECT throws_ok(format('SELECT * FROM verify_draw(%s)', (SELECT id FROM pg_temp.ids WHERE name = 'city')),
                 '42501', format('spot-check task %s reaches outside your jurisdiction', (SELECT id FROM pg_temp.ids WHERE name = 'city')),
                 'S6 county analyst: verifying the city''s draw, of which it sees a part, is refused rather than reported wrong');
SELECT throws_ok($$ SELECT create_spot_check_task('x', '411622', '2026-11-01', '2026-12-31', seed_commitment('x')) $$,
                 '42501', NULL, 'S6 county analyst: cannot plan');
SELECT throws_ok(format('SELECT * FROM draw_spot_check(%s, %L)', (SELECT id FROM pg_temp.ids WHERE name = 'planned'), 'hand'),
                 '42501', NULL, 'S6 county analyst: cannot draw');
RESET ROLE;
SET LOCAL ROLE regress_sc_fugou;
SET LOCAL search_path = "$user", creditrisk, public, tap;
SELECT is((SELECT array_agg(name ORDER BY name COLLATE "C") FROM spot_check_task), '{周口市抽查,扶沟县抽查}',
          'S6 another county''s analyst: its own tasks and the city''s, none of 西华县''s');
SELECT is((SELECT array_agg(DISTINCT division_code::text) FROM spot_check_draw), '{411621}',
          'S6 another county''s analyst: draws of its own enterprises only');
RESET ROLE;
SET LOCAL ROLE regress_sc_auditor;
SET LOCAL search_path = "$user", creditrisk, public, tap;
SELECT is((SELECT array_agg(DISTINCT division_code::text ORDER BY division_code::text) FROM spot_check_draw),
          '{411602,411621,411622}', 'S6 city auditor: every draw in the city');
SELECT is((SELECT bool_and(ok) FROM verify_draw((SELECT id FROM pg_temp.ids WHERE name = 'city'))), true,
          'S6 city auditor: verifies the city''s draw');
SELECT throws_ok($$ DELETE FROM spot_check_task $$, '42501', NULL, 'S6 city auditor: cannot change a task');
RESET ROLE;

-- S7 partners: nothing of the spot checks (share() grants the shared views only).
SET LOCAL ROLE regress_sc_partner;
SET LOCAL search_path = "$user", creditrisk, public, tap;
SELECT throws_ok(format('SELECT count(*) FROM creditrisk.%s', t), '42501', NULL, 'S7 partner cannot read ' || t)
  FROM unnest(ARRAY['spot_check_task', 'spot_check_draw', 'spot_check_population', 'spot_check_assignment', 'inspector',
                    'spot_check_task_summary', 'spot_check_coverage(2026)']) t;
SELECT throws_ok(format('SELECT * FROM draw_spot_check(%s, %L)', (SELECT id FROM pg_temp.ids WHERE name = 'planned'), 'hand'),
                 '42501', NULL, 'S7 partner cannot draw');
RESET ROLE;

-- S8 search-path capture: operators planted in public by another role are
-- never called by the planning, the draw, the sample or the verification.
SET LOCAL ROLE regress_sc_hostile;
CREATE FUNCTION public.trap(creditrisk.uscc, creditrisk.uscc) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN INSERT INTO pg_temp.leaked VALUES ('trap', $1::text); RETURN true; END $$;
CREATE OPERATOR public.= (LEFTARG = creditrisk.uscc, RIGHTARG = creditrisk.uscc, FUNCTION = public.trap);
CREATE FUNCTION public.trap_bigint(bigint, bigint) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN INSERT INTO pg_temp.leaked VALUES ('trap', $1::text); RETURN $1 OPERATOR(pg_catalog.=) $2; END $$;
CREATE OPERATOR public.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = public.trap_bigint);
CREATE FUNCTION public.trap_class(creditrisk.riskclass, creditrisk.riskclass) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN INSERT INTO pg_temp.leaked VALUES ('trap', $1::text); RETURN true; END $$;
CREATE OPERATOR public.= (LEFTARG = creditrisk.riskclass, RIGHTARG = creditrisk.riskclass, FUNCTION = public.trap_class);
RESET ROLE;
SET LOCAL ROLE regress_sc_zhoukou_admin;
SET LOCAL search_path = public, "$user", creditrisk, tap;   -- the traps first
SELECT lives_ok($$ INSERT INTO pg_temp.ids SELECT 'trapped', creditrisk.create_spot_check_task('诱捕', '411600', '2026-11-01', '2026-12-31',
                                                                                        creditrisk.seed_commitment('trap seed')) $$,
                'S8 city admin, traps first on its path: plans');
SELECT lives_ok(format('SELECT * FROM creditrisk.draw_spot_check(%s, %L)', (SELECT id FROM pg_temp.ids WHERE name = 'trapped'), 'trap seed'),
                'S8 ... draws');
SELECT lives_ok(format('SELECT * FROM creditrisk.verify_draw(%s)', (SELECT id FROM pg_temp.ids WHERE name = 'trapped')), 'S8 ... verifies');
SELECT lives_ok(format('SELECT * FROM creditrisk.spot_sample_task(%L, %s)', 'trap seed', (SELECT id FROM pg_temp.ids WHERE name = 'trapped')),
                'S8 ... re-derives the sample in C');
SET LOCAL search_path = "$user", creditrisk, public, tap;
RESET ROLE;
SELECT is_empty($$ SELECT * FROM pg_temp.leaked WHERE by_role = 'trap' $$,
                'S8 operators planted in public are never called by the spot-check functions, triggers and policies');
SELECT is((SELECT bool_and(ok) FROM creditrisk.verify_draw((SELECT id FROM pg_temp.ids WHERE name = 'trapped'))), true,
          'S8 the draw made with the traps on the path verifies');

-- S9 grants, exactly: who may write what.
SELECT is(has_table_privilege('creditrisk_analyst', 'creditrisk.spot_check_draw', 'INSERT'), false, 'S9 analysts cannot insert draws');
SELECT is(has_table_privilege('creditrisk_admin', 'creditrisk.spot_check_draw', 'DELETE'), false, 'S9 admins cannot delete draws');
SELECT is(has_column_privilege('creditrisk_admin', 'creditrisk.spot_check_draw', 'rank', 'UPDATE'), false,
          'S9 admins cannot update a draw''s rank');
SELECT is(has_column_privilege('creditrisk_admin', 'creditrisk.spot_check_draw', 'outcome', 'UPDATE'), true,
          'S9 admins update outcomes');
SELECT is(has_table_privilege('creditrisk_auditor', 'creditrisk.spot_check_assignment', 'SELECT'), true, 'S9 auditors read assignments');
SELECT is(has_table_privilege('creditrisk_partner', 'creditrisk.inspector', 'SELECT'), false, 'S9 partners read no inspector');

SELECT * FROM finish();
ROLLBACK;
