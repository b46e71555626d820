-- ===========================================================================
-- 1.4 Confidentiality (保密): group roles, jurisdictions, row-level security,
-- sharing agreements with partner departments, and a guard against views
-- that would widen access.  doc/SECURITY.md holds the permission matrix and
-- the threat model; test/attacks.sql follows it row by row.
--
-- Henan measures art. 5 (each bureau works on its own area), art. 6 and the
-- Zhoukou notice (results are an internal reference, shareable with other
-- government departments, never public), art. 17-18 (illegal access).
--
--   creditrisk.jurisdiction       which division each enrolled role works on
--   creditrisk.sharing_agreement  what a partner department may see, until when
--   creditrisk.create_roles()     the group roles, their grants, ownership and
--                                 the row-level security policies (idempotent)
--   creditrisk.enrol()            a login becomes admin/analyst/partner/auditor
--                                 of a division
--   creditrisk.share()            a sharing agreement with a partner
--
-- Every table holding enterprise data has row-level security ENABLEd and
-- FORCEd here, with no policy: until create_roles() adds the policies, no
-- role but a superuser sees a row (fail closed).  The policies name the group
-- roles, which exist only once create_roles() made them, so it creates them;
-- pg_dump does not keep them (nor ownership), so a restored database is
-- closed until create_roles() runs again (test/shell/roles_dump.sh).
-- The scope functions (scope_from, scope_to, division_upper) and the scoped
-- views of the current classification are in extension/classification.sql.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- Jurisdictions (管辖范围)
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.jurisdiction (
    role_name     name PRIMARY KEY,
    kind          text NOT NULL
                  CONSTRAINT jurisdiction_kind_valid CHECK (kind IN ('admin', 'analyst', 'partner', 'auditor', 'loader')),
    division_code creditrisk.division_code NOT NULL,
    enrolled_by   name NOT NULL DEFAULT current_user,
    enrolled_at   timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE creditrisk.jurisdiction IS
    'Jurisdiction (管辖范围) of each enrolled role: its kind (admin, analyst, partner, auditor, loader) and division (410000 province, 411600 city, 411622 county); it sees the enterprises of that division and below. Written by creditrisk.enrol() only';
COMMENT ON COLUMN creditrisk.jurisdiction.role_name IS
    'The enrolled role (a login, normally); a role renamed or dropped loses its jurisdiction, and one of the same name created later has none until enrolled';
COMMENT ON COLUMN creditrisk.jurisdiction.division_code IS
    'The division the role works on (art. 5): province-wide (xx0000), a city (xxxx00, 4190xx) or a county';

-- The jurisdiction's lookup is cached per backend (src/scope.c); any change
-- to the table resets every backend's cache.
CREATE FUNCTION creditrisk.scope_changed() RETURNS trigger
    AS 'MODULE_PATHNAME', 'scope_changed' LANGUAGE C;
COMMENT ON FUNCTION creditrisk.scope_changed() IS
    'Trigger on creditrisk.jurisdiction: every backend forgets the jurisdiction it cached for scope_from()/scope_to() (管辖范围缓存)';
CREATE TRIGGER jurisdiction_scope_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON creditrisk.jurisdiction
    FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.scope_changed();
REVOKE ALL ON FUNCTION creditrisk.scope_changed() FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Sharing agreements with other government departments (共享协议, art. 6)
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.sharing_agreement (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner         name NOT NULL,
    divisions       text[] NOT NULL
                    CONSTRAINT sharing_agreement_divisions_valid
                    CHECK (cardinality(divisions) > 0
                           AND array_position(divisions, NULL) IS NULL
                           AND pg_catalog.array_to_string(divisions, ',') ~ '^[0-9]{6}(,[0-9]{6})*$'),
    fields          text[] NOT NULL DEFAULT '{final_class,class_date}'
                    CONSTRAINT sharing_agreement_fields_valid
                    CHECK (fields <@ '{final_class,class_date,score,score_class,overrides,reasons}'::text[]
                           AND fields @> '{final_class,class_date}'::text[]),
    aggregates_only boolean NOT NULL DEFAULT false,
    valid_until     date NOT NULL,
    granted_by      name NOT NULL DEFAULT current_user,
    granted_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    note            text NOT NULL DEFAULT ''
);
CREATE INDEX sharing_agreement_partner_idx ON creditrisk.sharing_agreement (partner, valid_until);
COMMENT ON TABLE creditrisk.sharing_agreement IS
    'Sharing agreements (信用信息共享协议, art. 6): a partner department sees the current classification of the listed divisions (and below), only the listed fields, up to and including valid_until; aggregates_only = class counts per division, no enterprise. Written by creditrisk.share() only';
COMMENT ON COLUMN creditrisk.sharing_agreement.fields IS
    'What the partner sees of each enterprise besides its USCC and division: always final_class and class_date; optionally score, score_class, overrides, reasons';

-- ---------------------------------------------------------------------------
-- What partners read: only through these views (security barrier), never the
-- tables.  They read the latest run from the history, which is under FORCEd
-- row-level security; a partner has no jurisdiction (scope_from() is NULL for
-- it), so the views are owned by their own role, creditrisk_sharing (NOLOGIN,
-- no member, owns these two views and nothing else), and the history has a
-- policy for that role alone (create_roles()): it admits rows only while the
-- reader has an unexpired sharing agreement; the views then keep the
-- divisions and fields each agreement grants.  Analysts' views read the
-- history with their reader's rights, to which that policy does not apply.
--
-- The divisions an agreement lists are ranges of codes [d, division_upper(d))
-- that nest or are disjoint (a province holds its cities, a city its
-- counties).  shared_ranges() cuts the reader's agreements once per query
-- into disjoint ranges, each with the union of the fields the agreements
-- covering it grant; each range is then one index range scan of the latest
-- run (as_of, version, division_code).  (1.6 derived the divisions from the
-- whole run and called a function per row: 9.7 s at 100,000 enterprises.)
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.shared_ranges(for_aggregates boolean)
RETURNS TABLE (division_from text, division_to text, fields text[])
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE ROWS 10 SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    -- PL/pgSQL, not SQL (1.8, issue 12): its query is planned once per
    -- session and kept (a SQL function that cannot be inlined, as one with
    -- SET search_path cannot, plans its body again in every query that
    -- calls it: about half of a partner's count of one county)
    RETURN QUERY
    WITH a AS (
        SELECT d AS lo, creditrisk.division_upper(d) AS hi, s.fields
          FROM creditrisk.sharing_agreement s, unnest(s.divisions) d
         WHERE s.partner = current_user AND s.valid_until >= current_date
           AND (shared_ranges.for_aggregates OR NOT s.aggregates_only)
    ), i AS (
        SELECT p.x AS lo, lead(p.x) OVER (ORDER BY p.x) AS hi
          FROM (SELECT a.lo FROM a UNION SELECT a.hi FROM a) p(x)
    )
    SELECT i.lo, i.hi,
           (SELECT array_agg(DISTINCT f ORDER BY f) FROM a, unnest(a.fields) f WHERE a.lo <= i.lo AND a.hi >= i.hi)
      FROM i
     WHERE i.hi IS NOT NULL AND EXISTS (SELECT 1 FROM a WHERE a.lo <= i.lo AND a.hi >= i.hi);
END
$$;
COMMENT ON FUNCTION creditrisk.shared_ranges(boolean) IS
    'The division ranges [division_from, division_to) the current role''s unexpired sharing agreements (共享协议) cover, disjoint, each with the union of the fields granted on it; with for_aggregates, aggregates-only agreements count too';

CREATE VIEW creditrisk.shared_classification WITH (security_barrier = true) AS
SELECT c.uscc, c.division_code, c.final_class, c.as_of AS class_date,
       CASE WHEN 'score' = ANY (g.fields) THEN c.score END AS score,
       CASE WHEN 'score_class' = ANY (g.fields) THEN c.score_class END AS score_class,
       CASE WHEN 'overrides' = ANY (g.fields) THEN c.overrides END AS overrides,
       CASE WHEN 'reasons' = ANY (g.fields) THEN c.reasons END AS reasons
  FROM creditrisk.shared_ranges(false) g
  JOIN creditrisk.classification_result c ON c.division_code >= g.division_from AND c.division_code < g.division_to
 WHERE (c.as_of, c.version) = (SELECT r.as_of, r.version FROM creditrisk.classification_run r
                           ORDER BY r.as_of DESC, r.version DESC LIMIT 1);
COMMENT ON VIEW creditrisk.shared_classification IS
    'For partner departments (共享部门): the current classification (latest run) of the enterprises their unexpired sharing agreements cover; fields not granted are NULL';

CREATE VIEW creditrisk.shared_distribution WITH (security_barrier = true) AS
SELECT c.division_code::text AS division_code, count(*) AS enterprises,
       count(*) FILTER (WHERE c.final_class = 'A') AS a, count(*) FILTER (WHERE c.final_class = 'B') AS b,
       count(*) FILTER (WHERE c.final_class = 'C') AS c, count(*) FILTER (WHERE c.final_class = 'D') AS d,
       c.as_of AS class_date
  FROM creditrisk.shared_ranges(true) g
  JOIN creditrisk.classification_result c ON c.division_code >= g.division_from AND c.division_code < g.division_to
 WHERE (c.as_of, c.version) = (SELECT r.as_of, r.version FROM creditrisk.classification_run r
                           ORDER BY r.as_of DESC, r.version DESC LIMIT 1)
 GROUP BY c.division_code, c.as_of;
COMMENT ON VIEW creditrisk.shared_distribution IS
    'For partner departments (共享部门): final-class counts of the current classification (latest run) per division their unexpired sharing agreements cover (aggregates-only agreements included)';

-- ---------------------------------------------------------------------------
-- Row-level security: enabled and forced on every table holding enterprise
-- data; the policies come from create_roles().
-- ---------------------------------------------------------------------------
DO $rls$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['enterprise', 'licence', 'penalty', 'spot_check', 'complaint', 'abnormal_listing',
                             'serious_dishonesty_listing', 'judgment_debtor_listing', 'annual_report',
                             'registration_change', 'related_party_link', 'equity_pledge_freeze', 'lawsuit',
                             'public_opinion', 'domain_risk_class', 'enforcement', 'confirmation', 'reward',
                             'indicator_value', 'classification_run', 'classification_result', 'classification_domain_result',
                             'supervision_measure', 'jurisdiction', 'sharing_agreement', 'reporting_unit',
                             -- superseded versions (extension/knowledge.sql)
                             'enterprise_history', 'licence_history', 'penalty_history', 'spot_check_history',
                             'complaint_history', 'abnormal_listing_history', 'serious_dishonesty_listing_history',
                             'judgment_debtor_listing_history', 'annual_report_history', 'registration_change_history',
                             'related_party_link_history', 'equity_pledge_freeze_history', 'lawsuit_history',
                             'public_opinion_history', 'domain_risk_class_history', 'enforcement_history',
                             'confirmation_history', 'reward_history', 'indicator_value_history']
    LOOP
        EXECUTE format('ALTER TABLE creditrisk.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE creditrisk.%I FORCE ROW LEVEL SECURITY', t);
    END LOOP;
END
$rls$;

-- ---------------------------------------------------------------------------
-- Group roles, grants, ownership, policies
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.create_roles() RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, creditrisk, pg_temp SET client_min_messages = warning AS $fn$
DECLARE
    r record;
    t text;
    kinds constant text[] := ARRAY['creditrisk_admin', 'creditrisk_analyst', 'creditrisk_partner', 'creditrisk_auditor',
                                   'creditrisk_loader'];
    model_tables constant text[] := ARRAY['indicator', 'model', 'model_dimension', 'model_group', 'model_indicator',
                                          'model_bin', 'model_category', 'model_floor', 'model_floor_condition'];
    config_tables constant text[] := ARRAY['model_activation', 'high_concern_industry', 'override_rule',
                                           'fusion_rule', 'fusion_matrix', 'supervision_measure', 'population_opt_in',
                                           'repair_rule_set'];
    register_tables constant text[] := ARRAY['enterprise'];
    record_tables constant text[] := ARRAY['licence', 'penalty', 'spot_check', 'complaint', 'abnormal_listing',
                                           'serious_dishonesty_listing', 'judgment_debtor_listing', 'annual_report',
                                           'registration_change', 'equity_pledge_freeze', 'lawsuit',
                                           'public_opinion', 'domain_risk_class', 'enforcement', 'confirmation',
                                           'reward', 'indicator_value', 'credit_commitment', 'credit_repair'];
    result_tables constant text[] := ARRAY['classification_result', 'classification_domain_result',
                                           'classification_correction'];
    -- superseded versions, written only by the trigger record_arrival as the owner
    config_history constant text[] := ARRAY['model_activation_history', 'high_concern_industry_history',
                                            'override_rule_history', 'fusion_rule_history', 'fusion_matrix_history',
                                            'supervision_measure_history', 'population_opt_in_history',
                                            'repair_rule_set_history'];
    record_history constant text[] := ARRAY['licence_history', 'penalty_history', 'spot_check_history',
                                            'complaint_history', 'abnormal_listing_history',
                                            'serious_dishonesty_listing_history', 'judgment_debtor_listing_history',
                                            'annual_report_history', 'registration_change_history',
                                            'equity_pledge_freeze_history', 'lawsuit_history', 'public_opinion_history',
                                            'domain_risk_class_history', 'enforcement_history', 'confirmation_history', 'reward_history',
                                            'indicator_value_history', 'credit_commitment_history', 'credit_repair_history'];
    -- spot checks (extension/supervision.sql): what a bureau plans and keeps,
    -- and what only the draw writes
    spot_plan_tables constant text[] := ARRAY['inspector', 'inspector_conflict', 'spot_check_task', 'spot_check_task_class'];
    spot_draw_tables constant text[] := ARRAY['spot_check_population', 'spot_check_draw', 'spot_check_task_inspector',
                                              'spot_check_task_conflict', 'spot_check_assignment'];
    spot_views constant text[] := ARRAY['spot_check_task_summary', 'spot_check_unassignable', 'spot_check_inspector_load'];
    views constant text[] := ARRAY['classification_current', 'classification_domain_current', 'enterprise_measures',
                                   'enterprise_domain_measures',
                                   'classification_worsened', 'class_transition_latest', 'class_distribution_current',
                                   'score_stability_latest', 'reason_code'];
    in_scope constant text := 'division_code >= (SELECT creditrisk.scope_from()) AND division_code < (SELECT creditrisk.scope_to())';
    -- the register's: the same range, the bounds called directly (C, cached
    -- per backend; an index range's keys are computed once per scan), for
    -- this policy is also applied inside every record table's per-record
    -- probe of the register, where two InitPlans each were a third of the cost
    -- of reading one enterprise's records (issue 15)
    register_scope constant text := 'division_code >= creditrisk.scope_from() AND division_code < creditrisk.scope_to()';
    -- the reporting units whose reporter role the current user is a member of
    own_unit constant text := 'reported_by IN (SELECT u.code FROM creditrisk.reporting_unit u JOIN pg_catalog.pg_roles r '
                              'ON r.rolname = u.reporter_role WHERE pg_catalog.pg_has_role(r.oid, ''MEMBER''))';
BEGIN
    IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'creditrisk.create_roles() must be run by a superuser'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'It creates roles, changes the owner of the extension''s tables and creates their policies.';
    END IF;

    -- 1. The group roles, NOLOGIN.  A pre-existing role of the same name is
    -- used only if it is as harmless as the one we would create.
    FOR r IN SELECT * FROM unnest(ARRAY['creditrisk_owner', 'creditrisk_sharing'] || kinds,
                                  ARRAY['owns the data and views of creditrisk (NOLOGIN, no member)',
                                        'owns the two partner views shared_classification and shared_distribution (NOLOGIN, no member)',
                                        'creditrisk administrators: models, rules, measures, records, the monthly run, within their jurisdiction',
                                        'creditrisk analysts: read the enterprises, records and results of their jurisdiction',
                                        'partner departments: read what their unexpired sharing agreements grant',
                                        'creditrisk auditors: read results, configuration, jurisdictions, agreements and logs of their jurisdiction',
                                        'creditrisk loaders (报送人员): report the credit records of their own reporting unit, within their jurisdiction'])
                     AS x(name, note)
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r.name) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT', r.name);
        ELSIF EXISTS (SELECT 1 FROM pg_catalog.pg_roles
                       WHERE rolname = r.name AND (rolcanlogin OR rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb)) THEN
            RAISE EXCEPTION 'role "%" exists with privileges creditrisk would not give it', r.name
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'A creditrisk group role is NOLOGIN, without SUPERUSER, BYPASSRLS, CREATEROLE or CREATEDB.',
                      HINT = format('ALTER ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB, then run creditrisk.create_roles() again.', r.name);
        END IF;
        EXECUTE format('COMMENT ON ROLE %I IS %L', r.name, r.note);
    END LOOP;
    FOR r IN SELECT x.name FROM unnest(ARRAY['creditrisk_owner', 'creditrisk_sharing']) x(name)
              WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m WHERE m.roleid = x.name::regrole)
    LOOP
        RAISE EXCEPTION 'role % has members', r.name
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Its members would see every enterprise and could change the policies.',
                  HINT = format('REVOKE %I FROM them; a DBA uses a superuser role.', r.name);
    END LOOP;

    -- 2. The owner owns the tables, views and materialized views (so FORCEd
    -- row-level security applies to it as to anyone) and the one SECURITY
    -- DEFINER function, which then runs without superuser rights.
    FOR r IN SELECT c.oid::regclass AS rel, c.relkind
               FROM pg_catalog.pg_class c
               JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                                          AND d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
               JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'creditrisk'
              WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S')
                -- (an identity column's sequence follows its table)
                AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend s
                                 WHERE s.classid = 'pg_catalog.pg_class'::regclass AND s.objid = c.oid
                                   AND s.deptype IN ('a', 'i'))
              ORDER BY c.oid
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO creditrisk_owner',
                       CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                      WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, r.rel);
    END LOOP;
    ALTER FUNCTION creditrisk.refresh_current_views() OWNER TO creditrisk_owner;
    -- the partner views read the history through the policy for their own
    -- role (4. below), which no analyst's view shares
    ALTER VIEW creditrisk.shared_classification OWNER TO creditrisk_sharing;
    ALTER VIEW creditrisk.shared_distribution OWNER TO creditrisk_sharing;

    -- 3. Grants: every kind uses the schema, the types and the functions (the
    -- comparison operators of uscc and riskclass are functions; every function
    -- but one runs with its caller's rights).  Tables and views narrowly.
    FOREACH t IN ARRAY kinds LOOP
        EXECUTE format('GRANT USAGE ON SCHEMA creditrisk TO %I', t);
        EXECUTE format('GRANT USAGE ON TYPE creditrisk.uscc, creditrisk.riskclass, creditrisk.division_code, creditrisk.industry_code TO %I', t);
        EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA creditrisk TO %I', t);
        EXECUTE format('REVOKE EXECUTE ON FUNCTION creditrisk.create_roles(), creditrisk.enrol(regrole, text, text), creditrisk.unenrol(regrole), '
                       'creditrisk.share(regrole, text[], text[], date, boolean), creditrisk.refresh_current_views(), '
                       'creditrisk.seal_run(date, integer), creditrisk.log_changes_of(regclass) FROM %I', t);
    END LOOP;
    -- the history's verification is the auditor's and the admin's; corrections the admin's
    REVOKE EXECUTE ON FUNCTION creditrisk.verify_history(bytea, boolean) FROM creditrisk_analyst, creditrisk_partner;
    REVOKE EXECUTE ON FUNCTION creditrisk.correct_result(date, creditrisk.uscc, creditrisk.riskclass, text)
        FROM creditrisk_analyst, creditrisk_partner, creditrisk_auditor;
    GRANT EXECUTE ON FUNCTION creditrisk.refresh_current_views() TO creditrisk_admin;
    -- the owner evaluates the policies when it refreshes the views
    GRANT USAGE ON SCHEMA creditrisk TO creditrisk_owner;
    GRANT USAGE ON TYPE creditrisk.uscc, creditrisk.riskclass, creditrisk.division_code, creditrisk.industry_code
        TO creditrisk_owner;
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA creditrisk TO creditrisk_owner;
    REVOKE EXECUTE ON FUNCTION creditrisk.create_roles(), creditrisk.enrol(regrole, text, text), creditrisk.unenrol(regrole),
                               creditrisk.share(regrole, text[], text[], date, boolean) FROM creditrisk_owner;

    -- admin: writes models, configuration, the register, records and results
    -- (rows of its jurisdiction; the run itself only province-wide)
    FOREACH t IN ARRAY model_tables || config_tables || register_tables || record_tables
                       || ARRAY['related_party_link', 'classification_run'] || result_tables LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON creditrisk.%I TO creditrisk_admin', t);
    END LOOP;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA creditrisk TO creditrisk_admin;
    REVOKE ALL ON SEQUENCE creditrisk.sharing_agreement_id_seq FROM creditrisk_admin;
    FOREACH t IN ARRAY views LOOP
        EXECUTE format('GRANT SELECT ON creditrisk.%I TO creditrisk_admin, creditrisk_analyst, creditrisk_auditor', t);
    END LOOP;

    -- analyst and auditor: read models, configuration, register, records and
    -- results (rows of their jurisdiction); of the runs, what identifies them
    -- (the province-wide counts are the admin's and the auditor's)
    FOREACH t IN ARRAY model_tables || config_tables || register_tables || record_tables
                       || ARRAY['related_party_link'] || result_tables LOOP
        EXECUTE format('GRANT SELECT ON creditrisk.%I TO creditrisk_analyst, creditrisk_auditor', t);
    END LOOP;
    -- the histories: read (a run or compute_indicators as known at a past time
    -- reads them), never written but by the trigger
    FOREACH t IN ARRAY config_history || record_history || ARRAY['enterprise_history', 'related_party_link_history'] LOOP
        EXECUTE format('GRANT SELECT ON creditrisk.%I TO creditrisk_admin, creditrisk_analyst, creditrisk_auditor', t);
    END LOOP;
    GRANT SELECT (as_of, version, known_at, model_key, model_revision, started_at, finished_at, run_by)
        ON creditrisk.classification_run TO creditrisk_analyst;
    GRANT SELECT ON creditrisk.classification_run TO creditrisk_auditor;

    -- the divisions are reference data: their names appear in every view
    GRANT SELECT ON creditrisk.division TO creditrisk_admin, creditrisk_analyst, creditrisk_auditor;

    -- everyone enrolled reads its own jurisdiction and agreements (the scope
    -- functions do); the auditor reads all of them
    GRANT SELECT ON creditrisk.jurisdiction, creditrisk.sharing_agreement
        TO creditrisk_admin, creditrisk_analyst, creditrisk_partner, creditrisk_auditor, creditrisk_loader;

    -- reporting units (报送单位): everyone enrolled reads the register (it names
    -- government units, not enterprises); the admin writes those of its
    -- jurisdiction
    GRANT SELECT ON creditrisk.reporting_unit, creditrisk.reporting_unit_history
        TO creditrisk_admin, creditrisk_analyst, creditrisk_auditor, creditrisk_loader;
    GRANT INSERT, UPDATE ON creditrisk.reporting_unit TO creditrisk_admin;

    -- loader (报送人员): reads the register of its jurisdiction, and reads,
    -- reports, corrects and withdraws the records of its own reporting unit
    -- (the policies own_unit below; reporting_unit_check() refuses a record
    -- reported as another unit)
    GRANT SELECT ON creditrisk.enterprise TO creditrisk_loader;
    FOREACH t IN ARRAY record_tables || ARRAY['related_party_link'] LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON creditrisk.%I TO creditrisk_loader', t);
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = format('creditrisk.%I', t)::regclass AND a.attname = 'id' AND a.attidentity <> '') THEN
            EXECUTE format('GRANT USAGE ON SEQUENCE %s TO creditrisk_loader',
                           pg_catalog.pg_get_serial_sequence(format('creditrisk.%I', t), 'id'));
        END IF;
    END LOOP;

    -- partner: the two shared views, nothing else
    GRANT SELECT ON creditrisk.shared_classification, creditrisk.shared_distribution TO creditrisk_partner;
    -- the partner views' owner reads what they read (nobody logs in as it)
    GRANT USAGE ON SCHEMA creditrisk TO creditrisk_sharing;
    GRANT USAGE ON TYPE creditrisk.uscc, creditrisk.riskclass, creditrisk.division_code TO creditrisk_sharing;
    GRANT SELECT ON creditrisk.classification_result, creditrisk.classification_run, creditrisk.sharing_agreement
        TO creditrisk_sharing;

    -- spot checks (双随机、一公开, doc/spotcheck.md): a bureau's admin keeps the
    -- inspectors' library of its jurisdiction, plans tasks and draws them
    -- (draw_spot_check writes the draw tables, running as the admin), records
    -- outcomes; analysts and auditors read; partners nothing
    FOREACH t IN ARRAY spot_plan_tables LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON creditrisk.%I TO creditrisk_admin', t);
        EXECUTE format('GRANT SELECT ON creditrisk.%I TO creditrisk_analyst, creditrisk_auditor', t);
    END LOOP;
    FOREACH t IN ARRAY spot_draw_tables LOOP
        EXECUTE format('GRANT SELECT, INSERT ON creditrisk.%I TO creditrisk_admin', t);
        EXECUTE format('GRANT SELECT ON creditrisk.%I TO creditrisk_analyst, creditrisk_auditor', t);
    END LOOP;
    GRANT UPDATE (check_end, outcome, refused, spot_check_id, publication_deadline, publication_deadline_provisional)
        ON creditrisk.spot_check_draw TO creditrisk_admin;
    FOREACH t IN ARRAY spot_views LOOP
        EXECUTE format('GRANT SELECT ON creditrisk.%I TO creditrisk_admin, creditrisk_analyst, creditrisk_auditor', t);
    END LOOP;
    -- the working-day calendar (reference data, no enterprise in it): the
    -- publication deadline of an outcome is computed from it as the caller
    -- (and the 双公示 deadlines, extension/disclosure.sql; loaders too)
    GRANT SELECT ON creditrisk.calendar_day TO creditrisk_admin, creditrisk_analyst, creditrisk_auditor, creditrisk_loader;

    -- audit (doc/AUDIT.md): the change log and the seals are the auditor's to
    -- read, nobody's to write; the seals' blocks (every USCC of every run) are
    -- read only through verify_history()
    GRANT SELECT ON creditrisk.change_log, creditrisk.classification_seal TO creditrisk_auditor;

    -- 4. Policies (TO PUBLIC: the grants decide who may do what, the policies
    -- which rows).  A range on division_code, whose bounds are computed once
    -- per query, served by the index on division_code.
    FOREACH t IN ARRAY result_tables LOOP
        EXECUTE format('DROP POLICY IF EXISTS jurisdiction ON creditrisk.%I', t);
        EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.%I USING (%s) WITH CHECK (%s)', t, in_scope, in_scope);
    END LOOP;
    FOREACH t IN ARRAY register_tables || ARRAY['enterprise_history'] LOOP
        EXECUTE format('DROP POLICY IF EXISTS jurisdiction ON creditrisk.%I', t);
        EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.%I USING (%s) WITH CHECK (%s)', t, register_scope, register_scope);
    END LOOP;
    -- records: of enterprises the caller sees on the register (the
    -- register's policy applies inside).  A correlated EXISTS on the USCC, for
    -- which the planner makes two plans and keeps, per query, the cheaper
    -- for the rows it expects (setrefs.c, AlternativeSubPlan): over a whole
    -- table, one hash of the caller's enterprises; over one enterprise's
    -- records (explain_enterprise(), a query on uscc = ...), one probe of the
    -- register's primary key per record, so that it reads that enterprise's
    -- rows only (issue 15; until 1.6 uscc IN (SELECT ...), always hashed).
    FOREACH t IN ARRAY record_tables || record_history LOOP
        EXECUTE format('DROP POLICY IF EXISTS jurisdiction ON creditrisk.%I', t);
        EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.%1$I '
                       'USING (EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc OPERATOR(creditrisk.=) %1$I.uscc)) '
                       'WITH CHECK (EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc OPERATOR(creditrisk.=) %1$I.uscc))', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['related_party_link', 'related_party_link_history'] LOOP
        EXECUTE format('DROP POLICY IF EXISTS jurisdiction ON creditrisk.%I', t);
        EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.%1$I '
                       'USING (EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc OPERATOR(creditrisk.=) %1$I.from_uscc) '
                       'OR EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc OPERATOR(creditrisk.=) %1$I.to_uscc)) '
                       'WITH CHECK (EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc OPERATOR(creditrisk.=) %1$I.from_uscc) '
                       'AND EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc OPERATOR(creditrisk.=) %1$I.to_uscc))', t);
    END LOOP;
    -- a loader sees, corrects and withdraws only its own unit's records (its
    -- new rows are checked by reporting_unit_check(), with a clear error)
    FOREACH t IN ARRAY record_tables || ARRAY['related_party_link'] LOOP
        EXECUTE format('DROP POLICY IF EXISTS own_unit_read ON creditrisk.%I', t);
        EXECUTE format('DROP POLICY IF EXISTS own_unit_update ON creditrisk.%I', t);
        EXECUTE format('DROP POLICY IF EXISTS own_unit_delete ON creditrisk.%I', t);
        EXECUTE format('CREATE POLICY own_unit_read ON creditrisk.%I AS RESTRICTIVE FOR SELECT TO creditrisk_loader USING (%s)', t, own_unit);
        EXECUTE format('CREATE POLICY own_unit_update ON creditrisk.%I AS RESTRICTIVE FOR UPDATE TO creditrisk_loader USING (%s) WITH CHECK (true)', t, own_unit);
        EXECUTE format('CREATE POLICY own_unit_delete ON creditrisk.%I AS RESTRICTIVE FOR DELETE TO creditrisk_loader USING (%s)', t, own_unit);
    END LOOP;
    -- reporting units: everyone reads the register; each writes its own area
    DROP POLICY IF EXISTS read ON creditrisk.reporting_unit;
    DROP POLICY IF EXISTS jurisdiction ON creditrisk.reporting_unit;
    CREATE POLICY read ON creditrisk.reporting_unit FOR SELECT USING (true);
    EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.reporting_unit USING (%s) WITH CHECK (%s)', in_scope, in_scope);
    -- the partner views (owned by creditrisk_sharing): the history's rows
    -- while the reader has an unexpired sharing agreement; the views keep
    -- the divisions and fields it grants.  One InitPlan per query: the
    -- analysts' reads (views owned by creditrisk_owner) never see it.
    DROP POLICY IF EXISTS sharing_agreement ON creditrisk.classification_result;
    CREATE POLICY sharing_agreement ON creditrisk.classification_result FOR SELECT TO creditrisk_sharing
        USING (EXISTS (SELECT 1 FROM creditrisk.sharing_agreement s
                        WHERE s.partner = current_user AND s.valid_until >= current_date));
    -- runs: readable by all who may read the table; written (the monthly run)
    -- only by a role whose jurisdiction is a whole province or more
    DROP POLICY IF EXISTS read ON creditrisk.classification_run;
    DROP POLICY IF EXISTS province_wide ON creditrisk.classification_run;
    CREATE POLICY read ON creditrisk.classification_run FOR SELECT USING (true);
    CREATE POLICY province_wide ON creditrisk.classification_run
        USING ((SELECT creditrisk.scope_from()) ~ '0000$' AND (SELECT creditrisk.scope_to()) ~ '0000$')
        WITH CHECK ((SELECT creditrisk.scope_from()) ~ '0000$' AND (SELECT creditrisk.scope_to()) ~ '0000$');
    -- measures: everyone reads every level (an enterprise's measures combine
    -- the province's, the city's and the county's); each writes its own area
    DROP POLICY IF EXISTS read ON creditrisk.supervision_measure;
    DROP POLICY IF EXISTS jurisdiction ON creditrisk.supervision_measure;
    CREATE POLICY read ON creditrisk.supervision_measure FOR SELECT USING (true);
    EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.supervision_measure USING (%s) WITH CHECK (%s)', in_scope, in_scope);
    -- spot checks.  The library and the declared conflicts: by the
    -- inspector's division.  A task and its ratios: written by its organising
    -- bureau (its division in scope; the task's scope lies within it, by
    -- trigger), read also by the bureaus whose jurisdiction its scope covers
    -- in part (a province task concerns every county).  The draw tables: read
    -- in scope (the enterprise's division; the pool by the inspector's);
    -- inserted in scope only into a planned task the inserter organises, so
    -- nothing is added to a drawn task but by a superuser (a restore); the
    -- draw's outcome columns updated in scope; nothing deleted.
    FOREACH t IN ARRAY ARRAY['inspector', 'inspector_conflict'] LOOP
        EXECUTE format('DROP POLICY IF EXISTS jurisdiction ON creditrisk.%I', t);
        EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.%I USING (%s) WITH CHECK (%s)', t, in_scope, in_scope);
    END LOOP;
    DROP POLICY IF EXISTS jurisdiction ON creditrisk.spot_check_task;
    DROP POLICY IF EXISTS covered ON creditrisk.spot_check_task;
    EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.spot_check_task USING (%s) WITH CHECK (%s)', in_scope, in_scope);
    CREATE POLICY covered ON creditrisk.spot_check_task FOR SELECT
        USING (EXISTS (SELECT 1 FROM unnest(scope_divisions) s
                        WHERE s::text < (SELECT creditrisk.scope_to())
                          AND creditrisk.division_upper(s) > (SELECT creditrisk.scope_from())));
    DROP POLICY IF EXISTS jurisdiction ON creditrisk.spot_check_task_class;
    DROP POLICY IF EXISTS covered ON creditrisk.spot_check_task_class;
    EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.spot_check_task_class USING (%s) WITH CHECK (%s)', in_scope, in_scope);
    CREATE POLICY covered ON creditrisk.spot_check_task_class FOR SELECT
        USING (task_id IN (SELECT x.id FROM creditrisk.spot_check_task x));
    FOREACH t IN ARRAY spot_draw_tables LOOP
        EXECUTE format('DROP POLICY IF EXISTS read ON creditrisk.%I', t);
        EXECUTE format('DROP POLICY IF EXISTS draw ON creditrisk.%I', t);
        EXECUTE format('DROP POLICY IF EXISTS outcome ON creditrisk.%I', t);
        EXECUTE format('CREATE POLICY read ON creditrisk.%I FOR SELECT USING (%s)', t, in_scope);
        EXECUTE format('CREATE POLICY draw ON creditrisk.%I FOR INSERT WITH CHECK (%s AND task_id IN '
                       '(SELECT x.id FROM creditrisk.spot_check_task x WHERE x.status = ''planned'' '
                       'AND x.division_code >= (SELECT creditrisk.scope_from()) AND x.division_code < (SELECT creditrisk.scope_to())))',
                       t, in_scope);
    END LOOP;
    EXECUTE format('CREATE POLICY outcome ON creditrisk.spot_check_draw FOR UPDATE USING (%s) WITH CHECK (%s)', in_scope, in_scope);
    -- jurisdictions and agreements: one's own; the auditor all
    DROP POLICY IF EXISTS own ON creditrisk.jurisdiction;
    DROP POLICY IF EXISTS auditor ON creditrisk.jurisdiction;
    CREATE POLICY own ON creditrisk.jurisdiction FOR SELECT USING (role_name = current_user);
    CREATE POLICY auditor ON creditrisk.jurisdiction FOR SELECT TO creditrisk_auditor USING (true);
    DROP POLICY IF EXISTS own ON creditrisk.sharing_agreement;
    DROP POLICY IF EXISTS auditor ON creditrisk.sharing_agreement;
    CREATE POLICY own ON creditrisk.sharing_agreement FOR SELECT USING (partner = current_user);
    CREATE POLICY auditor ON creditrisk.sharing_agreement FOR SELECT TO creditrisk_auditor USING (true);
END
$fn$;
COMMENT ON FUNCTION creditrisk.create_roles() IS
    'Creates (if absent) the group roles creditrisk_owner, _sharing, _admin, _analyst, _partner, _auditor, _loader, gives each exactly the grants its job needs, makes creditrisk_owner own the data and views (creditrisk_sharing the two partner views), and (re)creates the row-level security policies; idempotent, for a superuser; run again after ALTER EXTENSION UPDATE and after a restore';

-- ---------------------------------------------------------------------------
-- Enrolment
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.enrol(login regrole, kind text, division text) RETURNS creditrisk.jurisdiction
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
#variable_conflict use_variable
DECLARE
    role_rec record;
    previous text;
    result creditrisk.jurisdiction;
BEGIN
    IF login IS NULL OR kind IS NULL OR division IS NULL THEN
        RAISE EXCEPTION 'enrol() needs a role, a kind and a division'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'For example SELECT creditrisk.enrol(''xihua_analyst'', ''analyst'', ''411622'');';
    END IF;
    IF kind NOT IN ('admin', 'analyst', 'partner', 'auditor', 'loader') THEN
        RAISE EXCEPTION 'unknown kind of creditrisk role "%"', kind
            USING ERRCODE = 'invalid_parameter_value', DETAIL = 'The kinds are admin, analyst, partner, auditor and loader.';
    END IF;
    IF division !~ '^(1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[12])[0-9]{4}$' THEN
        RAISE EXCEPTION 'invalid division code "%"', division
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A division code (行政区划代码) has 6 digits starting with a province code.',
                  HINT = '410000 is province-wide, 411600 a city, 411622 a county.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'creditrisk_' || kind) THEN
        RAISE EXCEPTION 'role creditrisk_% does not exist', kind
            USING ERRCODE = 'undefined_object', HINT = 'Run SELECT creditrisk.create_roles(); first.';
    END IF;
    SELECT * INTO role_rec FROM pg_catalog.pg_roles r WHERE r.oid = login;
    IF role_rec.rolsuper OR role_rec.rolbypassrls OR role_rec.rolname LIKE 'creditrisk\_%' THEN
        RAISE EXCEPTION 'role "%" cannot be enrolled', role_rec.rolname
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Superusers and roles with BYPASSRLS see everything anyway; the creditrisk_ roles are groups.',
                  HINT = 'Enrol a login role of a person or an application.';
    END IF;
    SELECT j.kind INTO previous FROM creditrisk.jurisdiction j WHERE j.role_name = role_rec.rolname;
    IF previous IS NOT NULL AND previous <> kind THEN
        EXECUTE format('REVOKE %I FROM %I', 'creditrisk_' || previous, role_rec.rolname);
    END IF;
    EXECUTE format('GRANT %I TO %I', 'creditrisk_' || kind, role_rec.rolname);
    -- The types' operators live in schema creditrisk; with the default path
    -- ("$user", public) WHERE final_class = 'D' finds no operator.
    EXECUTE format('ALTER ROLE %I IN DATABASE %I SET search_path = "$user", creditrisk, public',
                   role_rec.rolname, current_database());
    INSERT INTO creditrisk.jurisdiction AS j (role_name, kind, division_code)
    VALUES (role_rec.rolname, kind, division)
    ON CONFLICT (role_name) DO UPDATE
       SET kind = EXCLUDED.kind, division_code = EXCLUDED.division_code,
           enrolled_by = EXCLUDED.enrolled_by, enrolled_at = EXCLUDED.enrolled_at
    RETURNING * INTO result;
    RETURN result;
END
$fn$;
COMMENT ON FUNCTION creditrisk.enrol(regrole, text, text) IS
    'Makes a role a creditrisk admin, analyst, partner, auditor or loader (报送人员: reports as the reporting units whose reporter_role it is a member of) of a division (410000 province-wide, 411600 a city, 411622 a county) and sets its search_path in this database so that the types'' operators resolve; re-enrolling changes kind and division; for a superuser (or a role with CREATEROLE and the rights on jurisdiction)';

CREATE FUNCTION creditrisk.unenrol(login regrole) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
#variable_conflict use_variable
DECLARE
    previous text;
    rname name := (SELECT r.rolname FROM pg_catalog.pg_roles r WHERE r.oid = login);
BEGIN
    DELETE FROM creditrisk.jurisdiction j WHERE j.role_name = rname
    RETURNING j.kind INTO previous;
    IF previous IS NOT NULL THEN
        EXECUTE format('REVOKE %I FROM %I', 'creditrisk_' || previous, rname);
        EXECUTE format('ALTER ROLE %I IN DATABASE %I RESET search_path', rname, current_database());
    END IF;
END
$fn$;
COMMENT ON FUNCTION creditrisk.unenrol(regrole) IS
    'Removes a role''s jurisdiction and creditrisk group membership (its sharing agreements stay, for the record, and expire)';

CREATE FUNCTION creditrisk.share(partner regrole, divisions text[], fields text[] DEFAULT '{final_class,class_date}',
                                 valid_until date DEFAULT NULL, aggregates_only boolean DEFAULT false)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
#variable_conflict use_variable
DECLARE
    pname name := (SELECT r.rolname FROM pg_catalog.pg_roles r WHERE r.oid = partner);
    bad text;
    id bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM creditrisk.jurisdiction j WHERE j.role_name = pname AND j.kind = 'partner') THEN
        RAISE EXCEPTION 'role "%" is not enrolled as a partner', pname
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('SELECT creditrisk.enrol(%L, ''partner'', ''410000''); first.', pname);
    END IF;
    IF valid_until IS NULL OR valid_until < current_date THEN
        RAISE EXCEPTION 'a sharing agreement needs an end date on or after today'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('valid_until is %s.', coalesce(valid_until::text, 'NULL')),
                  HINT = 'Agreements are limited in time; renew one with a new agreement.';
    END IF;
    SELECT string_agg(f, ', ') INTO bad
      FROM unnest(coalesce(fields, '{}')) f
     WHERE f IS NULL OR f NOT IN ('final_class', 'class_date', 'score', 'score_class', 'overrides', 'reasons');
    IF bad IS NOT NULL OR fields IS NULL THEN
        RAISE EXCEPTION 'unknown field in a sharing agreement: %', coalesce(bad, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The fields are final_class, class_date, score, score_class, overrides and reasons.';
    END IF;
    SELECT string_agg(coalesce(d, 'NULL'), ', ') INTO bad
      FROM unnest(divisions) d
     WHERE d IS NULL OR d !~ '^(1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[12])[0-9]{4}$';
    IF bad IS NOT NULL OR coalesce(cardinality(divisions), 0) = 0 THEN
        RAISE EXCEPTION 'invalid division code in a sharing agreement: %', coalesce(bad, 'none given')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = '410000 is province-wide, 411600 a city, 411622 a county.';
    END IF;
    INSERT INTO creditrisk.sharing_agreement (partner, divisions, fields, aggregates_only, valid_until)
    SELECT pname, divisions, ARRAY(SELECT DISTINCT f FROM unnest(fields || '{final_class,class_date}'::text[]) f ORDER BY f),
           aggregates_only, valid_until
    RETURNING sharing_agreement.id INTO id;
    RETURN id;
END
$fn$;
COMMENT ON FUNCTION creditrisk.share(regrole, text[], text[], date, boolean) IS
    'Records a sharing agreement (共享协议) with a partner department enrolled as partner: the divisions (and below) it covers, the fields shared (always final_class and class_date; optionally score, score_class, overrides, reasons), the last day it is valid, and whether only class counts are shared; returns its id';

-- ---------------------------------------------------------------------------
-- No view outside creditrisk may widen access to enterprise data: a view over
-- it must be security_invoker (its reader's rights and policies apply), and
-- a materialized view over it is refused (it has no row-level security).
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.guard_views() RETURNS event_trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    obj record;
    over text;
BEGIN
    FOR obj IN SELECT c.oid, c.relkind, c.oid::regclass::text AS name,
                      coalesce((SELECT o.option_value::boolean FROM pg_catalog.pg_options_to_table(c.reloptions) o
                                 WHERE o.option_name = 'security_invoker'), false) AS invoker
                 FROM pg_catalog.pg_event_trigger_ddl_commands() x
                 JOIN pg_catalog.pg_class c ON c.oid = x.objid AND x.classid = 'pg_catalog.pg_class'::regclass
                WHERE c.relkind IN ('v', 'm') AND c.relnamespace <> 'creditrisk'::regnamespace
    LOOP
        -- the creditrisk relations holding enterprise data (row-level security,
        -- materialized views, scoped views) the view reads, directly or through
        -- other views outside creditrisk (inline: the trigger runs for roles
        -- with no right on schema creditrisk too)
        WITH RECURSIVE reads(rel) AS (
            SELECT d.refobjid FROM pg_catalog.pg_rewrite w
              JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = w.oid
                                         AND d.refclassid = 'pg_catalog.pg_class'::regclass
             WHERE w.ev_class = obj.oid AND d.refobjid <> obj.oid
            UNION
            SELECT d.refobjid FROM reads
              JOIN pg_catalog.pg_class c ON c.oid = reads.rel AND c.relkind = 'v'
                                        AND c.relnamespace <> 'creditrisk'::regnamespace
              JOIN pg_catalog.pg_rewrite w ON w.ev_class = c.oid
              JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = w.oid
                                         AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid <> c.oid
        )
        SELECT string_agg(DISTINCT c.oid::regclass::text, ', ') INTO over
          FROM reads JOIN pg_catalog.pg_class c ON c.oid = reads.rel
         WHERE c.relnamespace = 'creditrisk'::regnamespace
           AND (c.relrowsecurity OR c.relkind IN ('m', 'v'));
        CONTINUE WHEN over IS NULL;
        IF obj.relkind = 'm' THEN
            RAISE EXCEPTION 'materialized view % would copy creditrisk enterprise data out of reach of its policies', obj.name
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = format('It reads %s.', over),
                      HINT = 'Query the data directly, or use a view WITH (security_invoker = true).';
        ELSIF NOT obj.invoker THEN
            RAISE EXCEPTION 'view % over creditrisk enterprise data must be security_invoker', obj.name
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = format('It reads %s; with its owner''s rights it could show its readers rows outside their jurisdiction.', over),
                      HINT = 'CREATE VIEW ... WITH (security_invoker = true) AS ...';
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION creditrisk.guard_views() IS
    'Event trigger: refuses a view outside schema creditrisk over enterprise data unless it is security_invoker, and any materialized view over it';
CREATE EVENT TRIGGER creditrisk_guard_views ON ddl_command_end
    WHEN TAG IN ('CREATE VIEW', 'ALTER VIEW', 'ALTER TABLE', 'CREATE MATERIALIZED VIEW')
    EXECUTE FUNCTION creditrisk.guard_views();

-- ---------------------------------------------------------------------------
SELECT pg_catalog.pg_extension_config_dump('creditrisk.jurisdiction', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.sharing_agreement', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.sharing_agreement_id_seq', '');

REVOKE ALL ON TABLE creditrisk.jurisdiction, creditrisk.sharing_agreement,
                    creditrisk.shared_classification, creditrisk.shared_distribution FROM PUBLIC;
REVOKE ALL ON SEQUENCE creditrisk.sharing_agreement_id_seq FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.shared_ranges(boolean),
                       creditrisk.create_roles(), creditrisk.enrol(regrole, text, text), creditrisk.unenrol(regrole),
                       creditrisk.share(regrole, text[], text[], date, boolean),
                       creditrisk.guard_views()
    FROM PUBLIC;
