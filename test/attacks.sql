-- The attack suite (doc/SECURITY.md, "Attack suite"): each role kind, with
-- only the grants creditrisk.create_roles() and creditrisk.enrol() give, tries
-- to see or change what is outside its jurisdiction.  The numbers (A1, A2 ...)
-- are the rows of the threat model in doc/SECURITY.md.
-- Everything, roles included, is rolled back at the end.
BEGIN;
SELECT no_plan();
SET LOCAL search_path = creditrisk, tap, public;
SET LOCAL client_min_messages = warning;

\o /dev/null
\ir fixtures/jurisdictions.sql
INSERT INTO indicator_value (uscc, as_of, code, value, reported_by)
SELECT uscc, '2026-09-30', 'penalties_3y', 1, 'fixture' FROM world;
INSERT INTO related_party_link (from_uscc, to_uscc, kind, reported_by)
SELECT a.uscc, b.uscc, 'shareholder', 'fixture' FROM world a, world b WHERE a.tag = 'xihua1' AND b.tag = 'zhongyuan';
-- superseded versions: every penalty corrected, every register entry renamed
UPDATE penalty SET fine_amount = 21;
UPDATE enterprise SET name = name || ' (renamed)';
ANALYZE;

SELECT creditrisk.create_roles();
CREATE ROLE regress_cr_xihua LOGIN;        -- county analyst
CREATE ROLE regress_cr_zhoukou LOGIN;      -- city analyst
CREATE ROLE regress_cr_henan LOGIN;        -- province analyst
CREATE ROLE regress_cr_xihua_admin LOGIN;  -- county administrator
CREATE ROLE regress_cr_auditor LOGIN;      -- city auditor
CREATE ROLE regress_cr_partner LOGIN;      -- partner, Xihua, default fields
CREATE ROLE regress_cr_partner_agg LOGIN;  -- partner, Zhoukou, aggregates only
CREATE ROLE regress_cr_partner_old LOGIN;  -- partner whose agreement expired
CREATE ROLE regress_cr_nobody LOGIN;       -- no grant at all
CREATE ROLE regress_cr_hostile LOGIN;      -- analyst of 扶沟县 who can create in public (a careless DBA)
SELECT creditrisk.enrol('regress_cr_xihua', 'analyst', '411622'),
       creditrisk.enrol('regress_cr_zhoukou', 'analyst', '411600'),
       creditrisk.enrol('regress_cr_henan', 'analyst', '410000'),
       creditrisk.enrol('regress_cr_xihua_admin', 'admin', '411622'),
       creditrisk.enrol('regress_cr_auditor', 'auditor', '411600'),
       creditrisk.enrol('regress_cr_partner', 'partner', '410000'),
       creditrisk.enrol('regress_cr_partner_agg', 'partner', '410000'),
       creditrisk.enrol('regress_cr_partner_old', 'partner', '410000'),
       creditrisk.enrol('regress_cr_hostile', 'analyst', '411621');
SELECT creditrisk.share('regress_cr_partner', '{411622}', '{final_class,class_date}', '2099-12-31'),
       creditrisk.share('regress_cr_partner_agg', '{411600}', '{final_class,class_date}', '2099-12-31', true);
INSERT INTO sharing_agreement (partner, divisions, valid_until) VALUES ('regress_cr_partner_old', '{410000}', '2020-01-01');
GRANT USAGE ON SCHEMA tap TO regress_cr_xihua, regress_cr_zhoukou, regress_cr_henan, regress_cr_xihua_admin,
    regress_cr_auditor, regress_cr_partner, regress_cr_partner_agg, regress_cr_partner_old, regress_cr_nobody,
    regress_cr_hostile;   -- (for the pgTAP assertions only)
GRANT CREATE ON SCHEMA public TO regress_cr_hostile;
\o

-- Helpers, run with the caller's rights.  The tags of the fixture's
-- enterprises a query shows, and what a superuser sees of each relation.
CREATE FUNCTION pg_temp.seen(q text, col text DEFAULT 'uscc') RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE r text[];
BEGIN
    EXECUTE format('SELECT coalesce(array_agg(DISTINCT w.tag ORDER BY w.tag), ''{}'') FROM (%s) x JOIN pg_temp.world w ON w.uscc OPERATOR(creditrisk.=) x.%I', q, col) INTO r;
    RETURN r;
END $$;
CREATE TEMP TABLE truth (q text PRIMARY KEY, tags text[]);
INSERT INTO truth SELECT q, pg_temp.seen(q) FROM unnest(ARRAY[
    'SELECT uscc FROM creditrisk.enterprise', 'SELECT uscc FROM creditrisk.penalty',
    'SELECT uscc FROM creditrisk.complaint', 'SELECT uscc FROM creditrisk.serious_dishonesty_listing',
    'SELECT uscc FROM creditrisk.domain_risk_class', 'SELECT uscc FROM creditrisk.indicator_value',
    'SELECT uscc FROM creditrisk.classification_result', 'SELECT uscc FROM creditrisk.classification_domain_result',
    'SELECT uscc FROM creditrisk.classification_current', 'SELECT uscc FROM creditrisk.classification_domain_current',
    'SELECT uscc FROM creditrisk.enterprise_measures', 'SELECT uscc FROM creditrisk.class_worsened(''2026-06-30'', ''2026-09-30'')',
    'SELECT h.uscc FROM pg_temp.world w, creditrisk.classification_history(w.uscc) h',
    'SELECT uscc FROM creditrisk.compute_indicators(''reference-v1'', ''2026-09-30'')',
    'SELECT uscc FROM creditrisk.loaded_indicators(''reference-v1'', ''2026-09-30'')',
    'SELECT from_uscc AS uscc FROM creditrisk.related_party_link',
    'SELECT uscc FROM creditrisk.penalty_history', 'SELECT uscc FROM creditrisk.enterprise_history',
    'SELECT uscc FROM creditrisk.penalty_as_known(now())']) q;
GRANT SELECT ON truth TO PUBLIC;
SET LOCAL client_min_messages = warning;   -- (the leaky function's NOTICEs)
SELECT is((SELECT tags FROM truth WHERE q = 'SELECT uscc FROM creditrisk.enterprise'),
          '{chuanhui,fugou,xihua1,xihua2,zhongyuan,zz2}', 'the fixture: six enterprises in four divisions');
SELECT is((SELECT tags FROM truth WHERE q = 'SELECT uscc FROM creditrisk.penalty_history'),
          '{chuanhui,fugou,xihua1,xihua2,zhongyuan,zz2}', 'the fixture: a superseded penalty of each');

CREATE TEMP TABLE leaked (by_role name, uscc text);
GRANT SELECT, INSERT ON leaked TO PUBLIC;
-- A leaky function: RAISEs (NOTICE) and records every value it is shown.
CREATE FUNCTION pg_temp.leak(u text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS $$
BEGIN
    INSERT INTO pg_temp.leaked VALUES (current_user, u);
    RAISE NOTICE 'leak: %', u;
    RETURN true;
END $$;
-- The top-level row count EXPLAIN ANALYZE reports, and the rows any node
-- reports removed.
CREATE FUNCTION pg_temp.explain(q text, OUT actual bigint, OUT removed bigint) LANGUAGE plpgsql AS $$
DECLARE p json;
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON, TIMING OFF, SUMMARY OFF, COSTS OFF) ' || q INTO p;
    actual := (p -> 0 -> 'Plan' ->> 'Actual Rows')::bigint;
    SELECT coalesce(sum(m[1]::bigint), 0) INTO removed
      FROM regexp_matches(p::text, '"Rows Removed by (?:Filter|Join Filter|Index Recheck)": ([0-9]+)', 'g') m;
END $$;
CREATE FUNCTION pg_temp.via_cursor(q text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE c refcursor; u text; r text[] := '{}';
BEGIN
    OPEN c FOR EXECUTE q;
    LOOP
        FETCH c INTO u;
        EXIT WHEN NOT FOUND;
        r := r || (SELECT w.tag FROM pg_temp.world w WHERE w.uscc::text = u);
    END LOOP;
    CLOSE c;
    RETURN ARRAY(SELECT DISTINCT x FROM unnest(r) x ORDER BY 1);
END $$;

-- A1 direct SELECT, A5 functions returning enterprise data: each analyst,
-- admin and auditor sees exactly the enterprises of its jurisdiction and
-- below, in every table, view and function.
CREATE TEMP TABLE scopes (role_name name PRIMARY KEY, tags text[]);
INSERT INTO scopes VALUES
    ('regress_cr_xihua', '{xihua1,xihua2}'), ('regress_cr_zhoukou', '{chuanhui,fugou,xihua1,xihua2}'),
    ('regress_cr_henan', '{chuanhui,fugou,xihua1,xihua2,zhongyuan,zz2}'),
    ('regress_cr_xihua_admin', '{xihua1,xihua2}'), ('regress_cr_auditor', '{chuanhui,fugou,xihua1,xihua2}');
GRANT SELECT ON scopes TO PUBLIC;
CREATE FUNCTION pg_temp.in_scope(t text[]) RETURNS text[] LANGUAGE sql AS $$
    SELECT ARRAY(SELECT x FROM unnest(t) x WHERE x = ANY (coalesce((SELECT s.tags FROM pg_temp.scopes s WHERE s.role_name = current_user), '{}')) ORDER BY 1)
$$;

SET LOCAL ROLE regress_cr_xihua;
SELECT is(pg_temp.seen(t.q), pg_temp.in_scope(t.tags), 'A1 county analyst: ' || t.q) FROM truth t ORDER BY t.q;
RESET ROLE;
SET LOCAL ROLE regress_cr_zhoukou;
SELECT is(pg_temp.seen(t.q), pg_temp.in_scope(t.tags), 'A1 city analyst: ' || t.q) FROM truth t ORDER BY t.q;
RESET ROLE;
SET LOCAL ROLE regress_cr_henan;
SELECT is(pg_temp.seen(t.q), pg_temp.in_scope(t.tags), 'A1 province analyst: ' || t.q) FROM truth t ORDER BY t.q;
RESET ROLE;
SET LOCAL ROLE regress_cr_xihua_admin;
SELECT is(pg_temp.seen(t.q), pg_temp.in_scope(t.tags), 'A1 county admin: ' || t.q) FROM truth t ORDER BY t.q;
RESET ROLE;
SET LOCAL ROLE regress_cr_auditor;
SELECT is(pg_temp.seen(t.q), pg_temp.in_scope(t.tags), 'A1 city auditor: ' || t.q) FROM truth t ORDER BY t.q;
RESET ROLE;
-- (a link shows both ends when either is in scope: the shareholder's USCC is public register data)
SET LOCAL ROLE regress_cr_xihua;
SELECT is(pg_temp.seen('SELECT to_uscc AS uscc FROM creditrisk.related_party_link'), '{zhongyuan}',
          'A1 county analyst: a related-party link out of the county shows its other end only');

-- A6 aggregates are computed within the caller's jurisdiction.
SELECT is((SELECT enterprises FROM creditrisk.class_distribution_current WHERE level = 'province'), 2::bigint,
          'A6 county analyst: the province row of the distribution counts its own 2 enterprises');
SELECT is((SELECT array_agg(division_code ORDER BY division_code) FROM creditrisk.class_distribution_current),
          '{410000,411600,411622}', 'A6 county analyst: the distribution names only its own divisions');
SELECT is((SELECT sum(total)::bigint FROM creditrisk.class_transition_latest), 2::bigint,
          'A6 county analyst: the transition matrix counts 2 enterprises');
SELECT is((SELECT to_enterprises FROM creditrisk.score_stability_latest), 2::bigint,
          'A6 county analyst: PSI over its 2 enterprises');
RESET ROLE;
SET LOCAL ROLE regress_cr_zhoukou;
SELECT is((SELECT enterprises FROM creditrisk.class_distribution_current WHERE level = 'province'), 4::bigint,
          'A6 city analyst: the province row counts its 4 enterprises');
SELECT is((SELECT sum(to_count)::bigint FROM creditrisk.score_psi()), 4::bigint, 'A6 city analyst: score_psi counts 4');
RESET ROLE;

-- A2 a leaky function in WHERE sees only rows of the jurisdiction
-- (security quals first; the function is not LEAKPROOF).
SET LOCAL ROLE regress_cr_xihua;
SELECT count(*) FROM creditrisk.classification_current WHERE pg_temp.leak(uscc::text);
SELECT count(*) FROM creditrisk.classification_result WHERE pg_temp.leak(uscc::text);
SELECT count(*) FROM creditrisk.enterprise WHERE pg_temp.leak(uscc::text);
SELECT count(*) FROM creditrisk.penalty WHERE pg_temp.leak(uscc::text);
SELECT count(*) FROM creditrisk.classification_domain_current WHERE pg_temp.leak(uscc::text);
SELECT count(*) FROM creditrisk.enterprise_measures WHERE pg_temp.leak(uscc::text);
RESET ROLE;
SET LOCAL ROLE regress_cr_partner;
SELECT count(*) FROM creditrisk.shared_classification WHERE pg_temp.leak(uscc::text);
RESET ROLE;
SELECT ok((SELECT count(*) FROM leaked) > 0, 'A2 the leaky function ran');
SELECT is_empty($$ SELECT l.uscc FROM leaked l JOIN world w ON w.uscc::text = l.uscc WHERE w.division <> '411622' $$,
                'A2 a leaky function in WHERE is shown no row outside the jurisdiction (views, tables, partner view)');

-- A3 EXPLAIN ANALYZE: the counts it reports are those of the jurisdiction.
SET LOCAL ROLE regress_cr_xihua;
SELECT is((pg_temp.explain('SELECT * FROM creditrisk.classification_current')).actual, 2::bigint,
          'A3 EXPLAIN ANALYZE of the current classification reports the 2 rows of the county');
-- (What it can reveal beyond the jurisdiction is counts of hidden rows in
-- "Rows Removed by Filter": doc/SECURITY.md, residual R1.)
SELECT is((pg_temp.explain('SELECT * FROM creditrisk.complaint c WHERE c.uscc = ' || quote_literal(w.uscc::text))).actual, 0::bigint,
          'A3 a lookup of a Zhengzhou enterprise''s complaints returns no row')
  FROM world w WHERE w.tag = 'zhongyuan';
SELECT is((pg_temp.explain('SELECT * FROM creditrisk.classification_result')).actual, 4::bigint,
          'A3 EXPLAIN ANALYZE of the history reports the county''s 4 rows (2 enterprises, 2 runs)');
SELECT is((pg_temp.explain('SELECT * FROM creditrisk.penalty')).actual, 2::bigint,
          'A3 EXPLAIN ANALYZE of a record table reports the county''s rows');
RESET ROLE;

-- A4 pg_stats: nothing of a table under row-level security; pg_statistic is
-- a superuser's.
SET LOCAL ROLE regress_cr_zhoukou;
SELECT is_empty($$ SELECT tablename, attname FROM pg_stats WHERE schemaname = 'creditrisk'
                     AND tablename IN ('enterprise', 'penalty', 'complaint', 'classification_result', 'classification_run',
                                       'classification_domain_result', 'jurisdiction') $$,
                'A4 pg_stats shows the city analyst no statistics of enterprise data');
SELECT throws_ok($$ SELECT count(*) FROM pg_statistic $$, '42501', NULL, 'A4 pg_statistic is refused');
RESET ROLE;

-- A7 COPY: a file on the server is refused; COPY FROM under row-level
-- security is refused (sql/confidentiality.sql shows COPY ... TO STDOUT).
SET LOCAL ROLE regress_cr_henan;
SELECT throws_ok($$ COPY creditrisk.classification_result TO '/tmp/creditrisk-leak.csv' $$, '42501', NULL,
                 'A7 COPY of results to a server file is refused');
RESET ROLE;
SET LOCAL ROLE regress_cr_xihua_admin;
SELECT throws_ok($$ COPY creditrisk.penalty (uscc, decision_number, decision_date, severity, reported_by) FROM '/dev/null' $$,
                 '42501', NULL, 'A7 COPY from a server file is refused');
RESET ROLE;

-- A8 cursors and prepared statements: planned or opened by whom, they show
-- the role that runs them its own rows.
PREPARE all_results AS SELECT uscc::text FROM creditrisk.classification_result;   -- prepared by a superuser
SET LOCAL ROLE regress_cr_xihua;
SELECT is(pg_temp.via_cursor('SELECT uscc::text FROM creditrisk.classification_result'), '{xihua1,xihua2}',
          'A8 a cursor fetches only the county''s rows');
SELECT is(pg_temp.seen('SELECT x.uscc FROM creditrisk.enterprise x'), '{xihua1,xihua2}', 'A8 (the county''s enterprises)');
SELECT set_eq('EXECUTE all_results', $$ SELECT uscc::text FROM pg_temp.world WHERE division = '411622'
                                         UNION ALL SELECT uscc::text FROM pg_temp.world WHERE division = '411622' $$,
              'A8 a statement prepared by a superuser, executed by the county analyst, is re-planned under its policies');
RESET ROLE;

-- A9 functions on an out-of-scope enterprise: nothing to explain, score or list.
SET LOCAL ROLE regress_cr_xihua;
SELECT is((SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2026-09-30') c
            CROSS JOIN LATERAL creditrisk.score_explain('reference-v1', c.indicators) x
            JOIN pg_temp.world w ON w.uscc::text = c.uscc::text WHERE w.tag = 'zhongyuan'), 0::bigint,
          'A9 score_explain has no indicators of an enterprise of Zhengzhou to explain');
SELECT is((SELECT count(*) FROM creditrisk.class_worsened() c JOIN pg_temp.world w ON w.uscc::text = c.uscc::text
            WHERE w.division <> '411622'), 0::bigint, 'A9 class_worsened lists no enterprise outside the county');
SELECT creditrisk.indicators_to_sql('reference-v1') AS q \gset
SET LOCAL search_path = pg_catalog, creditrisk, pg_temp;
PREPARE plain_sql(date, timestamptz) AS :q;
SET LOCAL search_path = creditrisk, tap, public;
SELECT set_eq('EXECUTE plain_sql(''2026-09-30'', NULL)', $$ SELECT uscc, indicators FROM creditrisk.compute_indicators('reference-v1', '2026-09-30') $$,
              'A9 the indicators'' plain SQL, run by the county analyst, gives its 2 enterprises as compute_indicators does');
RESET ROLE;

-- A10 no copy outside the policies: since 1.6 creditrisk has no
-- materialized view (the current classification reads the history under
-- its policies), and the partner views' owner creditrisk_sharing, whose
-- policy on the history admits rows while an agreement runs, is nobody's
-- role: no login, no member, nobody can become it.
SELECT is_empty($$ SELECT relname FROM pg_class WHERE relkind = 'm' AND relnamespace = 'creditrisk'::regnamespace $$,
                'A10 creditrisk has no materialized view');
SELECT is(pg_has_role(r, 'creditrisk_sharing', 'MEMBER'), false, format('A10 %s cannot become creditrisk_sharing', r))
  FROM unnest(ARRAY['regress_cr_henan', 'regress_cr_xihua_admin', 'regress_cr_auditor', 'regress_cr_partner', 'regress_cr_nobody']::name[]) r;
SELECT is((SELECT rolcanlogin OR EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.roleid = r.oid) FROM pg_roles r
            WHERE r.rolname = 'creditrisk_sharing'), false, 'A10 creditrisk_sharing has no login and no member');
-- the partner's agreement opens nothing but the shared views (through an
-- analyst's view or the history the partner gets 42501, A15); the analysts'
-- views, owned by creditrisk_owner, never use the sharing policy
SET LOCAL ROLE regress_cr_xihua;
SELECT is(pg_temp.seen('SELECT uscc FROM creditrisk.classification_current'), '{xihua1,xihua2}',
          'A10 the county analyst still sees only its county through the current view');
RESET ROLE;

-- A11 a user's view over results outside creditrisk: only security_invoker,
-- never a materialized view (the event trigger creditrisk_guard_views).
SET LOCAL ROLE regress_cr_hostile;
SELECT throws_ok($$ CREATE VIEW public.regress_leak AS SELECT * FROM creditrisk.classification_result $$, '42501',
                 'view public.regress_leak over creditrisk enterprise data must be security_invoker',
                 'A11 a view in public over the history with its owner''s rights is refused');
RESET ROLE;
SELECT throws_ok($$ CREATE VIEW public.regress_leak AS SELECT * FROM creditrisk.classification_current $$, '42501', NULL,
                 'A11 ... even a superuser''s, over the current classification');
SELECT throws_ok($$ CREATE MATERIALIZED VIEW public.regress_leak AS SELECT * FROM creditrisk.classification_current $$, '42501', NULL,
                 'A11 a materialized view over the current classification is refused');
SELECT lives_ok($$ CREATE VIEW public.regress_inv WITH (security_invoker = true) AS SELECT * FROM creditrisk.classification_result $$,
                'A11 a security_invoker view over the history is allowed');
SELECT throws_ok($$ CREATE VIEW public.regress_leak AS SELECT * FROM public.regress_inv $$, '42501', NULL,
                 'A11 a view with its owner''s rights over that view is refused (checked through views)');
SELECT throws_ok($$ ALTER VIEW public.regress_inv SET (security_invoker = false) $$, '42501', NULL,
                 'A11 turning security_invoker off is refused');
SELECT throws_ok($$ ALTER VIEW public.regress_inv RESET (security_invoker) $$, '42501', NULL,
                 'A11 resetting security_invoker is refused');
GRANT SELECT ON public.regress_inv TO regress_cr_xihua;
SET LOCAL ROLE regress_cr_xihua;
SELECT is(pg_temp.seen('SELECT uscc FROM public.regress_inv'), '{xihua1,xihua2}',
          'A11 the security_invoker view shows the county analyst its own rows');
RESET ROLE;

-- A12 errors that could reveal existence.  Analysts cannot insert at all;
-- an administrator's insert of a record for an enterprise outside its
-- jurisdiction fails the same way whether the enterprise exists or not.
SET LOCAL ROLE regress_cr_xihua;
SELECT throws_ok(format($$ INSERT INTO creditrisk.penalty (uscc, decision_number, decision_date, severity, reported_by)
                           VALUES (%L, 'x', '2026-01-01', 'minor', 'x') $$, w.uscc), '42501', NULL,
                 'A12 an analyst cannot insert a record (' || w.tag || ')')
  FROM world w WHERE w.tag IN ('xihua1', 'zhongyuan');
RESET ROLE;
SET LOCAL ROLE regress_cr_xihua_admin;
SELECT throws_ok(format($$ INSERT INTO creditrisk.%I (uscc, listed_date, reported_by) VALUES (%L, '2026-01-01', 'x') $$, t, u), '42501',
                 format('new row violates row-level security policy for table "%s"', t),
                 format('A12 county admin: a %s row for %s fails on the policy, not on the foreign key', t, coalesce(w.tag, 'a USCC never registered')))
  FROM unnest(ARRAY['serious_dishonesty_listing']) t
 CROSS JOIN (SELECT w.uscc::text AS u, w.tag FROM world w WHERE w.tag = 'zhongyuan'
             UNION ALL SELECT '91411622MA4RN00A1X', NULL) w;
SELECT is((SELECT count(*) FROM (SELECT 1 FROM creditrisk.classification_result WHERE division_code = '410102') x), 0::bigint,
          'A12 county admin: Zhengzhou''s results are not there to update or delete');
WITH u AS (UPDATE creditrisk.classification_result SET final_class = 'D' WHERE division_code = '410102' RETURNING 1)
SELECT is((SELECT count(*) FROM u), 0::bigint, 'A12 county admin: an UPDATE of Zhengzhou''s results updates nothing');
RESET ROLE;

-- A13 an operator planted on the search_path.  (a) By the analyst itself,
-- in its own schema: it runs after the policies and is shown only its rows.
CREATE SCHEMA regress_cr_xihua AUTHORIZATION regress_cr_xihua;
SET LOCAL ROLE regress_cr_xihua;
CREATE FUNCTION regress_cr_xihua.spy(creditrisk.uscc, text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN INSERT INTO pg_temp.leaked VALUES ('spy', $1::text); RETURN true; END $$;
CREATE OPERATOR regress_cr_xihua.= (LEFTARG = creditrisk.uscc, RIGHTARG = text, FUNCTION = regress_cr_xihua.spy);
SET LOCAL search_path = "$user", public, tap;   -- the default path, with the analyst's schema
SELECT count(*) FROM creditrisk.enterprise WHERE uscc = 'anything';
SELECT count(*) FROM creditrisk.classification_current WHERE uscc = 'anything';
SET LOCAL search_path = creditrisk, tap, public;
RESET ROLE;
SELECT ok((SELECT count(*) FROM leaked WHERE by_role = 'spy') > 0, 'A13 the planted operator ran');
SELECT is_empty($$ SELECT l.uscc FROM leaked l JOIN world w ON w.uscc::text = l.uscc WHERE l.by_role = 'spy' AND w.division <> '411622' $$,
                'A13 an operator planted by the analyst is shown no row outside its jurisdiction');
-- (b) By another role in public: the extension's policies, views and
-- functions bound their operators when they were created.
SET LOCAL ROLE regress_cr_hostile;
CREATE FUNCTION public.trap(creditrisk.uscc, creditrisk.uscc) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN INSERT INTO pg_temp.leaked VALUES ('trap', $1::text); RETURN true; END $$;
CREATE OPERATOR public.= (LEFTARG = creditrisk.uscc, RIGHTARG = creditrisk.uscc, FUNCTION = public.trap);
CREATE FUNCTION public.trap_text(text, text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN INSERT INTO pg_temp.leaked VALUES ('trap', $1); RETURN $1 OPERATOR(pg_catalog.=) $2; END $$;
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.trap_text);
RESET ROLE;
SET LOCAL ROLE regress_cr_zhoukou;
SET LOCAL search_path = public, "$user", tap;   -- the trap first
SELECT count(*) FROM creditrisk.penalty;
SELECT count(*) FROM creditrisk.enterprise_measures;
SELECT count(*) FROM creditrisk.class_distribution_current;
SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2026-09-30');
SET LOCAL search_path = creditrisk, tap, public;
RESET ROLE;
SET LOCAL ROLE regress_cr_xihua_admin;
SET LOCAL search_path = public, "$user", tap;
SELECT creditrisk.refresh_current_views();   -- (a no-op since 1.6)
SET LOCAL search_path = creditrisk, tap, public;
RESET ROLE;
SELECT is_empty($$ SELECT * FROM leaked WHERE by_role = 'trap' $$,
                'A13 operators planted in public are never called by policies, views or functions');
DROP OPERATOR public.= (creditrisk.uscc, creditrisk.uscc);
DROP OPERATOR public.= (text, text);

-- A14 the monthly run and the SECURITY DEFINER path stay in scope.
SET LOCAL ROLE regress_cr_xihua_admin;
SELECT throws_ok($$ SELECT creditrisk.refresh_classification('2026-09-30') $$, '42501', NULL,
                 'A14 a county administrator cannot run the province''s monthly run');
SELECT is(pg_temp.seen('SELECT uscc FROM creditrisk.classification_current'), '{xihua1,xihua2}',
          'A14 refresh_current_views() (a no-op) returns nothing and widens nothing');
RESET ROLE;
SET LOCAL ROLE regress_cr_henan;
SELECT throws_ok($$ SELECT creditrisk.refresh_current_views() $$, '42501', NULL, 'A14 an analyst cannot call refresh_current_views()');
SELECT throws_ok($$ SELECT creditrisk.refresh_classification('2026-09-30') $$, '42501', NULL, 'A14 an analyst cannot run the monthly run');
RESET ROLE;

-- A15 partners: only the shared view, only agreed divisions and fields,
-- only while the agreement runs.
SET LOCAL ROLE regress_cr_partner;
SELECT is(pg_temp.seen('SELECT uscc FROM creditrisk.shared_classification'), '{xihua1,xihua2}', 'A15 the partner sees the agreed county');
SELECT is((SELECT count(*) FROM creditrisk.shared_classification
            WHERE score IS NOT NULL OR score_class IS NOT NULL OR overrides IS NOT NULL OR reasons IS NOT NULL), 0::bigint,
          'A15 ... with neither score, score class, overrides nor reasons (not agreed)');
SELECT is((SELECT count(*) FROM creditrisk.shared_classification WHERE final_class IS NULL OR class_date IS NULL), 0::bigint,
          'A15 ... and with the final class and its date');
SELECT throws_ok(format('SELECT count(*) FROM creditrisk.%s', t), '42501', NULL, 'A15 the partner cannot read ' || t)
  FROM unnest(ARRAY['classification_current', 'classification_result', 'enterprise', 'penalty', 'enterprise_measures',
                    'class_distribution_current', 'compute_indicators(''reference-v1'', ''2026-09-30'')']) t;
RESET ROLE;
SET LOCAL ROLE regress_cr_partner_agg;
SELECT is_empty('SELECT * FROM creditrisk.shared_classification', 'A15 an aggregates-only partner sees no enterprise');
SELECT is((SELECT array_agg(division_code || ':' || enterprises ORDER BY division_code) FROM creditrisk.shared_distribution),
          '{411602:1,411621:1,411622:2}', 'A15 ... but the class counts of the agreed city''s divisions');
RESET ROLE;
SET LOCAL ROLE regress_cr_partner_old;
SELECT is_empty('SELECT * FROM creditrisk.shared_classification', 'A15 an expired agreement shows nothing');
SELECT is_empty('SELECT * FROM creditrisk.shared_distribution', 'A15 ... not even counts');
RESET ROLE;

-- A16 a role without grants, and one enrolled then removed.
SELECT throws_ok(format('SET LOCAL ROLE regress_cr_nobody; SELECT count(*) FROM creditrisk.%s', t), '42501', NULL,
                 'A16 a role without grants cannot read ' || t)
  FROM unnest(ARRAY['enterprise', 'classification_result', 'classification_current', 'shared_classification',
                    'jurisdiction']) t;
RESET ROLE;
SELECT creditrisk.unenrol('regress_cr_henan');
SELECT throws_ok('SET LOCAL ROLE regress_cr_henan; SELECT count(*) FROM creditrisk.classification_current', '42501', NULL,
                 'A16 an analyst removed with unenrol() reads nothing');
RESET ROLE;

-- A17 PUBLIC holds nothing, and cannot create in public.
SELECT is_empty($$ SELECT c.oid::regclass FROM pg_class c, aclexplode(c.relacl) a
                    WHERE c.relnamespace = 'creditrisk'::regnamespace AND a.grantee = 0 $$,
                'A17 after create_roles() PUBLIC holds no privilege on any creditrisk relation');
SELECT is_empty($$ SELECT p.oid::regprocedure FROM pg_proc p
                    WHERE p.pronamespace = 'creditrisk'::regnamespace AND has_function_privilege('public', p.oid, 'EXECUTE') $$,
                'A17 ... nor on any function');
SELECT ok(NOT has_schema_privilege('public', 'public', 'CREATE'), 'A17 PUBLIC cannot create in schema public (PostgreSQL 15 default)');
-- (the view guard does not get in the way of roles that never touch creditrisk)
GRANT CREATE ON SCHEMA public TO regress_cr_nobody;
SELECT lives_ok('SET LOCAL ROLE regress_cr_nobody; CREATE VIEW public.regress_unrelated AS SELECT 1 AS one',
                'A17 a role without any creditrisk grant still creates views of its own');
RESET ROLE;

-- A18 the auditor reads every jurisdiction and agreement, writes nothing.
SET LOCAL ROLE regress_cr_auditor;
SELECT is((SELECT count(*) FROM creditrisk.jurisdiction), 8::bigint, 'A18 the auditor reads every jurisdiction');
SELECT is((SELECT count(*) FROM creditrisk.sharing_agreement), 3::bigint, 'A18 ... and every sharing agreement');
SELECT throws_ok($$ DELETE FROM creditrisk.classification_result $$, '42501', NULL, 'A18 the auditor cannot change the history');
RESET ROLE;
SET LOCAL ROLE regress_cr_zhoukou;
SELECT is((SELECT array_agg(role_name) FROM creditrisk.jurisdiction), '{regress_cr_zhoukou}'::name[],
          'A18 an analyst reads its own jurisdiction only');
SELECT is_empty('SELECT * FROM creditrisk.sharing_agreement', 'A18 ... and no sharing agreement');
SELECT throws_ok($$ INSERT INTO creditrisk.jurisdiction (role_name, kind, division_code) VALUES ('regress_cr_zhoukou', 'analyst', '410000') $$,
                 '42501', NULL, 'A18 an analyst cannot widen its own jurisdiction');
SELECT throws_ok($$ SELECT creditrisk.enrol('regress_cr_zhoukou', 'analyst', '410000') $$, '42501', NULL,
                 'A18 ... nor enrol itself');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
