-- creditrisk 1.4 -> 1.5 (hand-written; frozen once released)
--
-- One section per concern, each under its own marker.  Each section turns a
-- 1.4 catalog into 1.5 for its concern; the install sources (extension/*.sql)
-- hold the current definitions, and sql/upgrade.sql proves that the chain
-- 1.0 -> ... -> 1.5 gives the same catalog as a fresh install.

\echo Use "ALTER EXTENSION creditrisk UPDATE TO '1.5'" to load this file. \quit

-- ===========================================================================
-- Integrity leftovers (issue 11)
-- ===========================================================================

-- References between the extension's tables become triggers (pg_restore -j
-- loaded records before the register and failed their foreign keys; see
-- extension/references.sql).

CREATE FUNCTION creditrisk.reference_check() RETURNS trigger
    AS 'MODULE_PATHNAME', 'reference_check' LANGUAGE C;
COMMENT ON FUNCTION creditrisk.reference_check() IS
    'Trigger on a referring table (AFTER INSERT OR UPDATE, each row): the row it refers to must exist (23503, as a foreign key); a superuser''s restored row (its own recorded_at) written while the referenced table holds no data yet (a parallel restore) is checked by that table''s load';
CREATE FUNCTION creditrisk.reference_load() RETURNS trigger
    AS 'MODULE_PATHNAME', 'reference_load' LANGUAGE C;
COMMENT ON FUNCTION creditrisk.reference_load() IS
    'Trigger on a referenced table (AFTER INSERT OR TRUNCATE, each statement): its first load checks every referring row (as ALTER TABLE … ADD FOREIGN KEY does); TRUNCATE may not leave referring rows';
CREATE FUNCTION creditrisk.reference_guard() RETURNS trigger
    AS 'MODULE_PATHNAME', 'reference_guard' LANGUAGE C;
COMMENT ON FUNCTION creditrisk.reference_guard() IS
    'Trigger on a referenced table (AFTER UPDATE OR DELETE, each row): a key still referred to cannot change or go (NO ACTION), or its referring rows follow (CASCADE)';

-- Installer helper (used by the install and upgrade scripts only): the three
-- triggers of one reference.  name is the foreign key's name it stands for
-- (the trigger on the referring table; <name>_guard and <name>_load on the
-- referenced one); shipped names a boolean column of the referenced table
-- marking the rows CREATE EXTENSION installs, which pg_dump leaves out and
-- which therefore do not make the table "loaded".
CREATE FUNCTION creditrisk.add_reference(name text, referring regclass, columns text,
                                         referenced regclass, referenced_columns text,
                                         action text DEFAULT 'restrict', shipped text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    args text;
    f text;
    t text;
    cols text;
    refcols text;
BEGIN
    SELECT c.relname INTO f FROM pg_class c WHERE c.oid = referring;
    SELECT c.relname INTO t FROM pg_class c WHERE c.oid = referenced;
    SELECT string_agg(format('%I', btrim(c)), ', ') INTO cols FROM unnest(string_to_array(columns, ',')) c;
    SELECT string_agg(format('%I', btrim(c)), ', ') INTO refcols FROM unnest(string_to_array(referenced_columns, ',')) c;
    args := format('%L, %L, %L, %L, %L, %L', name, f, columns, t, referenced_columns, action)
            || CASE WHEN shipped IS NULL THEN '' ELSE format(', %L', shipped) END;
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OF %s ON creditrisk.%I FOR EACH ROW EXECUTE FUNCTION creditrisk.reference_check(%s)',
                   name, cols, f, args);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE OF %s OR DELETE ON creditrisk.%I FOR EACH ROW EXECUTE FUNCTION creditrisk.reference_guard(%s)',
                   name || '_guard', refcols, t, args);
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR TRUNCATE ON creditrisk.%I FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.reference_load(%s)',
                   name || '_load', t, args);
END
$$;
COMMENT ON FUNCTION creditrisk.add_reference(text, regclass, text, regclass, text, text, text) IS
    'Used by the install and upgrade scripts only: the triggers reference_check, reference_guard and reference_load that make referring(columns) refer to referenced(referenced_columns), restrict or cascade (shipped: the referenced rows installed with the extension, which do not count as its loaded data)';

REVOKE ALL ON FUNCTION creditrisk.reference_check(), creditrisk.reference_load(), creditrisk.reference_guard(),
                       creditrisk.add_reference(text, regclass, text, regclass, text, text, text) FROM PUBLIC;

DO $references$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['licence', 'penalty', 'spot_check', 'complaint', 'abnormal_listing',
                             'serious_dishonesty_listing', 'judgment_debtor_listing', 'annual_report',
                             'registration_change', 'equity_pledge_freeze', 'lawsuit', 'public_opinion',
                             'domain_risk_class', 'indicator_value']
    LOOP
        EXECUTE format('ALTER TABLE creditrisk.%I DROP CONSTRAINT %I', t, t || '_uscc_fkey');
        PERFORM creditrisk.add_reference(t || '_uscc_fkey', format('creditrisk.%I', t)::regclass, 'uscc',
                                         'creditrisk.enterprise', 'uscc');
    END LOOP;
    ALTER TABLE creditrisk.related_party_link DROP CONSTRAINT related_party_link_from_uscc_fkey,
                                              DROP CONSTRAINT related_party_link_to_uscc_fkey;
    PERFORM creditrisk.add_reference('related_party_link_from_uscc_fkey', 'creditrisk.related_party_link', 'from_uscc',
                                     'creditrisk.enterprise', 'uscc');
    PERFORM creditrisk.add_reference('related_party_link_to_uscc_fkey', 'creditrisk.related_party_link', 'to_uscc',
                                     'creditrisk.enterprise', 'uscc');
    ALTER TABLE creditrisk.indicator_value DROP CONSTRAINT indicator_value_code_fkey;
    PERFORM creditrisk.add_reference('indicator_value_code_fkey', 'creditrisk.indicator_value', 'code',
                                     'creditrisk.indicator', 'code', 'restrict', 'shipped');
    ALTER TABLE creditrisk.fusion_matrix DROP CONSTRAINT fusion_matrix_domain_effective_from_fkey;
    PERFORM creditrisk.add_reference('fusion_matrix_domain_effective_from_fkey', 'creditrisk.fusion_matrix', 'domain,effective_from',
                                     'creditrisk.fusion_rule', 'domain,effective_from', 'cascade');
END
$references$;


-- Configuration readers as known at a moment (issue 11 §4): measures in force,
-- the minimum ratio and loaded indicator values take a knowledge time.
CREATE FUNCTION creditrisk.measures_in_force(division_code creditrisk.division_code, as_of date, known_at timestamptz)
RETURNS TABLE (class creditrisk.riskclass, min_spot_check_ratio numeric, proactive_onsite_inspection boolean,
               key_licensing_review boolean, key_supervision_target boolean, other_measures text, sources text[])
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    WITH levels(ord, code) AS (
        VALUES (1, creditrisk.division_at(measures_in_force.division_code, 'province')),
               (2, creditrisk.division_at(measures_in_force.division_code, 'city')),
               (3, CASE WHEN creditrisk.division_level(measures_in_force.division_code) = 'county'
                        THEN measures_in_force.division_code END)
    ), v AS (
        SELECT DISTINCT ON (s.division_code, s.class) l.ord, s.*
          FROM creditrisk.supervision_measure_as_known(measures_in_force.known_at) s JOIN levels l ON l.code = s.division_code
         WHERE s.effective_from <= measures_in_force.as_of
         ORDER BY s.division_code, s.class, s.effective_from DESC
    )
    SELECT k.class, max(v.min_spot_check_ratio), bool_or(v.proactive_onsite_inspection),
           bool_or(v.key_licensing_review), bool_or(v.key_supervision_target),
           string_agg(nullif(v.other_measures, ''), '；' ORDER BY v.ord),
           array_agg(format('%s@%s', v.division_code, v.effective_from) ORDER BY v.ord) FILTER (WHERE v.ord IS NOT NULL)
      FROM unnest('{A,B,C,D}'::creditrisk.riskclass[]) k(class)
      LEFT JOIN v ON v.class = k.class
     WHERE measures_in_force.division_code IS NOT NULL AND measures_in_force.as_of IS NOT NULL
     GROUP BY k.class
     ORDER BY k.class
$$;
COMMENT ON FUNCTION creditrisk.measures_in_force(creditrisk.division_code, date, timestamptz) IS
    'Supervision measures in force (监管措施) for enterprises of a division on a date, per class, as known at known_at (NULL = now): the strictest of the provincial, city and county versions (highest ratio; a measure applies if any level sets it), with the versions used';

CREATE OR REPLACE FUNCTION creditrisk.measures_in_force(division_code creditrisk.division_code, as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (class creditrisk.riskclass, min_spot_check_ratio numeric, proactive_onsite_inspection boolean,
               key_licensing_review boolean, key_supervision_target boolean, other_measures text, sources text[])
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT * FROM creditrisk.measures_in_force(measures_in_force.division_code, measures_in_force.as_of, NULL::timestamptz)
$$;
COMMENT ON FUNCTION creditrisk.measures_in_force(creditrisk.division_code, date) IS
    'Supervision measures in force (监管措施) for enterprises of a division on a date (default today), per class, as known now: measures_in_force(division_code, as_of, NULL)';

CREATE FUNCTION creditrisk.min_spot_check_ratio(class creditrisk.riskclass, division_code creditrisk.division_code,
                                                as_of date, known_at timestamptz) RETURNS numeric
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp
    AS $$ SELECT f.min_spot_check_ratio FROM creditrisk.measures_in_force(division_code, as_of, known_at) f WHERE f.class = min_spot_check_ratio.class $$;
COMMENT ON FUNCTION creditrisk.min_spot_check_ratio(creditrisk.riskclass, creditrisk.division_code, date, timestamptz) IS
    'Minimum random spot-check ratio (双随机抽查比例) of a class for a division on a date, as known at known_at (NULL = now; a backdated measure entered later does not count)';

CREATE FUNCTION creditrisk.loaded_indicators(model text, as_of date, known_at timestamptz)
RETURNS TABLE (uscc creditrisk.uscc, indicators jsonb)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT v.uscc, jsonb_object_agg(v.code, v.value)
      FROM creditrisk.indicator_value_as_known(loaded_indicators.known_at) v
      JOIN creditrisk.model_indicator mi ON mi.code = v.code AND mi.model_key = loaded_indicators.model
     WHERE v.as_of = loaded_indicators.as_of
     GROUP BY v.uscc
$$;
COMMENT ON FUNCTION creditrisk.loaded_indicators(text, date, timestamptz) IS
    'Loaded indicator values (外部导入的指标值) of a model as of a date, as known at known_at (NULL = now), one JSON object per enterprise, ready for score(model, jsonb)';

REVOKE ALL ON FUNCTION creditrisk.measures_in_force(creditrisk.division_code, date, timestamptz),
                       creditrisk.min_spot_check_ratio(creditrisk.riskclass, creditrisk.division_code, date, timestamptz),
                       creditrisk.loaded_indicators(text, date, timestamptz) FROM PUBLIC;

-- ===========================================================================
-- Confidentiality leftovers (issue 12)
-- ===========================================================================

-- The jurisdiction's lookup is cached per backend (src/scope.c); any change
-- to the table resets every backend's cache.
CREATE FUNCTION creditrisk.scope_changed() RETURNS trigger
    AS 'MODULE_PATHNAME', 'scope_changed' LANGUAGE C;
COMMENT ON FUNCTION creditrisk.scope_changed() IS
    'Trigger on creditrisk.jurisdiction: every backend forgets the jurisdiction it cached for scope_from()/scope_to() (管辖范围缓存)';
CREATE TRIGGER jurisdiction_scope_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON creditrisk.jurisdiction
    FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.scope_changed();
REVOKE ALL ON FUNCTION creditrisk.scope_changed() FROM PUBLIC;

-- ===========================================================================
-- Spot checks (issue 13)
-- ===========================================================================

-- The draw at speed: the population in one pass with the exclusions as
-- hashed subplans, the snapshot's arrays stored uncompressed, the sample in
-- one C pass over the snapshot (spot_sample_task), no per-row lookups.
ALTER TABLE creditrisk.spot_check_population ALTER COLUMN usccs SET STORAGE EXTERNAL;

CREATE FUNCTION creditrisk.spot_sample_task(seed text, task bigint)
RETURNS TABLE (uscc creditrisk.uscc, division_code text, class creditrisk.riskclass, rank integer)
    AS 'MODULE_PATHNAME', 'spot_sample_task' LANGUAGE C STABLE PARALLEL RESTRICTED COST 10000 ROWS 1000;
COMMENT ON FUNCTION creditrisk.spot_sample_task(text, bigint) IS
    'The sample of a task (抽取样本): per class the quota enterprises of the stored population snapshot with the smallest spot_key(seed, uscc), in key order, with their division and rank; the same as spot_sample() per class over the unnested snapshot, in one pass (one bounded heap per class)';
REVOKE ALL ON FUNCTION creditrisk.spot_sample_task(text, bigint) FROM PUBLIC;


-- Confidentiality of the spot checks: row-level security on every table,
-- the draw and its verification within the caller's jurisdiction, grants and
-- policies in create_roles() (run it again after the update).
DO $rls$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['inspector', 'inspector_conflict', 'spot_check_task', 'spot_check_task_class',
                             'spot_check_population', 'spot_check_draw', 'spot_check_task_inspector',
                             'spot_check_task_conflict', 'spot_check_assignment']
    LOOP
        EXECUTE format('ALTER TABLE creditrisk.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE creditrisk.%I FORCE ROW LEVEL SECURITY', t);
    END LOOP;
END
$rls$;


CREATE OR REPLACE FUNCTION creditrisk.draw_spot_check(task bigint, seed text)
RETURNS SETOF creditrisk.spot_check_task_class
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    t creditrisk.spot_check_task;
    cls date;
    cls_version integer;
    planner text[];
    patterns text[];
    below record;
    unassignable bigint;
    example text;
    outside text;
BEGIN
    IF task IS NULL OR seed IS NULL THEN
        RAISE EXCEPTION 'task and seed are required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- a task the caller cannot see does not exist for it; one it sees (a
    -- wider task covering its jurisdiction) but does not organise is refused
    SELECT * INTO t FROM creditrisk.spot_check_task x WHERE x.id = task;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'spot-check task % does not exist', task USING ERRCODE = 'undefined_object';
    END IF;
    SELECT string_agg(d, ', ' ORDER BY d) INTO outside
      FROM unnest(t.division_code || t.scope_divisions::text[]) d
     WHERE NOT coalesce(d >= creditrisk.scope_from() AND d < creditrisk.scope_to(), false);
    IF outside IS NOT NULL THEN
        RAISE EXCEPTION 'spot-check task % lies outside your jurisdiction', task
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = format('It is organised by %s with scope %s; outside the jurisdiction of role %s: %s.',
                                  t.division_code, array_to_string(t.scope_divisions, ', '), current_user, outside),
                  HINT = 'A bureau draws the tasks it organises for its own jurisdiction (creditrisk.enrol); the province or city draws wider tasks.';
    END IF;
    SELECT * INTO t FROM creditrisk.spot_check_task x WHERE x.id = task FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'spot-check task % does not exist', task USING ERRCODE = 'undefined_object';
    END IF;
    IF t.status <> 'planned' THEN
        RAISE EXCEPTION 'spot-check task % has already been drawn', task
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('It was drawn from the classification of %s.', t.classification_as_of),
                  HINT = 'A task is drawn once; creditrisk.verify_draw(task) re-derives its draw.';
    END IF;
    IF EXISTS (SELECT 1 FROM creditrisk.spot_check_population x WHERE x.task_id = task)
       OR EXISTS (SELECT 1 FROM creditrisk.spot_check_draw x WHERE x.task_id = task)
       OR EXISTS (SELECT 1 FROM creditrisk.spot_check_task_inspector x WHERE x.task_id = task)
       OR EXISTS (SELECT 1 FROM creditrisk.spot_check_task_conflict x WHERE x.task_id = task)
       OR EXISTS (SELECT 1 FROM creditrisk.spot_check_assignment x WHERE x.task_id = task) THEN
        RAISE EXCEPTION 'spot-check task % already has rows in its draw tables', task
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Population, sample, pool, conflicts and assignment are written by draw_spot_check() only.',
                  HINT = 'Plan a new task; delete the rows written by hand as a superuser.';
    END IF;
    IF creditrisk.seed_commitment(seed) <> t.seed_commitment THEN
        RAISE EXCEPTION 'the seed does not match the commitment of task %', task
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('SHA-256 of the seed is %s; the task committed to %s.',
                                  encode(creditrisk.seed_commitment(seed), 'hex'), encode(t.seed_commitment, 'hex')),
                  HINT = 'Reveal exactly the seed committed to (its UTF-8 bytes, no added spaces or newline).';
    END IF;
    SELECT c.as_of, c.version INTO cls, cls_version FROM creditrisk.current_classification() c;
    IF cls IS NULL THEN
        RAISE EXCEPTION 'there is no classification to draw from'
            USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'Run creditrisk.refresh_classification() first.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM creditrisk.classification_current) AND
       EXISTS (SELECT 1 FROM creditrisk.classification_result r WHERE r.as_of = cls AND r.version = cls_version) THEN
        RAISE EXCEPTION 'the current classification is not populated'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'After a restore: SELECT creditrisk.refresh_current_views();';
    END IF;
    -- the ratios against the measures in force (the trigger refuses a ratio
    -- below the minimum), and missing classes at the minimum
    SELECT q.class, q.ratio, m.min_spot_check_ratio AS min_ratio, m.sources INTO below
      FROM creditrisk.spot_check_task_class q
      JOIN creditrisk.measures_in_force(t.division_code, t.period_start) m ON m.class = q.class
     WHERE q.task_id = t.id AND q.ratio < m.min_spot_check_ratio
     ORDER BY q.class LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ratio % for class % is below the minimum % in force', below.ratio, below.class, below.min_ratio
            USING ERRCODE = 'check_violation',
                  DETAIL = format('The measures in force for %s on %s (%s) require at least %s of class %s.',
                                  t.division_code, t.period_start, array_to_string(below.sources, ', '),
                                  below.min_ratio, below.class),
                  HINT = 'Raise the ratio in creditrisk.spot_check_task_class before the draw (art. 12-15).';
    END IF;
    WITH m AS (SELECT * FROM creditrisk.measures_in_force(t.division_code, t.period_start)),
    refreshed AS (
        UPDATE creditrisk.spot_check_task_class q SET min_ratio = m.min_spot_check_ratio, min_sources = m.sources
          FROM m
         WHERE q.task_id = t.id AND m.class = q.class
           AND (q.min_ratio, q.min_sources) IS DISTINCT FROM (m.min_spot_check_ratio, m.sources)
        RETURNING 1)
    INSERT INTO creditrisk.spot_check_task_class (task_id, class, division_code, ratio, min_ratio, min_sources)
    SELECT t.id, m.class, t.division_code, m.min_spot_check_ratio, m.min_spot_check_ratio, m.sources
      FROM m
     WHERE m.min_spot_check_ratio IS NOT NULL
    ON CONFLICT DO NOTHING;
    IF (SELECT count(*) FROM creditrisk.spot_check_task_class q WHERE q.task_id = t.id) < 4 THEN
        RAISE EXCEPTION 'task % has no ratio for every class', task
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Insert the missing classes into creditrisk.spot_check_task_class.';
    END IF;

    -- 1. the population snapshot, and the counts per class, in one pass over
    -- the classification.  The exclusions are hashed subplans (each set is
    -- read once through its index and probed per row), whatever the planner
    -- guesses of the scoped view (its range on division_code is a pair of
    -- InitPlans, so it always guesses 0.5 % of the rows); hash aggregation.
    -- work_mem is raised to at least 64MB for this statement: a subplan is
    -- hashed only if its set fits (a million enterprises: ~100,000 recently
    -- inspected), and an unhashed one would rescan the set for every row.
    SELECT array_agg(creditrisk.jurisdiction_prefix(s) || '%') INTO patterns FROM unnest(t.scope_divisions) s;
    planner := ARRAY[current_setting('enable_sort'), current_setting('work_mem')];
    PERFORM set_config('enable_sort', 'off', true),
            set_config('work_mem', greatest(pg_size_bytes(current_setting('work_mem')), pg_size_bytes('64MB'))::text || 'B', true);
    WITH agg AS MATERIALIZED (
        SELECT c.division_code, c.class,
               array_agg(c.uscc) FILTER (WHERE c.excluded IS NULL) AS usccs,
               count(*) FILTER (WHERE c.excluded = 'closed') AS closed,
               count(*) FILTER (WHERE c.excluded = 'inspected') AS inspected
          FROM (SELECT x.uscc, x.division_code, x.class,
                       CASE WHEN x.uscc IN (SELECT e.uscc FROM creditrisk.enterprise e WHERE e.status <> 'in_business')
                            THEN 'closed'
                            WHEN x.uscc IN (SELECT s.uscc FROM creditrisk.spot_check s
                                             WHERE s.check_date > t.period_start - t.exclude_inspected_within)
                            THEN 'inspected' END AS excluded
                  FROM (SELECT y.uscc, y.division_code, y.final_class AS class
                          FROM creditrisk.classification_current y WHERE t.domain IS NULL
                        UNION ALL
                        SELECT y.uscc, y.division_code, y.fused_class
                          FROM creditrisk.classification_domain_current y WHERE y.domain = t.domain) x
                 WHERE x.division_code::text LIKE ANY (patterns)
                   AND (cardinality(t.industries) = 0
                        OR x.uscc IN (SELECT e.uscc FROM creditrisk.enterprise e, unnest(t.industries) i
                                       WHERE starts_with(e.industry_code, i)))
                OFFSET 0) c      -- (not pulled up: each row's exclusion is looked up once)
         GROUP BY c.division_code, c.class
    ), pop AS (
        INSERT INTO creditrisk.spot_check_population (task_id, division_code, class, enterprises, usccs)
        SELECT t.id, a.division_code, a.class, cardinality(a.usccs), a.usccs
          FROM agg a WHERE a.usccs IS NOT NULL
        RETURNING 1
    ), counts AS (
        SELECT a.class, sum(cardinality(a.usccs)) AS population, sum(a.closed) AS closed, sum(a.inspected) AS inspected
          FROM agg a GROUP BY a.class
    )
    UPDATE creditrisk.spot_check_task_class q
       SET population = coalesce(n.population, 0), excluded_closed = coalesce(n.closed, 0),
           excluded_inspected = coalesce(n.inspected, 0), quota = ceil(q.ratio * coalesce(n.population, 0))
      FROM (SELECT k.class, c.population, c.closed, c.inspected
              FROM unnest('{A,B,C,D}'::creditrisk.riskclass[]) k(class) LEFT JOIN counts c ON c.class = k.class) n
     WHERE q.task_id = t.id AND q.class = n.class;
    PERFORM set_config('enable_sort', planner[1], true), set_config('work_mem', planner[2], true);

    -- 2. the sample: per class the quota enterprises with the smallest keys,
    -- in one C pass over the snapshot just stored (spot_sample_task), with
    -- the division each was drawn in
    INSERT INTO creditrisk.spot_check_draw (task_id, uscc, division_code, class, rank)
    SELECT t.id, s.uscc, s.division_code, s.class, s.rank FROM creditrisk.spot_sample_task(seed, t.id) s;
    UPDATE creditrisk.spot_check_task_class q
       SET drawn = (SELECT count(*) FROM creditrisk.spot_check_draw d WHERE d.task_id = t.id AND d.class = q.class)
     WHERE q.task_id = t.id;

    -- 3. the pool of inspectors and the conflicts that apply
    INSERT INTO creditrisk.spot_check_task_inspector (task_id, inspector_id, certificate_no, division_code)
    SELECT t.id, i.id, i.certificate_no, i.division_code
      FROM creditrisk.inspector i
     WHERE starts_with(i.division_code, creditrisk.jurisdiction_prefix(t.division_code))
       AND i.active_from <= t.period_start AND (i.active_to IS NULL OR i.active_to >= t.period_end)
       AND coalesce(t.domain, 'general') = ANY (i.competence);
    INSERT INTO creditrisk.spot_check_task_conflict (task_id, uscc, inspector_id, declared_uscc, division_code)
    SELECT DISTINCT ON (d.uscc, x.inspector_id) t.id, d.uscc, x.inspector_id, x.declared, d.division_code
      FROM creditrisk.spot_check_draw d
      JOIN (SELECT c.inspector_id, c.uscc AS declared, c.uscc AS target
              FROM creditrisk.inspector_conflict c
             WHERE c.declared_on <= t.period_end AND (c.ended_on IS NULL OR c.ended_on >= t.period_start)
            UNION ALL
            SELECT c.inspector_id, c.uscc, l.other
              FROM creditrisk.inspector_conflict c
              JOIN (SELECT k.from_uscc AS declared, k.to_uscc AS other, k.valid_from, k.valid_to FROM creditrisk.related_party_link k
                    UNION ALL
                    SELECT k.to_uscc, k.from_uscc, k.valid_from, k.valid_to FROM creditrisk.related_party_link k) l
                ON l.declared = c.uscc
             WHERE c.include_related AND c.declared_on <= t.period_end AND (c.ended_on IS NULL OR c.ended_on >= t.period_start)
               AND (l.valid_from IS NULL OR l.valid_from <= t.period_start)
               AND (l.valid_to IS NULL OR l.valid_to >= t.period_start)) x ON x.target = d.uscc
      JOIN creditrisk.spot_check_task_inspector p ON p.task_id = t.id AND p.inspector_id = x.inspector_id
     WHERE d.task_id = t.id
     ORDER BY d.uscc, x.inspector_id, x.declared = d.uscc DESC, x.declared;

    -- 4. the inspectors of each drawn enterprise
    INSERT INTO creditrisk.spot_check_assignment (task_id, uscc, inspector_id, seq, division_code)
    SELECT t.id, a.uscc, p.inspector_id, a.seq, d.division_code
      FROM creditrisk.spot_assign(seed,
               coalesce((SELECT array_agg(d.uscc) FROM creditrisk.spot_check_draw d WHERE d.task_id = t.id), '{}'),
               coalesce((SELECT array_agg(p.certificate_no) FROM creditrisk.spot_check_task_inspector p WHERE p.task_id = t.id), '{}'),
               coalesce((SELECT array_agg(c.uscc ORDER BY c.uscc, c.inspector_id) FROM creditrisk.spot_check_task_conflict c WHERE c.task_id = t.id), '{}'),
               coalesce((SELECT array_agg(p.certificate_no ORDER BY c.uscc, c.inspector_id)
                           FROM creditrisk.spot_check_task_conflict c
                           JOIN creditrisk.spot_check_task_inspector p ON p.task_id = c.task_id AND p.inspector_id = c.inspector_id
                          WHERE c.task_id = t.id), '{}'),
               t.inspectors_per_check) a
      JOIN creditrisk.spot_check_task_inspector p ON p.task_id = t.id AND p.certificate_no = a.certificate_no
      JOIN creditrisk.spot_check_draw d ON d.task_id = t.id AND d.uscc = a.uscc;

    UPDATE creditrisk.spot_check_task x
       SET seed = draw_spot_check.seed, status = 'drawn', classification_as_of = cls, classification_version = cls_version,
           drawn_at = pg_catalog.now(), drawn_by = current_user
     WHERE x.id = t.id;

    SELECT count(*), string_agg(u.code, ', ' ORDER BY u.code) FILTER (WHERE u.n <= 5)
      INTO unassignable, example
      FROM (SELECT v.uscc::text COLLATE "C" AS code, row_number() OVER (ORDER BY v.uscc::text COLLATE "C") AS n
              FROM (SELECT d.uscc FROM creditrisk.spot_check_draw d WHERE d.task_id = t.id
                    EXCEPT
                    SELECT a.uscc FROM creditrisk.spot_check_assignment a WHERE a.task_id = t.id) v) u;
    IF unassignable > 0 THEN
        RAISE WARNING 'spot-check task %: % drawn enterprises have no eligible pair of inspectors', task, unassignable
            USING DETAIL = format('For example %s.', example),
                  HINT = format('See SELECT * FROM creditrisk.spot_check_unassignable WHERE task_id = %s; add competent inspectors without conflicts to the library for the next task.', task);
    END IF;
    RETURN QUERY SELECT * FROM creditrisk.spot_check_task_class q WHERE q.task_id = t.id ORDER BY q.class;
END
$$;COMMENT ON FUNCTION creditrisk.draw_spot_check(bigint, text) IS
    'The draw (随机抽取): checks the revealed seed against the commitment, snapshots the population of the latest classification, draws per class the quota enterprises with the smallest spot_key, draws their inspectors; returns the task''s classes';

CREATE OR REPLACE FUNCTION creditrisk.verify_draw(task bigint)
RETURNS TABLE (check_name text, ok boolean, detail text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    t creditrisk.spot_check_task;
    n1 bigint; n2 bigint; n3 bigint;
    mean numeric;
    lo bigint; hi bigint;
BEGIN
    SELECT * INTO t FROM creditrisk.spot_check_task x WHERE x.id = task;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'spot-check task % does not exist', task USING ERRCODE = 'undefined_object';
    END IF;
    IF t.status <> 'drawn' THEN
        RAISE EXCEPTION 'spot-check task % has not been drawn', task USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    -- the check needs every row of the draw: a jurisdiction covering its scope
    IF EXISTS (SELECT 1 FROM unnest(t.scope_divisions::text[]) d
                WHERE NOT coalesce(d >= creditrisk.scope_from() AND d < creditrisk.scope_to(), false)) THEN
        RAISE EXCEPTION 'spot-check task % reaches outside your jurisdiction', task
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = format('Its scope is %s; verifying it needs the rows of all of it, and role %s sees only its own jurisdiction.',
                                  array_to_string(t.scope_divisions, ', '), current_user),
                  HINT = 'A role whose jurisdiction covers the scope (the organising bureau, a level above, an auditor of it) verifies the draw.';
    END IF;

    check_name := 'commitment';
    ok := sha256(convert_to(t.seed, 'UTF8')) = t.seed_commitment;
    detail := format('sha256(seed) = %s', encode(sha256(convert_to(t.seed, 'UTF8')), 'hex'));
    RETURN NEXT;

    -- the population: counts agree, nobody twice
    SELECT count(*), count(DISTINCT u.uscc) INTO n1, n2
      FROM creditrisk.spot_check_population p, unnest(p.usccs) u(uscc) WHERE p.task_id = t.id;
    SELECT coalesce(sum(q.population), 0) INTO n3 FROM creditrisk.spot_check_task_class q WHERE q.task_id = t.id;
    check_name := 'population';
    ok := n1 = n2 AND n1 = n3;
    detail := format('%s enterprises in the snapshot, %s distinct, %s counted in the classes', n1, n2, n3);
    RETURN NEXT;

    SELECT count(*) FILTER (WHERE q.quota IS DISTINCT FROM ceil(q.ratio * q.population) OR q.ratio < q.min_ratio
                                  OR q.drawn IS DISTINCT FROM q.quota
                                  OR (SELECT count(*) FROM creditrisk.spot_check_draw d
                                       WHERE d.task_id = t.id AND d.class = q.class) IS DISTINCT FROM q.quota), sum(q.quota)
      INTO n1, n2 FROM creditrisk.spot_check_task_class q WHERE q.task_id = t.id;
    check_name := 'quotas';
    ok := n1 = 0;
    detail := format('%s enterprises to draw; %s classes with a quota other than ceil(ratio × population), a ratio below the minimum or another number drawn', n2, n1);
    RETURN NEXT;

    -- the sample, re-derived in plain SQL
    WITH pop AS (
        SELECT p.class, p.division_code, u.uscc,
               sha256(convert_to(t.seed, 'UTF8') || '\x00'::bytea || convert_to(u.uscc::text, 'UTF8')) AS key
          FROM creditrisk.spot_check_population p, unnest(p.usccs) u(uscc)
         WHERE p.task_id = t.id
    ), ranked AS (
        SELECT pop.*, row_number() OVER (PARTITION BY pop.class ORDER BY pop.key, pop.uscc::text COLLATE "C") AS rank
          FROM pop
    ), expected AS (
        SELECT r.uscc, r.division_code, r.class, r.rank
          FROM ranked r JOIN creditrisk.spot_check_task_class q ON q.task_id = t.id AND q.class = r.class
         WHERE r.rank <= q.quota
    ), stored AS (
        SELECT d.uscc, d.division_code, d.class, d.rank FROM creditrisk.spot_check_draw d WHERE d.task_id = t.id
    )
    SELECT count(*) FILTER (WHERE s.uscc IS NULL), count(*) FILTER (WHERE e.uscc IS NULL),
           count(*) FILTER (WHERE e.uscc IS NOT NULL AND s.uscc IS NOT NULL
                              AND (e.division_code, e.class, e.rank) IS DISTINCT FROM (s.division_code, s.class, s.rank))
      INTO n1, n2, n3
      FROM expected e FULL JOIN stored s ON s.uscc = e.uscc;
    check_name := 'sample';
    ok := n1 + n2 + n3 = 0;
    detail := format('%s re-derived enterprises missing from the draw, %s drawn enterprises not re-derived, %s with another division, class or rank', n1, n2, n3);
    RETURN NEXT;

    -- the assignment, re-run from the stored pool and conflicts
    WITH again AS (
        SELECT a.uscc, p.inspector_id, a.seq
          FROM creditrisk.spot_assign(t.seed,
                   coalesce((SELECT array_agg(d.uscc) FROM creditrisk.spot_check_draw d WHERE d.task_id = t.id), '{}'),
                   coalesce((SELECT array_agg(p.certificate_no) FROM creditrisk.spot_check_task_inspector p WHERE p.task_id = t.id), '{}'),
                   coalesce((SELECT array_agg(c.uscc) FROM creditrisk.spot_check_task_conflict c WHERE c.task_id = t.id), '{}'),
                   coalesce((SELECT array_agg(p.certificate_no)
                               FROM creditrisk.spot_check_task_conflict c
                               JOIN creditrisk.spot_check_task_inspector p ON p.task_id = c.task_id AND p.inspector_id = c.inspector_id
                              WHERE c.task_id = t.id), '{}'),
                   t.inspectors_per_check) a
          JOIN creditrisk.spot_check_task_inspector p ON p.task_id = t.id AND p.certificate_no = a.certificate_no
    ), stored AS (
        SELECT s.uscc, s.inspector_id, s.seq FROM creditrisk.spot_check_assignment s WHERE s.task_id = t.id
    )
    SELECT count(*) FILTER (WHERE s.uscc IS NULL OR a.uscc IS NULL) INTO n1
      FROM again a FULL JOIN stored s ON s.uscc = a.uscc AND s.inspector_id = a.inspector_id AND s.seq = a.seq;
    check_name := 'assignment';
    ok := n1 = 0;
    detail := format('%s assignments differ from a re-run of spot_assign on the stored pool and conflicts', n1);
    RETURN NEXT;

    -- every assigned enterprise has enough inspectors, none conflicted
    SELECT count(*) FILTER (WHERE x.n BETWEEN 1 AND t.inspectors_per_check - 1), count(*) FILTER (WHERE x.n = 0)
      INTO n1, n2
      FROM (SELECT d.uscc, (SELECT count(*) FROM creditrisk.spot_check_assignment a
                             WHERE a.task_id = t.id AND a.uscc = d.uscc) AS n
              FROM creditrisk.spot_check_draw d WHERE d.task_id = t.id) x;
    SELECT count(*) INTO n3
      FROM creditrisk.spot_check_assignment a
      JOIN creditrisk.spot_check_task_conflict c ON (c.task_id, c.uscc, c.inspector_id) = (a.task_id, a.uscc, a.inspector_id)
     WHERE a.task_id = t.id;
    check_name := 'inspectors';
    ok := n1 = 0 AND n3 = 0;
    detail := format('%s enterprises with fewer than %s inspectors, %s conflicted assignments; %s reported unassignable',
                     n1, t.inspectors_per_check, n3, n2);
    RETURN NEXT;

    SELECT count(*) INTO n1 FROM creditrisk.spot_check_task_inspector p WHERE p.task_id = t.id;
    SELECT count(*) INTO n2 FROM creditrisk.spot_check_assignment a WHERE a.task_id = t.id;
    SELECT min(l.n), max(l.n) INTO lo, hi
      FROM (SELECT p.inspector_id, count(a.uscc) AS n
              FROM creditrisk.spot_check_task_inspector p
              LEFT JOIN creditrisk.spot_check_assignment a ON a.task_id = p.task_id AND a.inspector_id = p.inspector_id
             WHERE p.task_id = t.id GROUP BY p.inspector_id) l;
    mean := CASE WHEN n1 > 0 THEN round(n2::numeric / n1, 2) END;
    check_name := 'load';
    ok := n1 = 0 OR (lo >= n2::numeric / n1 - 1 AND hi <= n2::numeric / n1 + 1);
    detail := format('%s inspectors, %s assignments, mean %s, least %s, most %s', n1, n2, mean, lo, hi);
    RETURN NEXT;
END
$$;COMMENT ON FUNCTION creditrisk.verify_draw(bigint) IS
    'Verifies a draw (抽取结果验证): the seed matches its commitment, the population snapshot is consistent, quotas are ceil(ratio × population), the sample re-derived in plain SQL (sha256) equals the stored one, the assignment re-runs identically, no conflicted or short assignment, loads within one of the mean';

-- (create_roles() is defined once, in its current form, further below.)

-- ===========================================================================
-- Reporting units, 双公示, new record kinds (issue 14)
-- ===========================================================================

-- --- Reporting units (extension/units.sql): the register, its history, the
-- check trigger and the helpers, as a fresh install has them.
CREATE TABLE creditrisk.reporting_unit (
    code          text PRIMARY KEY
                  CONSTRAINT reporting_unit_code_format
                  CHECK (code <> '' AND code !~ '[[:cntrl:]]' AND length(code) <= 200),
    name          text NOT NULL CONSTRAINT reporting_unit_name_nonempty CHECK (name <> ''),
    bureau        text NOT NULL CONSTRAINT reporting_unit_bureau_nonempty CHECK (bureau <> ''),
    division_code creditrisk.division_code NOT NULL,
    kind          text NOT NULL
                  CONSTRAINT reporting_unit_kind_valid
                  CHECK (kind IN ('market_regulation', 'other_department', 'court', 'platform', 'unknown')),
    active_from   date NOT NULL DEFAULT '-infinity'
                  CONSTRAINT reporting_unit_active_from_finite CHECK (active_from < 'infinity'),
    active_to     date
                  CONSTRAINT reporting_unit_active_to_finite CHECK (pg_catalog.isfinite(active_to)),
    reporter_role name,
    needs_review  boolean NOT NULL DEFAULT false,
    note          text NOT NULL DEFAULT '',
    recorded_at   timestamptz NOT NULL,
    CONSTRAINT reporting_unit_active_period CHECK (active_to > active_from)
);
CREATE INDEX reporting_unit_division_idx ON creditrisk.reporting_unit (division_code);
COMMENT ON TABLE creditrisk.reporting_unit IS
    'Reporting units (报送单位): the departments and platforms that report credit records, each with its bureau, division, kind, active period and the role whose members may report as it; every record''s reported_by is a code of this register';
COMMENT ON COLUMN creditrisk.reporting_unit.code IS
    'The unit''s code, as records name it in reported_by (e.g. 411622-scjgj): not empty, no control characters, at most 200 characters (a spelling registered by the 1.5 update is kept as it was, blanks included)';
COMMENT ON COLUMN creditrisk.reporting_unit.name IS 'The unit''s name (单位名称), e.g. 西华县市场监督管理局登记注册股';
COMMENT ON COLUMN creditrisk.reporting_unit.bureau IS 'The bureau or department the unit belongs to (所属部门), e.g. 西华县市场监督管理局';
COMMENT ON COLUMN creditrisk.reporting_unit.division_code IS
    'The division (行政区划) the unit belongs to: its jurisdiction decides who may register or change it';
COMMENT ON COLUMN creditrisk.reporting_unit.kind IS
    'market_regulation (市场监管部门), other_department (其他行政机关), court (人民法院), platform (信用平台、热线、公示系统、舆情监测), unknown (registered from a spelling, to review)';
COMMENT ON COLUMN creditrisk.reporting_unit.active_from IS
    'First day the unit exists and may report (-infinity: always); a record dated before it is refused';
COMMENT ON COLUMN creditrisk.reporting_unit.active_to IS
    'First day the unit no longer exists (merged or abolished; exclusive; NULL: still active); a record dated on or after it is refused';
COMMENT ON COLUMN creditrisk.reporting_unit.reporter_role IS
    'The role whose members may report as this unit when enrolled as loaders (报送人员): a login or a group role; NULL: no loader may (administrators and superusers still can)';
COMMENT ON COLUMN creditrisk.reporting_unit.needs_review IS
    'Registered automatically from a spelling found in the records (the 1.5 update, reporting_units_from_records()): name, bureau, division and kind are guesses to review';
COMMENT ON COLUMN creditrisk.reporting_unit.note IS 'Free note (e.g. what a merged spelling became)';

SELECT creditrisk.keep_history('creditrisk.reporting_unit');

-- ---------------------------------------------------------------------------
-- The check on every record table: the unit is on the register and active on
-- the record's date, and a loader reports only as its own unit.  One query
-- per statement over the statement's new rows (a transition table), so a
-- bulk load pays one hash join, not a lookup per row.  TG_ARGV[0] is the
-- record's date as an expression over the new row n (fixed when the trigger
-- is created by the install script).  Rows stamped by this transaction
-- (recorded_at from its fence, never before its start) are checked; rows
-- restored or imported with their own, earlier knowledge time are not.
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.reporting_unit_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
DECLARE
    bad record;
BEGIN
    -- a loader reports only as a unit whose reporter role it is a member of
    IF NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user)
       AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles g
                    WHERE g.rolname = 'creditrisk_loader' AND pg_catalog.pg_has_role(g.oid, 'MEMBER')) THEN
        SELECT n.reported_by AS unit, u.reporter_role INTO bad
          FROM new_rows n
          LEFT JOIN creditrisk.reporting_unit u ON u.code = n.reported_by
         WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
                            WHERE r.rolname = u.reporter_role AND pg_catalog.pg_has_role(r.oid, 'MEMBER'))
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'role "%" may not report as unit "%"', current_user, bad.unit
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = CASE WHEN bad.reporter_role IS NULL
                                    THEN format('A loader reports only as its own unit; no loader may report as "%s" (its reporter_role is not set).', bad.unit)
                                    ELSE format('A loader reports only as its own unit; the members of role "%s" may report as "%s".', bad.reporter_role, bad.unit) END,
                      HINT = 'Give your own unit''s code in reported_by; a unit''s reporter_role is set in creditrisk.reporting_unit by an administrator of its jurisdiction.',
                      TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA;
        END IF;
    END IF;
    -- the unit is on the register ...
    SELECT n.reported_by AS unit INTO bad
      FROM new_rows n
     WHERE n.recorded_at >= pg_catalog.now()
       AND NOT EXISTS (SELECT 1 FROM creditrisk.reporting_unit u WHERE u.code = n.reported_by)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'reporting unit "%" is not on the register', bad.unit
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('A record of %s.%s names it in reported_by; every record names a unit of creditrisk.reporting_unit.',
                                  TG_TABLE_SCHEMA, TG_TABLE_NAME),
                  HINT = 'Register the unit first (INSERT INTO creditrisk.reporting_unit ...), or give the code of a registered one (SELECT code, name FROM creditrisk.reporting_unit ORDER BY code).',
                  TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA;
    END IF;
    -- ... and active on the record's date
    EXECUTE format($q$
        SELECT n.reported_by AS unit, (%1$s) AS day, u.active_from, u.active_to, u.name
          FROM new_rows n
          JOIN creditrisk.reporting_unit u ON u.code OPERATOR(pg_catalog.=) n.reported_by
         WHERE n.recorded_at OPERATOR(pg_catalog.>=) pg_catalog.now()
           AND ((%1$s) OPERATOR(pg_catalog.<) u.active_from OR (%1$s) OPERATOR(pg_catalog.>=) u.active_to)
         LIMIT 1$q$, TG_ARGV[0]) INTO bad;
    IF bad.unit IS NOT NULL THEN
        RAISE EXCEPTION 'reporting unit "%" was not active on %', bad.unit, bad.day
            USING ERRCODE = 'check_violation',
                  DETAIL = format('%s (%s) is active from %s%s; the record of %s.%s is dated %s (%s).',
                                  bad.unit, bad.name, bad.active_from,
                                  CASE WHEN bad.active_to IS NULL THEN ' on' ELSE ' until the day before ' || bad.active_to END,
                                  TG_TABLE_SCHEMA, TG_TABLE_NAME, bad.day, TG_ARGV[0]),
                  HINT = 'Report the record as the unit that existed on that date (its predecessor or successor), or correct the unit''s active period in creditrisk.reporting_unit.',
                  TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA;
    END IF;
    RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION creditrisk.reporting_unit_check() IS
    'Trigger (per statement, over its new rows): each record''s reporting unit (报送单位) is on the register and active on the record''s date (the argument: the date as an expression over the row n), and a loader reports only as a unit whose reporter_role it is a member of; rows restored or imported with an earlier knowledge time are not checked again';

-- A unit is ended (active_to), not deleted or renamed: only a superuser may
-- delete a unit or change its code, and only while no record names it (what
-- a foreign key's RESTRICT did; a superuser sees every row, where an
-- administrator's policies would hide other jurisdictions' records).  Rare:
-- it reads each record table.
CREATE FUNCTION creditrisk.reporting_unit_referenced() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
DECLARE
    t text;
    referred boolean;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.code = OLD.code THEN
        RETURN NULL;
    END IF;
    IF NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) THEN
        RAISE EXCEPTION 'reporting unit "%" cannot be deleted or renamed', OLD.code
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'Records of other jurisdictions may name it; a unit is ended, not removed.',
                  HINT = 'UPDATE creditrisk.reporting_unit SET active_to = ... WHERE code = ...; a superuser may delete a unit no record names.';
    END IF;
    FOR t IN SELECT r.relname FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class r ON r.oid = g.tgrelid
              WHERE g.tgname = 'reporting_unit_insert' AND r.relnamespace = 'creditrisk'::regnamespace
              ORDER BY 1
    LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM creditrisk.%I x WHERE x.reported_by = $1)', t) INTO referred USING OLD.code;
        IF referred THEN
            RAISE EXCEPTION 'reporting unit "%" is named by records of %', OLD.code, t
                USING ERRCODE = 'foreign_key_violation',
                      DETAIL = 'A unit that records name cannot be deleted or renamed.',
                      HINT = 'End it instead (UPDATE creditrisk.reporting_unit SET active_to = ...), or move its records to another unit with creditrisk.reporting_unit_merge().';
        END IF;
    END LOOP;
    RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION creditrisk.reporting_unit_referenced() IS
    'Trigger: only a superuser may delete a reporting unit (报送单位) or change its code, and only while no record names it';
CREATE TRIGGER reporting_unit_referenced AFTER UPDATE OR DELETE ON creditrisk.reporting_unit
    FOR EACH ROW EXECUTE FUNCTION creditrisk.reporting_unit_referenced();

-- ---------------------------------------------------------------------------
-- Registering the spellings of free text as units (the 1.5 update; a bulk
-- load of legacy records with the unit triggers disabled, as a superuser).
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.reporting_units_from_records() RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
DECLARE
    t text;
    q text := '';
    n bigint;
BEGIN
    -- every table whose reported_by names a unit of the register
    FOR t IN SELECT r.relname
               FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class r ON r.oid = g.tgrelid
              WHERE g.tgname = 'reporting_unit_insert' AND r.relnamespace = 'creditrisk'::regnamespace
              ORDER BY 1
    LOOP
        q := q || CASE WHEN q = '' THEN '' ELSE ' UNION ALL ' END
               || CASE WHEN t = 'enterprise' THEN
                      'SELECT x.reported_by, x.division_code FROM creditrisk.enterprise x'
                  WHEN t = 'related_party_link' THEN
                      'SELECT x.reported_by, e.division_code FROM creditrisk.related_party_link x '
                      'LEFT JOIN creditrisk.enterprise e ON e.uscc = x.from_uscc'
                  ELSE
                      format('SELECT x.reported_by, e.division_code FROM creditrisk.%I x '
                             'LEFT JOIN creditrisk.enterprise e ON e.uscc = x.uscc', t) END;
    END LOOP;
    IF q = '' THEN
        RETURN 0;
    END IF;
    -- the unit's division: the narrowest division holding every enterprise it
    -- reported on (a county, a city, else the province); kind from its name
    EXECUTE format($q$
        INSERT INTO creditrisk.reporting_unit (code, name, bureau, division_code, kind, needs_review, note)
        SELECT s.reported_by, s.reported_by, s.reported_by,
               CASE WHEN s.lo IS NULL THEN '410000'
                    WHEN s.lo = s.hi THEN s.lo
                    WHEN left(s.lo, 4) = left(s.hi, 4) THEN left(s.lo, 4) || '00'
                    ELSE left(s.lo, 2) || '0000' END,
               CASE WHEN s.reported_by ~ '(市场监督管理局|市场监管局|市监局|工商行政管理局|工商局|质量技术监督局)' THEN 'market_regulation'
                    WHEN s.reported_by ~ '法院' THEN 'court'
                    WHEN s.reported_by ~ '(平台|热线|系统|中心|监测|网站)' THEN 'platform'
                    WHEN s.reported_by ~ '(局|厅|委员会|办公室|政府|部)$' THEN 'other_department'
                    ELSE 'unknown' END,
               true, 'registered from the spelling found in the records'
          FROM (SELECT r.reported_by, min(r.division_code) AS lo, max(r.division_code) AS hi
                  FROM (%s) r
                 WHERE r.reported_by IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM creditrisk.reporting_unit u WHERE u.code = r.reported_by)
                 GROUP BY r.reported_by) s
        ON CONFLICT (code) DO NOTHING$q$, q);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$fn$;
COMMENT ON FUNCTION creditrisk.reporting_units_from_records() IS
    'Registers every reported_by spelling found in the records and not yet on the register as a reporting unit (报送单位) flagged needs_review: its code, name and bureau the spelling, its division the narrowest holding every enterprise it reported on, its kind guessed from the name; returns how many. Used by the 1.5 update; after a bulk load of legacy records with the triggers reporting_unit_insert disabled, before they are enabled again and the transaction commits';

-- Merging the spellings of one unit: the records of unit "spelling" are
-- reported by "target" from now on (each change keeps the old version in the
-- table's history), and the spelling's unit ends.
CREATE FUNCTION creditrisk.reporting_unit_merge(spelling text, target text) RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
#variable_conflict use_variable
DECLARE
    t text;
    n bigint;
    total bigint := 0;
BEGIN
    IF spelling IS NULL OR target IS NULL OR spelling = target THEN
        RAISE EXCEPTION 'reporting_unit_merge() needs two different unit codes'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'For example SELECT creditrisk.reporting_unit_merge(''西华县市监局'', ''411622-scjgj'');';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM creditrisk.reporting_unit u WHERE u.code = spelling) THEN
        RAISE EXCEPTION 'reporting unit "%" is not on the register', spelling
            USING ERRCODE = 'undefined_object', HINT = 'SELECT code, name FROM creditrisk.reporting_unit WHERE needs_review ORDER BY code;';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM creditrisk.reporting_unit u WHERE u.code = target) THEN
        RAISE EXCEPTION 'reporting unit "%" is not on the register', target
            USING ERRCODE = 'undefined_object', HINT = 'Register the unit first: INSERT INTO creditrisk.reporting_unit (code, name, bureau, division_code, kind) VALUES (...);';
    END IF;
    FOR t IN SELECT r.relname
               FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class r ON r.oid = g.tgrelid
              WHERE g.tgname = 'reporting_unit_insert' AND r.relnamespace = 'creditrisk'::regnamespace
              ORDER BY 1
    LOOP
        EXECUTE format('UPDATE creditrisk.%I SET reported_by = $1 WHERE reported_by = $2', t) USING target, spelling;
        GET DIAGNOSTICS n = ROW_COUNT;
        total := total + n;
    END LOOP;
    UPDATE creditrisk.reporting_unit u
       SET needs_review = false,
           note = pg_catalog.btrim(u.note || CASE WHEN u.note = '' THEN '' ELSE '; ' END || 'merged into ' || target || ' (' || total || ' records)')
     WHERE u.code = spelling;
    RETURN total;
END
$fn$;
COMMENT ON FUNCTION creditrisk.reporting_unit_merge(text, text) IS
    'Moves every record reported as unit "spelling" to unit "target" (a spelling of the same unit; the replaced versions stay in the histories) and notes the merge on the spelling''s unit; returns how many records moved; the caller needs UPDATE on the record tables (row-level security applies)';

SELECT pg_catalog.pg_extension_config_dump('creditrisk.reporting_unit', '');

REVOKE ALL ON TABLE creditrisk.reporting_unit FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.reporting_unit_check(), creditrisk.reporting_unit_referenced(),
                       creditrisk.reporting_units_from_records(),
                       creditrisk.reporting_unit_merge(text, text) FROM PUBLIC;

COMMENT ON COLUMN creditrisk.enterprise.reported_by IS 'The reporting unit (报送单位) that reported the entry: a code of creditrisk.reporting_unit';

-- Every record table: the unit is on the register and active on the
-- record's date; loaders.
DO $units$
DECLARE
    c record;
BEGIN
    FOR c IN
        SELECT t, day
          FROM (VALUES ('enterprise', '(n.received_at AT TIME ZONE ''Asia/Shanghai'')::date'),
                       ('licence', 'n.valid_from'), ('penalty', 'n.decision_date'), ('spot_check', 'n.check_date'),
                       ('complaint', 'n.received_date'), ('abnormal_listing', 'n.listed_date'),
                       ('serious_dishonesty_listing', 'n.listed_date'), ('judgment_debtor_listing', 'n.listed_date'),
                       ('annual_report', 'n.filed_on'), ('registration_change', 'n.change_date'),
                       ('related_party_link', 'coalesce(n.valid_from, (n.received_at AT TIME ZONE ''Asia/Shanghai'')::date)'),
                       ('equity_pledge_freeze', 'n.start_date'), ('lawsuit', 'n.filed_date'),
                       ('public_opinion', 'n.published_date'), ('domain_risk_class', 'n.assessed_date'),
                       ('indicator_value', 'n.as_of')) v(t, day)
    LOOP
        EXECUTE format('CREATE TRIGGER reporting_unit_insert AFTER INSERT ON creditrisk.%I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.reporting_unit_check(%L)', c.t, c.day);
        EXECUTE format('CREATE TRIGGER reporting_unit_update AFTER UPDATE ON creditrisk.%I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.reporting_unit_check(%L)', c.t, c.day);
        IF c.t <> 'enterprise' THEN
            EXECUTE format('COMMENT ON COLUMN creditrisk.%I.reported_by IS %L', c.t,
                           'The reporting unit (报送单位) that reported the record: a code of creditrisk.reporting_unit, active on the record''s date');
        END IF;
    END LOOP;
END
$units$;

-- Existing data: one unit per distinct spelling of reported_by, flagged
-- needs_review (README, "Reporting units").
SELECT creditrisk.reporting_units_from_records();

-- Loaders (报送人员): a fifth kind of enrolled role.
ALTER TABLE creditrisk.jurisdiction DROP CONSTRAINT jurisdiction_kind_valid;
ALTER TABLE creditrisk.jurisdiction ADD CONSTRAINT jurisdiction_kind_valid
    CHECK (kind IN ('admin', 'analyst', 'partner', 'auditor', 'loader'));
COMMENT ON TABLE creditrisk.jurisdiction IS
    'Jurisdiction (管辖范围) of each enrolled role: its kind (admin, analyst, partner, auditor, loader) and division (410000 province, 411600 city, 411622 county); it sees the enterprises of that division and below. Written by creditrisk.enrol() only';
ALTER TABLE creditrisk.reporting_unit ENABLE ROW LEVEL SECURITY;
ALTER TABLE creditrisk.reporting_unit FORCE ROW LEVEL SECURITY;
-- (create_roles() is defined once, in its current form, further below.)
CREATE OR REPLACE FUNCTION creditrisk.enrol(login regrole, kind text, division text) RETURNS creditrisk.jurisdiction
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
-- --- 双公示: decision, report, publication, revocation and withdrawal dates of
-- licences and penalties (after recorded_at, as in a fresh install); their
-- histories get the same columns before superseded_at (the history trigger
-- copies a row by position), and the as-known functions are made again.
DROP FUNCTION creditrisk.licence_as_known(timestamptz);
ALTER TABLE creditrisk.licence ADD COLUMN decision_date date, ADD COLUMN platform_reported_on date, ADD COLUMN published_on date, ADD COLUMN withdrawn_on date;
ALTER TABLE creditrisk.licence_history ADD COLUMN decision_date date, ADD COLUMN platform_reported_on date, ADD COLUMN published_on date, ADD COLUMN withdrawn_on date, ADD COLUMN superseded_at_15 timestamptz;
UPDATE creditrisk.licence_history SET superseded_at_15 = superseded_at;
ALTER TABLE creditrisk.licence_history DROP COLUMN superseded_at;
ALTER TABLE creditrisk.licence_history RENAME COLUMN superseded_at_15 TO superseded_at;
ALTER TABLE creditrisk.licence_history ALTER COLUMN superseded_at SET NOT NULL;
COMMENT ON COLUMN creditrisk.licence_history.superseded_at IS 'When this version stopped being the known one (the update or delete)';
ALTER TABLE creditrisk.licence ADD CONSTRAINT licence_reported_after_decision CHECK (platform_reported_on >= decision_date);
ALTER TABLE creditrisk.licence ADD CONSTRAINT licence_published_after_decision CHECK (published_on >= decision_date);
ALTER TABLE creditrisk.licence ADD CONSTRAINT licence_withdrawn_after_decision CHECK (withdrawn_on >= decision_date);
ALTER TABLE creditrisk.licence ADD CONSTRAINT licence_decision_date_finite CHECK (pg_catalog.isfinite(decision_date));
ALTER TABLE creditrisk.licence ADD CONSTRAINT licence_platform_reported_on_finite CHECK (pg_catalog.isfinite(platform_reported_on));
ALTER TABLE creditrisk.licence ADD CONSTRAINT licence_published_on_finite CHECK (pg_catalog.isfinite(published_on));
ALTER TABLE creditrisk.licence ADD CONSTRAINT licence_withdrawn_on_finite CHECK (pg_catalog.isfinite(withdrawn_on));
COMMENT ON COLUMN creditrisk.licence.decision_date IS
    'Date of the licensing decision (许可决定日期), from which the 双公示 deadline runs (7 working days); NULL for licences loaded before 1.5 until filled in';
COMMENT ON COLUMN creditrisk.licence.revoked_date IS
    'The licence (or its licensing decision) was revoked (撤销、吊销) on this day; a decision already reported to the credit platform must be withdrawn within 3 working days';
COMMENT ON COLUMN creditrisk.licence.platform_reported_on IS
    'Day the reporting unit reported the decision to the credit platform (报送信用平台日期; 双公示: within 7 working days of the decision); NULL = not yet reported';
COMMENT ON COLUMN creditrisk.licence.published_on IS 'Day the decision was published (公示日期) on the credit platform or website; NULL = not yet published';
COMMENT ON COLUMN creditrisk.licence.withdrawn_on IS
    'Day the published decision was withdrawn (撤下): after a revocation within 3 working days; a withdrawal without revocation marks an erroneous report';
DROP TRIGGER dates_not_future ON creditrisk.licence;
DROP FUNCTION creditrisk.penalty_as_known(timestamptz);
ALTER TABLE creditrisk.penalty ADD COLUMN revoked_on date, ADD COLUMN platform_reported_on date, ADD COLUMN published_on date, ADD COLUMN withdrawn_on date;
ALTER TABLE creditrisk.penalty_history ADD COLUMN revoked_on date, ADD COLUMN platform_reported_on date, ADD COLUMN published_on date, ADD COLUMN withdrawn_on date, ADD COLUMN superseded_at_15 timestamptz;
UPDATE creditrisk.penalty_history SET superseded_at_15 = superseded_at;
ALTER TABLE creditrisk.penalty_history DROP COLUMN superseded_at;
ALTER TABLE creditrisk.penalty_history RENAME COLUMN superseded_at_15 TO superseded_at;
ALTER TABLE creditrisk.penalty_history ALTER COLUMN superseded_at SET NOT NULL;
COMMENT ON COLUMN creditrisk.penalty_history.superseded_at IS 'When this version stopped being the known one (the update or delete)';
ALTER TABLE creditrisk.penalty ADD CONSTRAINT penalty_revoked_after_decision CHECK (revoked_on >= decision_date);
ALTER TABLE creditrisk.penalty ADD CONSTRAINT penalty_reported_after_decision CHECK (platform_reported_on >= decision_date);
ALTER TABLE creditrisk.penalty ADD CONSTRAINT penalty_published_after_decision CHECK (published_on >= decision_date);
ALTER TABLE creditrisk.penalty ADD CONSTRAINT penalty_withdrawn_after_decision CHECK (withdrawn_on >= decision_date);
ALTER TABLE creditrisk.penalty ADD CONSTRAINT penalty_revoked_on_finite CHECK (pg_catalog.isfinite(revoked_on));
ALTER TABLE creditrisk.penalty ADD CONSTRAINT penalty_platform_reported_on_finite CHECK (pg_catalog.isfinite(platform_reported_on));
ALTER TABLE creditrisk.penalty ADD CONSTRAINT penalty_published_on_finite CHECK (pg_catalog.isfinite(published_on));
ALTER TABLE creditrisk.penalty ADD CONSTRAINT penalty_withdrawn_on_finite CHECK (pg_catalog.isfinite(withdrawn_on));
COMMENT ON COLUMN creditrisk.penalty.revoked_on IS
    'The penalty decision was revoked (行政处罚决定被撤销: on review, by a court) on this day; a decision already reported must be withdrawn within 3 working days';
COMMENT ON COLUMN creditrisk.penalty.platform_reported_on IS
    'Day the reporting unit reported the decision to the credit platform (报送信用平台日期; 双公示: within 7 working days of the decision); NULL = not yet reported';
COMMENT ON COLUMN creditrisk.penalty.published_on IS 'Day the decision was published (公示日期) on the credit platform or website; NULL = not yet published';
COMMENT ON COLUMN creditrisk.penalty.withdrawn_on IS
    'Day the published decision was withdrawn (撤下): after a revocation within 3 working days; a withdrawal without revocation marks an erroneous report';
DROP TRIGGER dates_not_future ON creditrisk.penalty;
DO $redo$
DECLARE
    t text;
    cols text;
BEGIN
    FOREACH t IN ARRAY ARRAY['licence', 'penalty'] LOOP
        -- the as-known function, as keep_history() (knowledge.sql) makes it
        SELECT string_agg(format('h.%I', a.attname), ', ' ORDER BY a.attnum) INTO cols
          FROM pg_attribute a WHERE a.attrelid = format('creditrisk.%I', t)::regclass AND a.attnum > 0 AND NOT a.attisdropped;
        EXECUTE format($f$CREATE FUNCTION creditrisk.%I(known_at timestamptz) RETURNS SETOF creditrisk.%I
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT %s
      FROM (SELECT x.*, NULL::timestamptz AS superseded_at FROM creditrisk.%I x
            UNION ALL
            SELECT h.* FROM creditrisk.%I h) h
     WHERE CASE WHEN known_at IS NULL THEN h.superseded_at IS NULL
                ELSE h.recorded_at <= known_at AND (h.superseded_at IS NULL OR h.superseded_at > known_at) END;
END$f$, t || '_as_known', t, cols, t, t || '_history');
        EXECUTE format('COMMENT ON FUNCTION creditrisk.%I(timestamptz) IS %L', t || '_as_known',
                       format('creditrisk.%s as it was known at known_at (已知时点): the rows recorded by then, in the version known then; NULL = as known now', t));
        EXECUTE format('REVOKE ALL ON FUNCTION creditrisk.%I(timestamptz) FROM PUBLIC', t || '_as_known');
    END LOOP;
END
$redo$;
CREATE TRIGGER dates_not_future BEFORE INSERT OR UPDATE ON creditrisk.licence FOR EACH ROW
    EXECUTE FUNCTION creditrisk.dates_not_future('revoked_date', 'decision_date', 'platform_reported_on', 'published_on', 'withdrawn_on');
CREATE TRIGGER dates_not_future BEFORE INSERT OR UPDATE ON creditrisk.penalty FOR EACH ROW
    EXECUTE FUNCTION creditrisk.dates_not_future('decision_date', 'revoked_on', 'platform_reported_on', 'published_on', 'withdrawn_on');

-- --- New record kinds (extension/collection.sql): enforcement, confirmation, reward.
-- ---------------------------------------------------------------------------
-- Record kinds the work plan names besides art. 7's (item 一; since 1.5):
-- administrative enforcement (行政强制), confirmation (行政确认) and rewards
-- (行政奖励, a positive signal).
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.enforcement (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc            creditrisk.uscc NOT NULL,
    decision_number text NOT NULL CONSTRAINT enforcement_decision_number_nonempty CHECK (decision_number <> ''),
    decision_date   date NOT NULL,
    measure         text NOT NULL
                    CONSTRAINT enforcement_measure_valid
                    CHECK (measure IN ('seal_up', 'seizure', 'freeze', 'execution', 'other')),
    lifted_date     date,
    reported_by     text NOT NULL CONSTRAINT enforcement_reported_by_nonempty CHECK (reported_by <> ''),
    received_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at     timestamptz NOT NULL,
    CONSTRAINT enforcement_lifted_after_decision CHECK (lifted_date >= decision_date),
    CONSTRAINT enforcement_decision_date_finite CHECK (pg_catalog.isfinite(decision_date)),
    CONSTRAINT enforcement_lifted_date_finite CHECK (pg_catalog.isfinite(lifted_date)),
    CONSTRAINT enforcement_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX enforcement_uscc_idx ON creditrisk.enforcement (uscc, decision_date);
COMMENT ON TABLE creditrisk.enforcement IS
    'Administrative enforcement (行政强制): compulsory measures and enforcement against the enterprise, from the decision until lifted';
COMMENT ON COLUMN creditrisk.enforcement.measure IS
    'seal_up (查封场所、设施或者财物), seizure (扣押财物), freeze (冻结存款、汇款), execution (强制执行: 加处罚款或滞纳金、划拨、拍卖), other';
COMMENT ON COLUMN creditrisk.enforcement.lifted_date IS 'Day the measure was lifted (解除) or the enforcement completed; NULL = in force';

CREATE TABLE creditrisk.confirmation (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc            creditrisk.uscc NOT NULL,
    decision_number text NOT NULL DEFAULT '',
    kind            text NOT NULL CONSTRAINT confirmation_kind_nonempty CHECK (kind <> ''),
    confirmed_date  date NOT NULL,
    valid_to        date,
    reported_by     text NOT NULL CONSTRAINT confirmation_reported_by_nonempty CHECK (reported_by <> ''),
    received_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at     timestamptz NOT NULL,
    CONSTRAINT confirmation_valid_to_after_confirmed CHECK (valid_to > confirmed_date),
    CONSTRAINT confirmation_confirmed_date_finite CHECK (pg_catalog.isfinite(confirmed_date)),
    CONSTRAINT confirmation_valid_to_finite CHECK (pg_catalog.isfinite(valid_to)),
    CONSTRAINT confirmation_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX confirmation_uscc_idx ON creditrisk.confirmation (uscc, confirmed_date);
COMMENT ON TABLE creditrisk.confirmation IS
    'Administrative confirmations (行政确认): a status or fact the authority confirmed for the enterprise (e.g. 高新技术企业认定, 纳税信用A级), valid from the confirmation until valid_to';
COMMENT ON COLUMN creditrisk.confirmation.kind IS 'What was confirmed (确认事项), as the authority names it';
COMMENT ON COLUMN creditrisk.confirmation.valid_to IS 'First day the confirmation no longer holds (exclusive); NULL = open-ended';

CREATE TABLE creditrisk.reward (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc            creditrisk.uscc NOT NULL,
    title           text NOT NULL CONSTRAINT reward_title_nonempty CHECK (title <> ''),
    level           text NOT NULL CONSTRAINT reward_level_valid CHECK (level IN ('national', 'provincial', 'city', 'county')),
    award_date      date NOT NULL,
    revoked_date    date,
    reported_by     text NOT NULL CONSTRAINT reward_reported_by_nonempty CHECK (reported_by <> ''),
    received_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at     timestamptz NOT NULL,
    CONSTRAINT reward_revoked_after_award CHECK (revoked_date >= award_date),
    CONSTRAINT reward_award_date_finite CHECK (pg_catalog.isfinite(award_date)),
    CONSTRAINT reward_revoked_date_finite CHECK (pg_catalog.isfinite(revoked_date)),
    CONSTRAINT reward_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX reward_uscc_idx ON creditrisk.reward (uscc, award_date);
COMMENT ON TABLE creditrisk.reward IS
    'Administrative rewards (行政奖励): honours and awards the enterprise received (守信激励), a positive credit signal; revoked_date when withdrawn';
COMMENT ON COLUMN creditrisk.reward.level IS 'Level of the awarding authority: national, provincial, city, county';
COMMENT ON COLUMN creditrisk.reward.revoked_date IS 'Day the reward was revoked (撤销); it no longer counts from then';
DO $kinds$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT * FROM (VALUES ('enforcement', ARRAY['decision_date', 'lifted_date'], 'n.decision_date'),
                                   ('confirmation', ARRAY['confirmed_date'], 'n.confirmed_date'),
                                   ('reward', ARRAY['award_date', 'revoked_date'], 'n.award_date')) v(t, cols, day)
    LOOP
        PERFORM creditrisk.keep_history(format('creditrisk.%I', c.t)::regclass);
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE ON creditrisk.%I FOR EACH ROW '
                       'EXECUTE FUNCTION creditrisk.dates_not_future(%s)',
                       'dates_not_future', c.t,
                       (SELECT string_agg(quote_literal(x), ', ') FROM unnest(c.cols) x));
        EXECUTE format('CREATE TRIGGER reporting_unit_insert AFTER INSERT ON creditrisk.%I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.reporting_unit_check(%L)', c.t, c.day);
        EXECUTE format('CREATE TRIGGER reporting_unit_update AFTER UPDATE ON creditrisk.%I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.reporting_unit_check(%L)', c.t, c.day);
        EXECUTE format('COMMENT ON COLUMN creditrisk.%I.reported_by IS %L', c.t,
                       'The reporting unit (报送单位) that reported the record: a code of creditrisk.reporting_unit, active on the record''s date');
        PERFORM pg_catalog.pg_extension_config_dump(format('creditrisk.%I', c.t)::regclass, '');
        PERFORM pg_catalog.pg_extension_config_dump(
            pg_catalog.pg_get_serial_sequence(format('creditrisk.%I', c.t), 'id')::regclass, '');
        EXECUTE format('REVOKE ALL ON TABLE creditrisk.%I FROM PUBLIC', c.t);
        EXECUTE format('REVOKE ALL ON SEQUENCE %s FROM PUBLIC', pg_catalog.pg_get_serial_sequence(format('creditrisk.%I', c.t), 'id'));
        EXECUTE format('ALTER TABLE creditrisk.%I ENABLE ROW LEVEL SECURITY', c.t);
        EXECUTE format('ALTER TABLE creditrisk.%I FORCE ROW LEVEL SECURITY', c.t);
        EXECUTE format('ALTER TABLE creditrisk.%I ENABLE ROW LEVEL SECURITY', c.t || '_history');
        EXECUTE format('ALTER TABLE creditrisk.%I FORCE ROW LEVEL SECURITY', c.t || '_history');
    END LOOP;
END
$kinds$;

-- The 双公示 reports (extension/disclosure.sql).
CREATE FUNCTION creditrisk.disclosure_cases(period_from date, period_to date, as_of date DEFAULT current_date,
                                            report_days integer DEFAULT 7, withdrawal_days integer DEFAULT 3)
RETURNS TABLE (reported_by text, record_kind text, record_id bigint, uscc creditrisk.uscc, decision_number text,
               decision_date date, due date, platform_reported_on date, published_on date, status text,
               working_days_late integer, revoked_on date, withdrawal_due date, withdrawn_on date,
               withdrawal_status text, withdrawal_working_days_late integer, provisional boolean)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
    SELECT x.reported_by, x.record_kind, x.record_id, x.uscc, x.decision_number, x.decision_date, x.due,
           x.reported, x.published,
           CASE WHEN x.reported <= x.due THEN 'on_time'
                WHEN x.reported IS NOT NULL THEN 'late'
                WHEN disclosure_cases.as_of > x.due THEN 'overdue'
                ELSE 'pending' END,
           CASE WHEN x.reported > x.due THEN creditrisk.working_days_between(x.due, x.reported)
                WHEN x.reported IS NULL AND disclosure_cases.as_of > x.due
                THEN creditrisk.working_days_between(x.due, disclosure_cases.as_of)
                ELSE 0 END,
           x.revoked, x.wdue, x.withdrawn,
           CASE WHEN x.wdue IS NULL THEN NULL
                WHEN x.withdrawn <= x.wdue THEN 'on_time'
                WHEN x.withdrawn IS NOT NULL THEN 'late'
                WHEN disclosure_cases.as_of > x.wdue THEN 'overdue'
                ELSE 'pending' END,
           CASE WHEN x.wdue IS NULL THEN NULL
                WHEN x.withdrawn > x.wdue THEN creditrisk.working_days_between(x.wdue, x.withdrawn)
                WHEN x.withdrawn IS NULL AND disclosure_cases.as_of > x.wdue
                THEN creditrisk.working_days_between(x.wdue, disclosure_cases.as_of)
                ELSE 0 END,
           creditrisk.is_provisional(x.decision_date, greatest(x.due, x.wdue))
      FROM (SELECT d.*, creditrisk.add_working_days(d.decision_date, disclosure_cases.report_days) AS due,
                   -- a reported decision that is revoked is withdrawn within the
                   -- withdrawal days of the later of revocation and report
                   CASE WHEN d.revoked IS NOT NULL AND d.reported IS NOT NULL
                        THEN creditrisk.add_working_days(greatest(d.revoked, d.reported), disclosure_cases.withdrawal_days)
                   END AS wdue
              FROM (SELECT l.reported_by, 'licence'::text AS record_kind, l.id AS record_id, l.uscc,
                           l.licence_number AS decision_number, l.decision_date,
                           CASE WHEN l.platform_reported_on <= disclosure_cases.as_of THEN l.platform_reported_on END AS reported,
                           CASE WHEN l.published_on <= disclosure_cases.as_of THEN l.published_on END AS published,
                           CASE WHEN l.revoked_date <= disclosure_cases.as_of THEN l.revoked_date END AS revoked,
                           CASE WHEN l.withdrawn_on <= disclosure_cases.as_of THEN l.withdrawn_on END AS withdrawn
                      FROM creditrisk.licence l
                     WHERE l.decision_date >= disclosure_cases.period_from AND l.decision_date <= disclosure_cases.period_to
                       AND l.decision_date <= disclosure_cases.as_of
                    UNION ALL
                    SELECT p.reported_by, 'penalty', p.id, p.uscc, p.decision_number, p.decision_date,
                           CASE WHEN p.platform_reported_on <= disclosure_cases.as_of THEN p.platform_reported_on END,
                           CASE WHEN p.published_on <= disclosure_cases.as_of THEN p.published_on END,
                           CASE WHEN p.revoked_on <= disclosure_cases.as_of THEN p.revoked_on END,
                           CASE WHEN p.withdrawn_on <= disclosure_cases.as_of THEN p.withdrawn_on END
                      FROM creditrisk.penalty p
                     WHERE p.decision_date >= disclosure_cases.period_from AND p.decision_date <= disclosure_cases.period_to
                       AND p.decision_date <= disclosure_cases.as_of) d) x
$fn$;
COMMENT ON FUNCTION creditrisk.disclosure_cases(date, date, date, integer, integer) IS
    '双公示 cases: every licensing and penalty decision dated in [period_from, period_to] (and by as_of) with its reporting unit, deadline (report_days working days after the decision, 7 by default), the day it was reported to the credit platform and published (as known on as_of), status on as_of (on_time, late, overdue = not reported and past the deadline, pending = not reported, not yet due) and working days late; for a reported decision later revoked, the withdrawal deadline (withdrawal_days, 3 by default, after the later of revocation and report) and its status; provisional when a year without a loaded holiday schedule is involved. Scoped by row-level security';

CREATE FUNCTION creditrisk.disclosure_compliance(period_from date, period_to date, as_of date DEFAULT current_date)
RETURNS TABLE (reported_by text, unit_name text, division_code text, decisions bigint, due bigint, on_time bigint,
               late bigint, overdue bigint, pending bigint, max_working_days_late integer,
               compliance_rate numeric, timeliness_rate numeric, revoked bigint, withdrawn_on_time bigint,
               withdrawn_late bigint, withdrawal_overdue bigint, provisional boolean)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
    SELECT c.reported_by, u.name, u.division_code::text,
           count(*), count(*) FILTER (WHERE c.status <> 'pending'),
           count(*) FILTER (WHERE c.status = 'on_time'), count(*) FILTER (WHERE c.status = 'late'),
           count(*) FILTER (WHERE c.status = 'overdue'), count(*) FILTER (WHERE c.status = 'pending'),
           coalesce(max(c.working_days_late), 0),
           round(count(*) FILTER (WHERE c.status IN ('on_time', 'late'))::numeric
                 / nullif(count(*) FILTER (WHERE c.status <> 'pending'), 0), 4),
           round(count(*) FILTER (WHERE c.status = 'on_time')::numeric
                 / nullif(count(*) FILTER (WHERE c.status <> 'pending'), 0), 4),
           count(*) FILTER (WHERE c.withdrawal_status IS NOT NULL),
           count(*) FILTER (WHERE c.withdrawal_status = 'on_time'),
           count(*) FILTER (WHERE c.withdrawal_status = 'late'),
           count(*) FILTER (WHERE c.withdrawal_status = 'overdue'),
           bool_or(c.provisional)
      FROM creditrisk.disclosure_cases(disclosure_compliance.period_from, disclosure_compliance.period_to,
                                       disclosure_compliance.as_of) c
      LEFT JOIN creditrisk.reporting_unit u ON u.code = c.reported_by
     GROUP BY c.reported_by, u.name, u.division_code
$fn$;
COMMENT ON FUNCTION creditrisk.disclosure_compliance(date, date, date) IS
    '双公示 compliance per reporting unit (报送单位) for the decisions of [period_from, period_to], judged on as_of: decisions, those due, reported on time (7 working days), late (and the most working days late), overdue (not reported, past the deadline), pending; compliance rate (reported / due, 合规率) and timeliness rate (on time / due, 及时率), NULL when none is due; revoked decisions and their withdrawals (3 working days). Below 100 %, creditrisk.disclosure_cases() lists every case. Scoped by row-level security';

CREATE FUNCTION creditrisk.unit_evaluation(period_from date, period_to date, as_of date DEFAULT current_date)
RETURNS TABLE (reported_by text, unit_name text, division_code text, records bigint, decisions bigint,
               timeliness_rate numeric, compliance_rate numeric, complete bigint, completeness_rate numeric,
               incomplete_fields bigint, withdrawn_in_error bigint, late_or_missing bigint, meets_targets boolean)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
    WITH rec AS (
        -- quantity: every record the unit reported, dated in the period
        SELECT r.reported_by, count(*) AS n
          FROM (SELECT x.reported_by FROM creditrisk.licence x
                 WHERE coalesce(x.decision_date, x.valid_from) BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.penalty x WHERE x.decision_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.spot_check x WHERE x.check_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.complaint x WHERE x.received_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.abnormal_listing x WHERE x.listed_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.serious_dishonesty_listing x WHERE x.listed_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.judgment_debtor_listing x WHERE x.listed_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.annual_report x WHERE x.filed_on BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.registration_change x WHERE x.change_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.equity_pledge_freeze x WHERE x.start_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.lawsuit x WHERE x.filed_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.public_opinion x WHERE x.published_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.domain_risk_class x WHERE x.assessed_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.enforcement x WHERE x.decision_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.confirmation x WHERE x.confirmed_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.reward x WHERE x.award_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to) r
         GROUP BY r.reported_by
    ), dec AS (
        -- completeness of each decision: what the duty requires by as_of is
        -- there (reported once due, published once reported, a licence's
        -- kind), and it was not withdrawn without a revocation (an
        -- erroneous report)
        SELECT c.*,
               (CASE WHEN c.status IN ('overdue') THEN 1 ELSE 0 END
                + CASE WHEN c.platform_reported_on IS NOT NULL AND c.published_on IS NULL THEN 1 ELSE 0 END
                + CASE WHEN c.record_kind = 'licence'
                            AND EXISTS (SELECT 1 FROM creditrisk.licence l WHERE l.id = c.record_id AND l.kind = '')
                       THEN 1 ELSE 0 END) AS missing,
               c.withdrawn_on IS NOT NULL AND c.revoked_on IS NULL AS in_error
          FROM creditrisk.disclosure_cases(unit_evaluation.period_from, unit_evaluation.period_to, unit_evaluation.as_of) c
    ), units AS (
        SELECT rec.reported_by FROM rec UNION SELECT dec.reported_by FROM dec
    )
    SELECT n.reported_by, u.name, u.division_code::text, coalesce(rec.n, 0),
           count(d.record_id),
           round(count(*) FILTER (WHERE d.status = 'on_time')::numeric
                 / nullif(count(*) FILTER (WHERE d.status IN ('on_time', 'late', 'overdue')), 0), 4),
           round(count(*) FILTER (WHERE d.status IN ('on_time', 'late'))::numeric
                 / nullif(count(*) FILTER (WHERE d.status IN ('on_time', 'late', 'overdue')), 0), 4),
           count(*) FILTER (WHERE d.missing = 0 AND NOT d.in_error),
           round(count(*) FILTER (WHERE d.missing = 0 AND NOT d.in_error)::numeric / nullif(count(d.record_id), 0), 4),
           coalesce(sum(d.missing), 0)::bigint,
           count(*) FILTER (WHERE d.in_error),
           count(*) FILTER (WHERE d.status IN ('late', 'overdue') OR d.withdrawal_status IN ('late', 'overdue')),
           count(*) FILTER (WHERE d.status IN ('late', 'overdue') OR d.withdrawal_status IN ('late', 'overdue')
                                  OR d.missing > 0 OR d.in_error) = 0
      FROM units n
      LEFT JOIN rec ON rec.reported_by = n.reported_by
      LEFT JOIN dec d ON d.reported_by = n.reported_by
      LEFT JOIN creditrisk.reporting_unit u ON u.code = n.reported_by
     GROUP BY n.reported_by, u.name, u.division_code, rec.n
$fn$;
COMMENT ON FUNCTION creditrisk.unit_evaluation(date, date, date) IS
    'The county''s evaluation of each reporting unit (报送单位考核, work plan item 十二) over [period_from, period_to], judged on as_of: quantity (records of every kind it reported, dated in the period), its 双公示 decisions, timeliness and compliance rates, completeness (decisions with every required field present by as_of — reported once due, published once reported, a licence''s kind — and not withdrawn without a revocation), the fields missing, the erroneous reports withdrawn, the decisions late or missing, and whether it meets the targets (all 100 %). Scoped by row-level security';

REVOKE ALL ON FUNCTION creditrisk.disclosure_cases(date, date, date, integer, integer),
                       creditrisk.disclosure_compliance(date, date, date),
                       creditrisk.unit_evaluation(date, date, date) FROM PUBLIC;

-- Spot-check outcomes are reported by a unit on the register.
CREATE OR REPLACE FUNCTION creditrisk.record_spot_check_outcome(task bigint, uscc creditrisk.uscc, check_end date, outcome text,
                                                     refused boolean DEFAULT false, reported_by text DEFAULT NULL)
RETURNS creditrisk.spot_check_draw
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    t creditrisk.spot_check_task;
    d creditrisk.spot_check_draw;
    sc bigint;
    n bigint;
BEGIN
    IF task IS NULL OR uscc IS NULL OR check_end IS NULL OR outcome IS NULL OR refused IS NULL THEN
        RAISE EXCEPTION 'task, uscc, check_end, outcome and refused are required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO t FROM creditrisk.spot_check_task x WHERE x.id = task;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'spot-check task % does not exist', task USING ERRCODE = 'undefined_object';
    END IF;
    SELECT * INTO d FROM creditrisk.spot_check_draw x WHERE x.task_id = task AND x.uscc = uscc FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'enterprise % was not drawn in spot-check task %', uscc, task
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Record checks outside a draw (complaints, referrals) in creditrisk.spot_check directly.';
    END IF;
    IF d.spot_check_id IS NOT NULL THEN
        RAISE EXCEPTION 'the outcome of % in task % is already recorded', uscc, task
            USING ERRCODE = 'unique_violation', DETAIL = format('spot_check id %s, check ended %s.', d.spot_check_id, d.check_end);
    END IF;
    IF check_end < t.period_start THEN
        RAISE EXCEPTION 'check end % is before the task''s period (from %)', check_end, t.period_start
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- the reporting unit: the one given, else the organising division's
    -- market-regulation unit active on the day (when there is exactly one)
    IF reported_by IS NULL THEN
        SELECT min(u.code), count(*) INTO reported_by, n
          FROM creditrisk.reporting_unit u
         WHERE u.division_code = t.division_code AND u.kind = 'market_regulation'
           AND u.active_from <= check_end AND (u.active_to IS NULL OR u.active_to > check_end);
        IF n <> 1 THEN
            RAISE EXCEPTION 'no single reporting unit for the outcomes of spot-check task %', task
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = format('%s market-regulation units of division %s are active on %s.', n, t.division_code, check_end),
                      HINT = 'Give the unit that reports the outcome: record_spot_check_outcome(..., reported_by => ''<unit code>'').';
        END IF;
    END IF;
    INSERT INTO creditrisk.spot_check (uscc, check_date, outcome, refused, reported_by)
    VALUES (uscc, check_end, outcome, refused, reported_by)
    RETURNING id INTO sc;
    UPDATE creditrisk.spot_check_draw x
       SET check_end = record_spot_check_outcome.check_end, outcome = record_spot_check_outcome.outcome,
           refused = record_spot_check_outcome.refused, spot_check_id = sc,
           publication_deadline = creditrisk.add_working_days(check_end, t.publication_working_days),
           publication_deadline_provisional =
               creditrisk.is_provisional(check_end, creditrisk.add_working_days(check_end, t.publication_working_days))
     WHERE x.task_id = task AND x.uscc = uscc
    RETURNING * INTO d;
    RETURN d;
END
$$;
COMMENT ON FUNCTION creditrisk.record_spot_check_outcome(bigint, creditrisk.uscc, date, text, boolean, text) IS
    'Records a drawn enterprise''s inspection outcome (录入检查结果): creates the spot_check record the indicators read (reported by reported_by, by default the organising division''s one market-regulation reporting unit) and sets the publication deadline, publication_working_days working days after the check (add_working_days; provisional for a year whose schedule is not loaded)';


-- The new record kinds refer to the register by references that pg_restore -j
-- can load in any order (extension/references.sql), like every record table.
SELECT creditrisk.add_reference(t || '_uscc_fkey', format('creditrisk.%I', t)::regclass, 'uscc', 'creditrisk.enterprise', 'uscc')
  FROM unnest(ARRAY['enforcement', 'confirmation', 'reward']) t;

-- ===========================================================================
-- Credit repair and commitments (issue 14)
-- ===========================================================================

-- penalty.sanctions: the kinds of sanction, which the repair rules read (the
-- gravest rule out repair).  The column goes after recorded_at in penalty, and
-- before superseded_at in penalty_history, as a fresh install has them
-- (keep_history() makes the history LIKE the table): superseded_at is moved
-- behind it, and penalty_as_known() made again over the new columns.
ALTER TABLE creditrisk.penalty ADD COLUMN sanctions text[] NOT NULL DEFAULT '{}'
    CONSTRAINT penalty_sanctions_known
                       CHECK (sanctions OPERATOR(pg_catalog.<@) ARRAY['warning', 'criticism', 'fine', 'confiscation',
                              'licence_suspended', 'qualification_lowered', 'licence_revoked', 'business_licence_revoked',
                              'activity_restricted', 'production_stopped', 'closure', 'practice_restricted', 'other']
                              AND pg_catalog.array_position(sanctions, NULL) IS NULL);
COMMENT ON COLUMN creditrisk.penalty.sanctions IS
    'Kinds of sanction the decision imposes (行政处罚种类, 行政处罚法 art. 9): warning 警告, criticism 通报批评, fine 罚款, confiscation 没收, licence_suspended 暂扣许可证件, qualification_lowered 降低资质等级, licence_revoked 吊销许可证件, business_licence_revoked 吊销营业执照, activity_restricted 限制开展生产经营活动, production_stopped 责令停产停业, closure 责令关闭, practice_restricted 限制从业, other; the gravest ones rule out credit repair (creditrisk.repair_rule_set.unrepairable_sanctions)';
DROP FUNCTION creditrisk.penalty_as_known(timestamptz);
ALTER TABLE creditrisk.penalty_history ADD COLUMN sanctions text[] NOT NULL DEFAULT '{}';
ALTER TABLE creditrisk.penalty_history ALTER COLUMN sanctions DROP DEFAULT;
ALTER TABLE creditrisk.penalty_history RENAME COLUMN superseded_at TO superseded_at_1_4;
ALTER TABLE creditrisk.penalty_history ADD COLUMN superseded_at timestamptz;
UPDATE creditrisk.penalty_history SET superseded_at = superseded_at_1_4;
ALTER TABLE creditrisk.penalty_history DROP COLUMN superseded_at_1_4;
ALTER TABLE creditrisk.penalty_history ALTER COLUMN superseded_at SET NOT NULL;
COMMENT ON COLUMN creditrisk.penalty_history.superseded_at IS 'When this version stopped being the known one (the update or delete)';
DO $as_known$
DECLARE
    cols text;
BEGIN
    SELECT string_agg(format('h.%I', a.attname), ', ' ORDER BY a.attnum) INTO cols
      FROM pg_catalog.pg_attribute a WHERE a.attrelid = 'creditrisk.penalty'::regclass AND a.attnum > 0 AND NOT a.attisdropped;
    EXECUTE format($f$CREATE FUNCTION creditrisk.penalty_as_known(known_at timestamptz) RETURNS SETOF creditrisk.penalty
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT %s
      FROM (SELECT x.*, NULL::timestamptz AS superseded_at FROM creditrisk.penalty x
            UNION ALL
            SELECT h.* FROM creditrisk.penalty_history h) h
     WHERE CASE WHEN known_at IS NULL THEN h.superseded_at IS NULL
                ELSE h.recorded_at <= known_at AND (h.superseded_at IS NULL OR h.superseded_at > known_at) END;
END$f$, cols);
END
$as_known$;
COMMENT ON FUNCTION creditrisk.penalty_as_known(timestamptz) IS
    'creditrisk.penalty as it was known at known_at (已知时点): the rows recorded by then, in the version known then; NULL = as known now';
REVOKE ALL ON FUNCTION creditrisk.penalty_as_known(timestamptz) FROM PUBLIC;

-- Rule sets, commitments, applications, record_end() (extension/repair.sql).
-- ---------------------------------------------------------------------------
-- Rule sets (修复规则), dated
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.repair_rule_set (
    regime                  text PRIMARY KEY
                            CONSTRAINT repair_rule_set_regime_format CHECK (regime ~ '^[a-z][a-z0-9_]{1,39}$'),
    name                    text NOT NULL CONSTRAINT repair_rule_set_name_nonempty CHECK (name <> ''),
    basis                   text NOT NULL CONSTRAINT repair_rule_set_basis_nonempty CHECK (basis <> ''),
    effective_from          date NOT NULL UNIQUE
                            CONSTRAINT repair_rule_set_effective_from_finite CHECK (pg_catalog.isfinite(effective_from)),
    penalty_min_minor       interval NOT NULL,
    penalty_min_general     interval NOT NULL,
    penalty_min_serious     interval NOT NULL,
    penalty_min_key_field   interval NOT NULL,
    unrepairable_sanctions  text[] NOT NULL,
    abnormal_min_listing    interval NOT NULL,
    serious_min_listing     interval NOT NULL,
    serious_max_term        interval NOT NULL,
    commitment_required     boolean NOT NULL,
    shipped                 boolean NOT NULL DEFAULT false,
    recorded_at             timestamptz NOT NULL,
    CONSTRAINT repair_rule_set_periods_nonnegative
        CHECK (penalty_min_minor >= '0' AND penalty_min_general >= '0' AND penalty_min_serious >= '0'
               AND penalty_min_key_field >= '0' AND abnormal_min_listing >= '0' AND serious_min_listing >= '0'),
    CONSTRAINT repair_rule_set_term_after_minimum CHECK (serious_max_term > serious_min_listing),
    CONSTRAINT repair_rule_set_sanctions_known
        CHECK (unrepairable_sanctions OPERATOR(pg_catalog.<@) ARRAY['warning', 'criticism', 'fine', 'confiscation',
               'licence_suspended', 'qualification_lowered', 'licence_revoked', 'business_licence_revoked',
               'activity_restricted', 'production_stopped', 'closure', 'practice_restricted', 'other']
               AND pg_catalog.array_position(unrepairable_sanctions, NULL) IS NULL)
);
COMMENT ON TABLE creditrisk.repair_rule_set IS
    'Credit-repair rule sets (信用修复规则), dated: the one with the latest effective_from on or before a date is in force on it (an application is judged by the set in force on its application date; a serious-dishonesty listing''s maximum term by the set in force on its listing date, or the earliest set for older listings). Shipped: SAMR 2021 and NDRC 2026; add a new set with one INSERT';
COMMENT ON COLUMN creditrisk.repair_rule_set.regime IS 'Key of the rule set, e.g. samr_2021, ndrc_2026';
COMMENT ON COLUMN creditrisk.repair_rule_set.effective_from IS 'First day the rule set is in force (施行日期); it is in force until the next set''s effective_from';
COMMENT ON COLUMN creditrisk.repair_rule_set.penalty_min_minor IS 'Minimum publicity (最短公示期) of a minor (轻微) penalty before its publicity may end early by repair';
COMMENT ON COLUMN creditrisk.repair_rule_set.penalty_min_general IS 'Minimum publicity of a general (一般) penalty before repair';
COMMENT ON COLUMN creditrisk.repair_rule_set.penalty_min_serious IS 'Minimum publicity of a serious (严重) penalty before repair';
COMMENT ON COLUMN creditrisk.repair_rule_set.penalty_min_key_field IS 'Minimum publicity before repair of a penalty in food, drugs or special equipment (食品、药品、特种设备), when longer than its severity''s';
COMMENT ON COLUMN creditrisk.repair_rule_set.unrepairable_sanctions IS 'Sanctions (creditrisk.penalty.sanctions) whose penalties cannot be repaired: the gravest (吊销许可证件、吊销营业执照、责令停产停业、限制从业)';
COMMENT ON COLUMN creditrisk.repair_rule_set.abnormal_min_listing IS 'Minimum time on the abnormal-operation list (经营异常名录) before removal by repair (0: once the cause is corrected)';
COMMENT ON COLUMN creditrisk.repair_rule_set.serious_min_listing IS 'Minimum time on the serious-dishonesty list (严重违法失信名单) before early removal (提前移出) by repair';
COMMENT ON COLUMN creditrisk.repair_rule_set.serious_max_term IS 'Maximum term of a serious-dishonesty listing: a listing with no removal date is no longer current from listed_date + this term (届满自动移出)';
COMMENT ON COLUMN creditrisk.repair_rule_set.commitment_required IS 'Repair requires a published credit commitment (信用承诺) of kind repair, in force on the application date';
COMMENT ON COLUMN creditrisk.repair_rule_set.shipped IS 'Shipped with the extension; frozen';
COMMENT ON COLUMN creditrisk.repair_rule_set.recorded_at IS
    'Knowledge time: when this version became known to the database; set by the trigger record_arrival';

INSERT INTO creditrisk.repair_rule_set (regime, name, basis, effective_from, penalty_min_minor, penalty_min_general,
                                        penalty_min_serious, penalty_min_key_field, unrepairable_sanctions,
                                        abnormal_min_listing, serious_min_listing, serious_max_term,
                                        commitment_required, shipped, recorded_at) VALUES
('samr_2021', '市场监督管理信用修复管理办法', 'SAMR, 国市监信规〔2021〕3号, in force 2021-09-01 (with SAMR order 44, 2021): publicity of a penalty may end after 6 months, 1 year in food, drugs and special equipment; not for licence or business-licence revocation, orders to stop production or business, restrictions from practice; serious-dishonesty list: early removal after 1 year, at most 3 years; free of charge',
 '2021-09-01', '6 months', '6 months', '6 months', '1 year',
 ARRAY['licence_revoked', 'business_licence_revoked', 'production_stopped', 'practice_restricted'],
 '0 days', '1 year', '3 years', false, true, '-infinity'),
('ndrc_2026', '失信行为纠正后的信用信息修复管理办法', 'NDRC order 36, in force 2026-04-01: publicity minor at most 3 months, general 3-12 months, serious 1-3 years; repair after the minimum publicity and a public credit commitment (信用承诺); the gravest sanctions and the food, drugs and special-equipment year kept from the 2021 rules; free of charge',
 '2026-04-01', '0 days', '3 months', '1 year', '1 year',
 ARRAY['licence_revoked', 'business_licence_revoked', 'production_stopped', 'practice_restricted'],
 '0 days', '1 year', '3 years', true, true, '-infinity');

-- (Its shipped rows are frozen by the trigger repair_rule_set_shipped, created
-- with creditrisk.shipped_row_guard() in extension/classification.sql; its
-- changes are logged, extension/audit.sql.)
-- (On an update the shipped rule sets become known now, not since always:
-- a run reproduced with a knowledge time before the update applies no
-- maximum term, as it did when it was made.)
UPDATE creditrisk.repair_rule_set SET recorded_at = pg_catalog.now() WHERE shipped;
CREATE TRIGGER repair_rule_set_shipped BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.repair_rule_set
    FOR EACH ROW EXECUTE FUNCTION creditrisk.shipped_row_guard('shipped',
        'Rule sets are dated: add one of your own with a later effective_from (shipped = false).');
SELECT creditrisk.keep_history('creditrisk.repair_rule_set');
SELECT creditrisk.log_changes_of('creditrisk.repair_rule_set');

-- ---------------------------------------------------------------------------
-- Credit commitments (信用承诺)
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.credit_commitment (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc            creditrisk.uscc NOT NULL,
    kind            text NOT NULL
                    CONSTRAINT credit_commitment_kind_valid CHECK (kind IN ('application', 'repair', 'industry_self_discipline')),
    signed_date     date NOT NULL,
    published_date  date,
    term_end        date,
    fulfilled_date  date,
    breached_date   date,
    breach_detail   text,
    reported_by     text NOT NULL CONSTRAINT credit_commitment_reported_by_nonempty CHECK (reported_by <> ''),
    received_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at     timestamptz NOT NULL,
    CONSTRAINT credit_commitment_published_after_signed CHECK (published_date >= signed_date),
    CONSTRAINT credit_commitment_term_after_signed CHECK (term_end > signed_date),
    CONSTRAINT credit_commitment_fulfilled_after_signed CHECK (fulfilled_date >= signed_date),
    CONSTRAINT credit_commitment_breached_after_signed CHECK (breached_date >= signed_date),
    CONSTRAINT credit_commitment_fulfilled_or_breached CHECK (fulfilled_date IS NULL OR breached_date IS NULL),
    CONSTRAINT credit_commitment_breach_described
        CHECK ((breached_date IS NULL) = (breach_detail IS NULL) AND breach_detail <> ''),
    CONSTRAINT credit_commitment_signed_date_finite CHECK (pg_catalog.isfinite(signed_date)),
    CONSTRAINT credit_commitment_published_date_finite CHECK (pg_catalog.isfinite(published_date)),
    CONSTRAINT credit_commitment_term_end_finite CHECK (pg_catalog.isfinite(term_end)),
    CONSTRAINT credit_commitment_fulfilled_date_finite CHECK (pg_catalog.isfinite(fulfilled_date)),
    CONSTRAINT credit_commitment_breached_date_finite CHECK (pg_catalog.isfinite(breached_date)),
    CONSTRAINT credit_commitment_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX credit_commitment_uscc_idx ON creditrisk.credit_commitment (uscc, signed_date);
COMMENT ON TABLE creditrisk.credit_commitment IS
    'Credit commitments (信用承诺书) signed by enterprises: in an application (审批替代型/申请承诺), for credit repair (信用修复承诺) or for industry self-discipline (行业自律承诺); published (公示) on the credit website, fulfilled (履约) or breached (失信/违诺)';
COMMENT ON COLUMN creditrisk.credit_commitment.kind IS 'application (申请类承诺), repair (信用修复承诺), industry_self_discipline (行业自律承诺)';
COMMENT ON COLUMN creditrisk.credit_commitment.signed_date IS 'Day the enterprise signed the commitment (签订)';
COMMENT ON COLUMN creditrisk.credit_commitment.published_date IS 'Day it was published on the credit website (公示, 信用中国); NULL = not published';
COMMENT ON COLUMN creditrisk.credit_commitment.term_end IS 'First day the commitment no longer binds (承诺期限, exclusive); NULL = open-ended';
COMMENT ON COLUMN creditrisk.credit_commitment.fulfilled_date IS 'Day its fulfilment was confirmed (履约)';
COMMENT ON COLUMN creditrisk.credit_commitment.breached_date IS 'Day the breach was established (违背承诺): a record the indicators can use';
COMMENT ON COLUMN creditrisk.credit_commitment.breach_detail IS 'What was breached (required with breached_date)';
COMMENT ON COLUMN creditrisk.credit_commitment.reported_by IS 'The department (unit) that reported the record';
COMMENT ON COLUMN creditrisk.credit_commitment.received_at IS 'When the record arrived';

-- ---------------------------------------------------------------------------
-- Credit-repair applications (信用修复申请), one procedure online and offline
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.credit_repair (
    id                              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc                            creditrisk.uscc NOT NULL,
    target                          text NOT NULL
                                    CONSTRAINT credit_repair_target_valid
                                    CHECK (target IN ('penalty', 'abnormal_listing', 'serious_dishonesty_listing')),
    penalty_id                      bigint,
    abnormal_listing_id             bigint,
    serious_dishonesty_listing_id   bigint,
    channel                         text NOT NULL
                                    CONSTRAINT credit_repair_channel_valid CHECK (channel IN ('online', 'offline')),
    applied_date                    date NOT NULL,
    accepted_date                   date,
    decided_date                    date,
    decision                        text
                                    CONSTRAINT credit_repair_decision_valid CHECK (decision IN ('approved', 'rejected')),
    reasons                         text,
    regime                          text,
    commitment_id                   bigint,
    reported_by                     text NOT NULL CONSTRAINT credit_repair_reported_by_nonempty CHECK (reported_by <> ''),
    received_at                     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at                     timestamptz NOT NULL,
    CONSTRAINT credit_repair_one_target CHECK (
        pg_catalog.num_nonnulls(penalty_id, abnormal_listing_id, serious_dishonesty_listing_id) = 1
        AND CASE target WHEN 'penalty' THEN penalty_id IS NOT NULL
                        WHEN 'abnormal_listing' THEN abnormal_listing_id IS NOT NULL
                        ELSE serious_dishonesty_listing_id IS NOT NULL END),
    CONSTRAINT credit_repair_accepted_after_applied CHECK (accepted_date >= applied_date),
    CONSTRAINT credit_repair_decided_after_accepted CHECK (decided_date >= accepted_date),
    CONSTRAINT credit_repair_decision_dated CHECK ((decision IS NULL) = (decided_date IS NULL)),
    CONSTRAINT credit_repair_decided_when_accepted CHECK (decided_date IS NULL OR accepted_date IS NOT NULL),
    CONSTRAINT credit_repair_decision_reasoned
        CHECK (decision IS NULL OR (reasons IS NOT NULL AND reasons <> '' AND regime IS NOT NULL)),
    CONSTRAINT credit_repair_applied_date_finite CHECK (pg_catalog.isfinite(applied_date)),
    CONSTRAINT credit_repair_accepted_date_finite CHECK (pg_catalog.isfinite(accepted_date)),
    CONSTRAINT credit_repair_decided_date_finite CHECK (pg_catalog.isfinite(decided_date)),
    CONSTRAINT credit_repair_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX credit_repair_uscc_idx ON creditrisk.credit_repair (uscc, applied_date);
-- Both refer to the register by references that pg_restore -j can load in
-- any order (extension/references.sql), like every record table.
SELECT creditrisk.add_reference('credit_commitment_uscc_fkey', 'creditrisk.credit_commitment', 'uscc',
                                'creditrisk.enterprise', 'uscc');
SELECT creditrisk.add_reference('credit_repair_uscc_fkey', 'creditrisk.credit_repair', 'uscc',
                                'creditrisk.enterprise', 'uscc');
CREATE UNIQUE INDEX credit_repair_one_approval ON creditrisk.credit_repair
    (target, (coalesce(penalty_id, abnormal_listing_id, serious_dishonesty_listing_id)))
    WHERE decision = 'approved';
-- The record, the rule set and the commitment an application names are
-- checked by the trigger credit_repair_check at every write, not by foreign
-- keys: the extension's tables are loaded in any order by a parallel
-- restore (pg_restore -j), and foreign keys among them fail it
-- (test/shell/dump_restore.sh).  The applicant is a foreign key to the
-- register, as in every record table.
COMMENT ON TABLE creditrisk.credit_repair IS
    'Credit-repair applications (信用修复申请) for a penalty''s publicity, an abnormal-operation listing or a serious-dishonesty listing, online or offline through one procedure, free of charge (no fee can be recorded): dates, decision, reasons and the rule set applied. An approved repair ends the publicity or listing on its decided_date (creditrisk.record_end())';
COMMENT ON COLUMN creditrisk.credit_repair.target IS 'What is to be repaired: penalty (行政处罚信息公示), abnormal_listing (经营异常名录), serious_dishonesty_listing (严重违法失信名单)';
COMMENT ON COLUMN creditrisk.credit_repair.penalty_id IS 'The penalty whose publicity is to end (target penalty)';
COMMENT ON COLUMN creditrisk.credit_repair.abnormal_listing_id IS 'The abnormal-operation listing to end (target abnormal_listing)';
COMMENT ON COLUMN creditrisk.credit_repair.serious_dishonesty_listing_id IS 'The serious-dishonesty listing to end (target serious_dishonesty_listing)';
COMMENT ON COLUMN creditrisk.credit_repair.channel IS 'online (国家企业信用信息公示系统) or offline (窗口); the same procedure and rules either way';
COMMENT ON COLUMN creditrisk.credit_repair.applied_date IS 'Day the application was made (申请日期); the rule set in force on it applies';
COMMENT ON COLUMN creditrisk.credit_repair.accepted_date IS 'Day it was accepted for examination (受理日期)';
COMMENT ON COLUMN creditrisk.credit_repair.decided_date IS 'Day of the decision (决定日期); an approval ends the publicity or listing on this day';
COMMENT ON COLUMN creditrisk.credit_repair.decision IS 'approved (准予修复) or rejected (不予修复); NULL = pending; set by creditrisk.repair_decide()';
COMMENT ON COLUMN creditrisk.credit_repair.reasons IS 'Reasons of the decision (理由)';
COMMENT ON COLUMN creditrisk.credit_repair.regime IS 'The rule set the decision applied (in force on the application date)';
COMMENT ON COLUMN creditrisk.credit_repair.commitment_id IS 'The published credit commitment (信用承诺) the repair relied on, where the rule set requires one';
COMMENT ON COLUMN creditrisk.credit_repair.reported_by IS 'The department (unit) that handled the application';
COMMENT ON COLUMN creditrisk.credit_repair.received_at IS 'When the record arrived';

-- A breach is a record the indicators can use: the built-in catalogue entry
-- commitment_breaches_3y (computed in C, src/indicator_rules.c), for models
-- that choose it (reference-v1 does not).
-- (The shipped-row and definition triggers exist on an update; the entry is
-- shipped, its SQL written by the extension: no author, like reference-v1's.)
ALTER TABLE creditrisk.indicator DISABLE TRIGGER indicator_shipped;
ALTER TABLE creditrisk.indicator DISABLE TRIGGER indicator_definition_check;
INSERT INTO creditrisk.indicator (code, name, name_en, unit, definition, source, builtin, shipped, owner, definition_sql)
VALUES ('commitment_breaches_3y', '近三年违背信用承诺次数', 'Credit commitments breached (3 years)', 'count',
        'Credit commitments whose breach was established with breached_date in (D - 3 years, D].',
        'credit_commitment.breached_date', true, true, NULL, $d$
(SELECT count(*)
   FROM creditrisk.credit_commitment_as_known($2) c
  WHERE c.uscc = e.uscc
    AND c.breached_date > ($1 - interval '3 years')::date AND c.breached_date <= $1)
$d$);
ALTER TABLE creditrisk.indicator ENABLE TRIGGER indicator_shipped;
ALTER TABLE creditrisk.indicator ENABLE TRIGGER indicator_definition_check;

SELECT creditrisk.keep_history('creditrisk.credit_commitment');
SELECT creditrisk.keep_history('creditrisk.credit_repair');

CREATE TRIGGER dates_not_future BEFORE INSERT OR UPDATE ON creditrisk.credit_commitment
    FOR EACH ROW EXECUTE FUNCTION creditrisk.dates_not_future('signed_date', 'published_date', 'fulfilled_date', 'breached_date');
CREATE TRIGGER dates_not_future BEFORE INSERT OR UPDATE ON creditrisk.credit_repair
    FOR EACH ROW EXECUTE FUNCTION creditrisk.dates_not_future('applied_date', 'accepted_date', 'decided_date');

-- The record an application names must be the applicant's, and known.
CREATE FUNCTION creditrisk.credit_repair_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp SET datestyle = 'ISO, YMD' AS $$
DECLARE
    owner_uscc creditrisk.uscc;
    rec_id bigint := coalesce(NEW.penalty_id, NEW.abnormal_listing_id, NEW.serious_dishonesty_listing_id);
    ok boolean;
    why text;
    why_detail text;
BEGIN
    -- A row restored or imported with its own recorded_at (which only the
    -- tables' owner may give: pg_restore) was checked when it was recorded; a
    -- parallel restore loads the tables it names in any order.
    IF TG_OP = 'INSERT' AND NEW.recorded_at IS NOT NULL THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.uscc, NEW.target, rec_id) IS DISTINCT FROM
                            (OLD.uscc, OLD.target, coalesce(OLD.penalty_id, OLD.abnormal_listing_id, OLD.serious_dishonesty_listing_id)) THEN
        RAISE EXCEPTION 'the record a credit-repair application concerns cannot change'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('Application %s concerns %s %s of %s.', OLD.id, OLD.target,
                                  coalesce(OLD.penalty_id, OLD.abnormal_listing_id, OLD.serious_dishonesty_listing_id), OLD.uscc),
                  HINT = 'Record a new application for the other record.';
    END IF;
    IF NEW.target = 'penalty' THEN
        SELECT p.uscc INTO owner_uscc FROM creditrisk.penalty p WHERE p.id = NEW.penalty_id;
    ELSIF NEW.target = 'abnormal_listing' THEN
        SELECT a.uscc INTO owner_uscc FROM creditrisk.abnormal_listing a WHERE a.id = NEW.abnormal_listing_id;
    ELSE
        SELECT s.uscc INTO owner_uscc FROM creditrisk.serious_dishonesty_listing s WHERE s.id = NEW.serious_dishonesty_listing_id;
    END IF;
    IF owner_uscc IS DISTINCT FROM NEW.uscc THEN
        RAISE EXCEPTION 'credit-repair application for a record of another enterprise'
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('%s %s belongs to %s, not to the applicant %s.', NEW.target, rec_id,
                                  coalesce(owner_uscc::text, '(no visible enterprise)'), NEW.uscc),
                  HINT = 'An enterprise applies for the repair of its own penalties and listings.';
    END IF;
    -- A decision stands (a later one is a new application) ...
    IF TG_OP = 'UPDATE' AND OLD.decision IS NOT NULL
       AND (NEW.decision, NEW.decided_date, NEW.regime, NEW.reasons) IS DISTINCT FROM
           (OLD.decision, OLD.decided_date, OLD.regime, OLD.reasons) THEN
        RAISE EXCEPTION 'credit-repair application % is already decided', OLD.id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('It was %s on %s.', OLD.decision, OLD.decided_date),
                  HINT = 'A decision stands; a new application is a new row.';
    END IF;
    -- ... and an approval, however written, needs an eligible record (rows
    -- restored with their own recorded_at, which only the owner may give,
    -- were judged when they were recorded).
    IF NEW.decision = 'approved' AND (TG_OP = 'UPDATE' OR NEW.recorded_at IS NULL)
       AND (TG_OP = 'INSERT' OR OLD.decision IS NULL) THEN
        SELECT e.eligible, e.rule, e.detail INTO ok, why, why_detail
          FROM creditrisk.repair_eligibility(NEW.target, rec_id, NEW.applied_date) e;
        IF NOT ok THEN
            RAISE EXCEPTION 'credit-repair application cannot be approved: %', why
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = why_detail,
                      HINT = 'Check creditrisk.repair_eligibility() for the application date; reject the application with its reasons.';
        END IF;
    END IF;
    IF NEW.regime IS NOT NULL AND NOT EXISTS (SELECT 1 FROM creditrisk.repair_rule_set r WHERE r.regime = NEW.regime) THEN
        RAISE EXCEPTION 'unknown credit-repair rule set %', NEW.regime
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'SELECT regime FROM creditrisk.repair_rule_set lists them.';
    END IF;
    IF NEW.commitment_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM creditrisk.credit_commitment c
                                                      WHERE c.id = NEW.commitment_id AND c.uscc = NEW.uscc) THEN
        RAISE EXCEPTION 'credit-repair application relies on a commitment of another enterprise'
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('Commitment %s is not one of %s.', NEW.commitment_id, NEW.uscc),
                  HINT = 'Name a commitment the applicant signed.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION creditrisk.credit_repair_check() IS
    'Trigger: a credit-repair application (信用修复申请) concerns a penalty or listing of the applicant itself (which exists), which cannot change afterwards, relies only on the applicant''s own commitments and a known rule set, is approved only when the record is eligible (creditrisk.repair_eligibility on the application date), and its decision stands; rows restored with their own recorded_at are not judged again';
CREATE TRIGGER credit_repair_check BEFORE INSERT OR UPDATE ON creditrisk.credit_repair
    FOR EACH ROW EXECUTE FUNCTION creditrisk.credit_repair_check();

-- ---------------------------------------------------------------------------
-- When a publicity or listing ends: its own end date, an approved repair, or
-- (serious-dishonesty listings) the maximum term.  These functions are the
-- one definition; the C engine reads record_ends() (src/compute.c), the
-- shipped override rule and the SQL definitions of the built-in indicators
-- call record_end().
-- ---------------------------------------------------------------------------

-- The rule set in force on a date, as known at a moment (NULL = now).
CREATE FUNCTION creditrisk.repair_rule_set_on(on_date date, known_at timestamptz DEFAULT NULL)
RETURNS SETOF creditrisk.repair_rule_set
LANGUAGE sql STABLE PARALLEL SAFE ROWS 1
BEGIN ATOMIC
    SELECT r.* FROM creditrisk.repair_rule_set_as_known(known_at) r
     WHERE r.effective_from <= on_date
     ORDER BY r.effective_from DESC
     LIMIT 1;
END;
COMMENT ON FUNCTION creditrisk.repair_rule_set_on(date, timestamptz) IS
    'The credit-repair rule set (信用修复规则) in force on on_date, as known at known_at (NULL = now); no row before the first set';

-- The end of a listing by its maximum term: for a serious-dishonesty listing,
-- listed + the term of the rule set in force on its listing date (the
-- earliest set for a listing made before any); NULL for other kinds.
CREATE FUNCTION creditrisk.listing_term_end(kind text, listed date, known_at timestamptz DEFAULT NULL)
RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE WHEN kind = 'serious_dishonesty_listing' THEN
               (listed + coalesce((SELECT r.serious_max_term FROM creditrisk.repair_rule_set_as_known(known_at) r
                                    WHERE r.effective_from <= listed ORDER BY r.effective_from DESC LIMIT 1),
                                  (SELECT r.serious_max_term FROM creditrisk.repair_rule_set_as_known(known_at) r
                                    ORDER BY r.effective_from LIMIT 1)))::date
           END;
END;
COMMENT ON FUNCTION creditrisk.listing_term_end(text, date, timestamptz) IS
    'End of a listing by its maximum term (届满自动移出): for a serious-dishonesty listing, listed + serious_max_term of the rule set in force on the listing date (the earliest set for older listings), as known at known_at; NULL for other kinds (no automatic end)';

-- The earliest approved repair of a record, as known at a moment.
CREATE FUNCTION creditrisk.repair_end(kind text, record_id bigint, known_at timestamptz DEFAULT NULL)
RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT min(r.decided_date) FROM creditrisk.credit_repair_as_known(known_at) r
     WHERE r.decision = 'approved' AND r.target = kind
       AND coalesce(r.penalty_id, r.abnormal_listing_id, r.serious_dishonesty_listing_id) = record_id;
END;
COMMENT ON FUNCTION creditrisk.repair_end(text, bigint, timestamptz) IS
    'The decision date of the approved credit repair (信用修复) of a record (kind penalty, abnormal_listing or serious_dishonesty_listing), as known at known_at (NULL = now); NULL when none';

-- The effective end of a penalty's publicity or of a listing.
CREATE FUNCTION creditrisk.record_end(kind text, record_id bigint, start date, recorded_end date,
                                      known_at timestamptz DEFAULT NULL)
RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE WHEN kind = 'penalty' AND recorded_end IS NULL THEN NULL
                ELSE LEAST(recorded_end, creditrisk.repair_end(kind, record_id, known_at),
                                      creditrisk.listing_term_end(kind, start, known_at)) END;
END;
COMMENT ON FUNCTION creditrisk.record_end(text, bigint, date, date, timestamptz) IS
    'Effective end (exclusive) of a penalty''s publicity or a listing, as known at known_at: the earliest of its recorded end (publicity_end_date, removed_date), the decision date of an approved credit repair, and the maximum term of a serious-dishonesty listing; NULL = open (a penalty without a publicity end stays without one). Current on D: start <= D AND (end IS NULL OR end > D)';

-- Every cut, for the C engine: (kind, record, end) for each record whose end
-- an approved repair or a maximum term sets; the engine takes the earliest
-- with the record's own end, as record_end() does.
CREATE FUNCTION creditrisk.record_ends(known_at timestamptz DEFAULT NULL)
RETURNS TABLE (kind text, record_id bigint, end_date date)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT r.target, coalesce(r.penalty_id, r.abnormal_listing_id, r.serious_dishonesty_listing_id), r.decided_date
      FROM creditrisk.credit_repair_as_known(known_at) r
     WHERE r.decision = 'approved'
    UNION ALL
    SELECT 'serious_dishonesty_listing', l.id, creditrisk.listing_term_end('serious_dishonesty_listing', l.listed_date, known_at)
      FROM creditrisk.serious_dishonesty_listing_as_known(known_at) l;
END;
COMMENT ON FUNCTION creditrisk.record_ends(timestamptz) IS
    'The ends that credit repairs and maximum terms set, as known at known_at: (kind, record id, end date), several per record possible (the earliest applies, with the record''s own end); what compute_indicators reads so that C and creditrisk.record_end() agree';

-- ---------------------------------------------------------------------------
-- Eligibility and decision
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.repair_eligibility(kind text, record_id bigint, on_date date, known_at timestamptz DEFAULT NULL)
RETURNS TABLE (eligible boolean, eligible_from date, regime text, rule text, detail text, commitment_id bigint)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, creditrisk, pg_temp SET datestyle = 'ISO, YMD' SET intervalstyle = 'postgres' AS $$
DECLARE
    rs creditrisk.repair_rule_set;
    r_uscc creditrisk.uscc;
    r_start date;
    r_end date;
    r_eff date;
    p creditrisk.penalty;
    min_period interval;
    commitment bigint;
BEGIN
    IF kind IS NULL OR kind NOT IN ('penalty', 'abnormal_listing', 'serious_dishonesty_listing') THEN
        RAISE EXCEPTION 'unknown kind of record for credit repair: %', coalesce(kind, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use penalty, abnormal_listing or serious_dishonesty_listing.';
    END IF;
    IF on_date IS NULL OR NOT pg_catalog.isfinite(on_date) THEN
        RAISE EXCEPTION 'credit-repair eligibility needs a calendar date, not %', coalesce(on_date::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give the application date.';
    END IF;
    IF kind = 'penalty' THEN
        SELECT x.* INTO p FROM creditrisk.penalty_as_known(known_at) x WHERE x.id = record_id;
        r_uscc := p.uscc; r_start := p.decision_date; r_end := p.publicity_end_date;
    ELSIF kind = 'abnormal_listing' THEN
        SELECT x.uscc, x.listed_date, x.removed_date INTO r_uscc, r_start, r_end
          FROM creditrisk.abnormal_listing_as_known(known_at) x WHERE x.id = record_id;
    ELSE
        SELECT x.uscc, x.listed_date, x.removed_date INTO r_uscc, r_start, r_end
          FROM creditrisk.serious_dishonesty_listing_as_known(known_at) x WHERE x.id = record_id;
    END IF;
    IF r_uscc IS NULL THEN
        RAISE EXCEPTION 'no % with id %', kind, coalesce(record_id::text, 'NULL')
            USING ERRCODE = 'no_data_found',
                  DETAIL = CASE WHEN known_at IS NULL THEN 'It is not on record (or not in your jurisdiction).'
                                ELSE format('It was not on record at %s (or is not in your jurisdiction).', known_at) END,
                  HINT = format('Look the id up in creditrisk.%s.', kind);
    END IF;

    SELECT x.* INTO rs FROM creditrisk.repair_rule_set_on(on_date, known_at) x;
    IF rs.regime IS NULL THEN
        RETURN QUERY SELECT false, NULL::date, NULL::text, 'no_rule_set'::text,
            format('No credit-repair rule set was in force on %s.', on_date), NULL::bigint;
        RETURN;
    END IF;
    IF r_start > on_date THEN
        RETURN QUERY SELECT false, NULL::date, rs.regime, 'not_yet_recorded'::text,
            format('The %s dates from %s, after %s.', kind, r_start, on_date), NULL::bigint;
        RETURN;
    END IF;
    r_eff := creditrisk.record_end(kind, record_id, r_start, r_end, known_at);

    IF kind = 'penalty' THEN
        IF p.sanctions && rs.unrepairable_sanctions THEN
            RETURN QUERY SELECT false, NULL::date, rs.regime, 'gravest_penalty'::text,
                format('%s: a penalty with %s cannot be repaired.', rs.regime,
                       array_to_string(ARRAY(SELECT unnest(p.sanctions) INTERSECT SELECT unnest(rs.unrepairable_sanctions) ORDER BY 1), ', ')),
                NULL::bigint;
            RETURN;
        END IF;
        IF r_eff IS NULL OR r_eff <= on_date THEN
            RETURN QUERY SELECT false, NULL::date, rs.regime, 'not_publicised'::text,
                CASE WHEN r_eff IS NULL THEN 'The penalty has no publicity period on record.'
                     ELSE format('Its publicity ended on %s: nothing to repair on %s.', r_eff, on_date) END, NULL::bigint;
            RETURN;
        END IF;
        min_period := CASE p.severity WHEN 'minor' THEN rs.penalty_min_minor
                                      WHEN 'general' THEN rs.penalty_min_general
                                      ELSE rs.penalty_min_serious END;
        IF p.field <> 'other' AND rs.penalty_min_key_field > min_period THEN
            min_period := rs.penalty_min_key_field;
            rule := 'minimum_publicity_key_field';
        ELSE
            rule := 'minimum_publicity';
        END IF;
        detail := format('%s: a %s penalty%s may end its publicity %s (decided %s).', rs.regime, p.severity,
                         CASE WHEN p.field <> 'other' THEN format(' in %s', p.field) ELSE '' END,
                         CASE WHEN min_period = '0' THEN 'at any time' ELSE 'after ' || min_period END, r_start);
    ELSE
        IF NOT creditrisk.is_current(r_start, r_eff, on_date) THEN
            RETURN QUERY SELECT false, NULL::date, rs.regime, 'not_listed'::text,
                format('The listing ended on %s: nothing to repair on %s.', r_eff, on_date), NULL::bigint;
            RETURN;
        END IF;
        min_period := CASE kind WHEN 'abnormal_listing' THEN rs.abnormal_min_listing ELSE rs.serious_min_listing END;
        rule := CASE kind WHEN 'abnormal_listing' THEN 'abnormal_correction' ELSE 'serious_early_removal' END;
        detail := format('%s: a listing on the %s list may end early %s (listed %s).', rs.regime,
                         CASE kind WHEN 'abnormal_listing' THEN 'abnormal-operation' ELSE 'serious-dishonesty' END,
                         CASE WHEN min_period = '0' THEN 'once its cause is corrected' ELSE 'after ' || min_period END,
                         r_start);
    END IF;

    eligible_from := (r_start + min_period)::date;
    IF on_date < eligible_from THEN
        RETURN QUERY SELECT false, eligible_from, rs.regime, rule, detail, NULL::bigint;
        RETURN;
    END IF;
    IF rs.commitment_required THEN
        SELECT c.id INTO commitment
          FROM creditrisk.credit_commitment_as_known(known_at) c
         WHERE c.uscc = r_uscc AND c.kind = 'repair' AND c.published_date <= on_date
           AND (c.term_end IS NULL OR c.term_end > on_date)
           AND (c.breached_date IS NULL OR c.breached_date > on_date)
         ORDER BY c.published_date DESC, c.id DESC
         LIMIT 1;
        IF commitment IS NULL THEN
            RETURN QUERY SELECT false, eligible_from, rs.regime, 'commitment_required'::text,
                format('%s: repair requires a published credit commitment (信用承诺) of kind repair, in force and not breached on %s.',
                       rs.regime, on_date), NULL::bigint;
            RETURN;
        END IF;
    END IF;
    RETURN QUERY SELECT true, eligible_from, rs.regime, rule, detail, commitment;
END
$$;
COMMENT ON FUNCTION creditrisk.repair_eligibility(text, bigint, date, timestamptz) IS
    'Whether a penalty''s publicity or a listing (kind penalty, abnormal_listing, serious_dishonesty_listing; record id) may be repaired (信用修复) on on_date (the application date) under the rule set in force then, as known at known_at (NULL = now): eligible, from when, the rule set, the rule that decides (minimum_publicity, minimum_publicity_key_field, gravest_penalty, not_publicised, abnormal_correction, serious_early_removal, not_listed, commitment_required, no_rule_set, not_yet_recorded), an explanation and the commitment relied on';

CREATE FUNCTION creditrisk.repair_decide(application bigint, decision text, decided date, reasons text)
RETURNS creditrisk.credit_repair
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, creditrisk, pg_temp SET datestyle = 'ISO, YMD' AS $$
DECLARE
    a creditrisk.credit_repair;
    e record;
    result creditrisk.credit_repair;
BEGIN
    IF decision IS NULL OR decision NOT IN ('approved', 'rejected') THEN
        RAISE EXCEPTION 'a credit-repair decision is approved or rejected, not %', coalesce(decision, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF decided IS NULL OR NOT pg_catalog.isfinite(decided) THEN
        RAISE EXCEPTION 'a credit-repair decision needs its date'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Give the day of the decision (决定日期).';
    END IF;
    IF reasons IS NULL OR pg_catalog.btrim(reasons) = '' THEN
        RAISE EXCEPTION 'a credit-repair decision needs its reasons'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'State the reasons (理由) of the decision.';
    END IF;
    SELECT x.* INTO a FROM creditrisk.credit_repair x WHERE x.id = application FOR UPDATE;
    IF a.id IS NULL THEN
        RAISE EXCEPTION 'no credit-repair application %', coalesce(application::text, 'NULL')
            USING ERRCODE = 'no_data_found', DETAIL = 'It is not on record (or not in your jurisdiction).';
    END IF;
    IF a.decision IS NOT NULL THEN
        RAISE EXCEPTION 'credit-repair application % is already decided', application
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('It was %s on %s.', a.decision, a.decided_date),
                  HINT = 'A decision stands; a new application is a new row.';
    END IF;
    IF a.accepted_date IS NULL THEN
        RAISE EXCEPTION 'credit-repair application % has not been accepted', application
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Record the acceptance (受理) first: UPDATE creditrisk.credit_repair SET accepted_date = ….';
    END IF;
    IF decided < a.accepted_date THEN
        RAISE EXCEPTION 'credit-repair decision dated before the acceptance'
            USING ERRCODE = 'check_violation',
                  DETAIL = format('Decided %s, accepted %s.', decided, a.accepted_date);
    END IF;
    SELECT x.* INTO e FROM creditrisk.repair_eligibility(a.target,
        coalesce(a.penalty_id, a.abnormal_listing_id, a.serious_dishonesty_listing_id), a.applied_date) x;
    IF decision = 'approved' AND NOT e.eligible THEN
        RAISE EXCEPTION 'credit-repair application % cannot be approved: %', application, e.rule
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = e.detail,
                  HINT = CASE WHEN e.eligible_from > a.applied_date
                              THEN format('The record may be repaired on an application made on or after %s.', e.eligible_from)
                              ELSE 'Reject it, with its reasons.' END;
    END IF;
    UPDATE creditrisk.credit_repair x
       SET decision = repair_decide.decision, decided_date = decided, reasons = repair_decide.reasons,
           regime = coalesce(e.regime, (SELECT r.regime FROM creditrisk.repair_rule_set r ORDER BY r.effective_from LIMIT 1)),
           commitment_id = coalesce(x.commitment_id, e.commitment_id)
     WHERE x.id = application
    RETURNING x.* INTO result;
    RETURN result;
END
$$;
COMMENT ON FUNCTION creditrisk.repair_decide(bigint, text, date, text) IS
    'Records the decision (approved 准予修复 / rejected 不予修复) on an accepted credit-repair application with its date and reasons, under the rule set in force on the application date; an approval of an ineligible record is refused (55000, with the rule); an approved repair ends the publicity or listing on its decision date';

-- ---------------------------------------------------------------------------
-- Row-level security, dump, privileges
-- ---------------------------------------------------------------------------
DO $rls$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['credit_commitment', 'credit_repair', 'credit_commitment_history', 'credit_repair_history']
    LOOP
        EXECUTE format('ALTER TABLE creditrisk.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE creditrisk.%I FORCE ROW LEVEL SECURITY', t);
    END LOOP;
END
$rls$;

SELECT pg_catalog.pg_extension_config_dump('creditrisk.repair_rule_set', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.credit_commitment', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.credit_commitment_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.credit_repair', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.credit_repair_id_seq', '');

REVOKE ALL ON TABLE creditrisk.repair_rule_set, creditrisk.credit_commitment, creditrisk.credit_repair FROM PUBLIC;
REVOKE ALL ON SEQUENCE creditrisk.credit_commitment_id_seq, creditrisk.credit_repair_id_seq FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.credit_repair_check(), creditrisk.repair_rule_set_on(date, timestamptz),
                       creditrisk.listing_term_end(text, date, timestamptz), creditrisk.repair_end(text, bigint, timestamptz),
                       creditrisk.record_end(text, bigint, date, date, timestamptz), creditrisk.record_ends(timestamptz),
                       creditrisk.repair_eligibility(text, bigint, date, timestamptz),
                       creditrisk.repair_decide(bigint, text, date, text) FROM PUBLIC;

-- The new tables in the roles' grants and policies.
-- (create_roles() is defined once, in its current form, further below.)

-- The shipped serious-dishonesty rule and the SQL definitions of the listings
-- and publicity read record_end(): an approved repair or the maximum term
-- ends them (the C engine reads record_ends()).  The rule's new version is
-- known from now on (override_rule keeps its history), so a run reproduced
-- with an earlier knowledge time applies the rule as it was.
ALTER TABLE creditrisk.override_rule DISABLE TRIGGER override_rule_shipped;
UPDATE creditrisk.override_rule SET rule_sql = $rule$SELECT l.uscc, 'D' AS class, min(l.listed_date) AS listed_date
  FROM creditrisk.serious_dishonesty_listing_as_known($2) l
 WHERE creditrisk.is_current(l.listed_date,
           creditrisk.record_end('serious_dishonesty_listing', l.id, l.listed_date, l.removed_date, $2), $1)
 GROUP BY l.uscc$rule$
 WHERE code = 'serious_dishonesty' AND shipped;
ALTER TABLE creditrisk.override_rule ENABLE TRIGGER override_rule_shipped;
ALTER TABLE creditrisk.indicator DISABLE TRIGGER indicator_guard;
ALTER TABLE creditrisk.indicator DISABLE TRIGGER indicator_shipped;
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN EXISTS (SELECT 1 FROM creditrisk.abnormal_listing_as_known($2) a
                   WHERE a.uscc = e.uscc
                     AND a.listed_date <= $1 AND coalesce(creditrisk.record_end('abnormal_listing', a.id, a.listed_date, a.removed_date, $2) > $1, true))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'abnormal_list_current';
UPDATE creditrisk.indicator SET definition_sql = $d$
coalesce((SELECT a.reason
            FROM creditrisk.abnormal_listing_as_known($2) a
           WHERE a.uscc = e.uscc
             AND a.listed_date <= $1 AND coalesce(creditrisk.record_end('abnormal_listing', a.id, a.listed_date, a.removed_date, $2) > $1, true)
           ORDER BY CASE a.reason WHEN 1 THEN 1 WHEN 9 THEN 2 WHEN 2 THEN 3 WHEN 3 THEN 4 WHEN 4 THEN 5 END DESC
           LIMIT 1),
         0)
$d$ WHERE code = 'abnormal_list_reason_current';
UPDATE creditrisk.indicator SET definition_sql = $d$
coalesce($1 - (SELECT min(a.listed_date)
                 FROM creditrisk.abnormal_listing_as_known($2) a
                WHERE a.uscc = e.uscc
                  AND a.listed_date <= $1 AND coalesce(creditrisk.record_end('abnormal_listing', a.id, a.listed_date, a.removed_date, $2) > $1, true)) + 1,
         0)
$d$ WHERE code = 'abnormal_list_current_days';
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN EXISTS (SELECT 1 FROM creditrisk.serious_dishonesty_listing_as_known($2) s
                   WHERE s.uscc = e.uscc
                     AND s.listed_date <= $1 AND coalesce(creditrisk.record_end('serious_dishonesty_listing', s.id, s.listed_date, s.removed_date, $2) > $1, true))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'serious_dishonesty_current';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM (SELECT creditrisk.record_end('serious_dishonesty_listing', s.id, s.listed_date, s.removed_date, $2) AS ended
           FROM creditrisk.serious_dishonesty_listing_as_known($2) s
          WHERE s.uscc = e.uscc AND s.listed_date <= $1) s
  WHERE s.ended > ($1 - interval '2 years')::date AND s.ended <= $1)
$d$ WHERE code = 'serious_dishonesty_removed_2y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc
    AND p.decision_date <= $1
    AND creditrisk.record_end('penalty', p.id, p.decision_date, p.publicity_end_date, $2) > $1)
$d$ WHERE code = 'penalties_in_publicity';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.register_at($1, $2) r
  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link_as_known($2) l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1))
    AND EXISTS (SELECT 1 FROM creditrisk.abnormal_listing_as_known($2) a
                 WHERE a.uscc = r.uscc
                   AND a.listed_date <= $1 AND coalesce(creditrisk.record_end('abnormal_listing', a.id, a.listed_date, a.removed_date, $2) > $1, true)))
$d$ WHERE code = 'related_abnormal_current';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.register_at($1, $2) r
  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link_as_known($2) l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1))
    AND EXISTS (SELECT 1 FROM creditrisk.serious_dishonesty_listing_as_known($2) s
                 WHERE s.uscc = r.uscc
                   AND s.listed_date <= $1 AND coalesce(creditrisk.record_end('serious_dishonesty_listing', s.id, s.listed_date, s.removed_date, $2) > $1, true)))
$d$ WHERE code = 'related_serious_dishonesty_current';
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.parent_uscc IS NULL THEN 0
     WHEN EXISTS (SELECT 1 FROM creditrisk.register_at($1, $2) pe
                   WHERE pe.uscc = e.parent_uscc
                     AND pe.status IN ('revoked', 'cancelled') AND pe.status_date <= $1)
       OR EXISTS (SELECT 1 FROM creditrisk.abnormal_listing_as_known($2) a
                   WHERE a.uscc = e.parent_uscc
                     AND a.listed_date <= $1 AND coalesce(creditrisk.record_end('abnormal_listing', a.id, a.listed_date, a.removed_date, $2) > $1, true))
       OR EXISTS (SELECT 1 FROM creditrisk.serious_dishonesty_listing_as_known($2) s
                   WHERE s.uscc = e.parent_uscc
                     AND s.listed_date <= $1 AND coalesce(creditrisk.record_end('serious_dishonesty_listing', s.id, s.listed_date, s.removed_date, $2) > $1, true))
       OR EXISTS (SELECT 1 FROM creditrisk.judgment_debtor_listing_as_known($2) j
                   WHERE j.uscc = e.parent_uscc
                     AND j.listed_date <= $1 AND (j.removed_date IS NULL OR j.removed_date > $1))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'parent_adverse';
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN EXISTS (SELECT 1
                    FROM creditrisk.related_party_link_as_known($2) l
                   WHERE l.to_uscc = e.uscc AND l.kind = 'shareholder'
                     AND (l.valid_from IS NULL OR l.valid_from <= $1)
                     AND (l.valid_to IS NULL OR l.valid_to > $1)
                     AND (EXISTS (SELECT 1 FROM creditrisk.serious_dishonesty_listing_as_known($2) s
                                   WHERE s.uscc = l.from_uscc
                                     AND s.listed_date <= $1 AND coalesce(creditrisk.record_end('serious_dishonesty_listing', s.id, s.listed_date, s.removed_date, $2) > $1, true))
                          OR EXISTS (SELECT 1 FROM creditrisk.judgment_debtor_listing_as_known($2) j
                                      WHERE j.uscc = l.from_uscc
                                        AND j.listed_date <= $1 AND (j.removed_date IS NULL OR j.removed_date > $1))))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'shareholder_listed_current';
ALTER TABLE creditrisk.indicator ENABLE TRIGGER indicator_guard;
ALTER TABLE creditrisk.indicator ENABLE TRIGGER indicator_shipped;

-- ===========================================================================
-- Names, explain_enterprise, schedule, model performance (issue 15)
-- ===========================================================================

-- Names, not codes: "this division and everything under it" (in_division),
-- the names of reason codes, division and enterprise names in the analysts' views.

CREATE FUNCTION creditrisk.division_from(division text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF division !~ '^[0-9]{2}([0-9]{2}([0-9]{2})?)?$' THEN
        RAISE EXCEPTION 'invalid division "%"', division
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A division is its six-digit code (410000, 411600, 411622) or the prefix of its level: two digits for a province (41), four for a city (4116).',
                  HINT = 'For example creditrisk.in_division(division_code, ''4116'') keeps 周口市 and its counties.';
    END IF;
    RETURN rpad(division, 6, '0');
END
$$;
COMMENT ON FUNCTION creditrisk.division_from(text) IS
    'The first division code of a division given by its code or level prefix (41, 4116, 411622): 410000, 411600, 411622; 22023 for anything else';

CREATE FUNCTION creditrisk.division_to(division text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    first text := creditrisk.division_from(division);   -- validates
BEGIN
    IF length(division) = 6 THEN
        RETURN creditrisk.division_upper(first);
    END IF;
    RETURN rpad(lpad((division::integer + 1)::text, length(division), '0'), 6, '0');
END
$$;
COMMENT ON FUNCTION creditrisk.division_to(text) IS
    'The first division code after a division (given by its code or level prefix) and everything below it (下辖区划): 41 → 420000, 4116 → 411700, 411600 → 411700, 411622 → 411623';

CREATE FUNCTION creditrisk.in_division(division_code text, division text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT division_code OPERATOR(pg_catalog.>=) creditrisk.division_from(division)
       AND division_code OPERATOR(pg_catalog.<) creditrisk.division_to(division);
END;
COMMENT ON FUNCTION creditrisk.in_division(text, text) IS
    'Whether a division code lies in a division or anywhere under it (本级及下辖): in_division(division_code, ''4116'') for 周口市 and its counties, ''411622'' for 西华县, ''41'' for the province; inlined into the caller''s query as a range on division_code, which an index serves';


CREATE VIEW creditrisk.reason_code WITH (security_invoker = true) AS
SELECT 'indicator'::text AS kind, NULL::text AS model_key, i.code, i.name, i.name_en FROM creditrisk.indicator i
UNION ALL
SELECT 'floor', f.model_key, f.code, f.name, f.name_en FROM creditrisk.model_floor f
UNION ALL
SELECT 'override', NULL, o.code, o.name, o.name_en FROM creditrisk.override_rule o;
COMMENT ON VIEW creditrisk.reason_code IS
    'Every reason code an analyst sees, with its Chinese and English names (原因代码): indicator codes (指标), floor codes of each model (定性判定) and override rules (直接定性)';

CREATE FUNCTION creditrisk.reason_names(codes text[], model text DEFAULT NULL) RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT coalesce(array_agg(coalesce((SELECT i.name FROM creditrisk.indicator i WHERE i.code = u.c),
                              (SELECT f.name FROM creditrisk.model_floor f
                                WHERE f.code = u.c AND (reason_names.model IS NULL OR f.model_key = reason_names.model)
                                ORDER BY f.model_key LIMIT 1),
                              (SELECT o.name FROM creditrisk.override_rule o WHERE o.code = u.c),
                              u.c) ORDER BY u.n), '{}')
      FROM unnest(reason_names.codes) WITH ORDINALITY AS u(c, n)
     WHERE reason_names.codes IS NOT NULL
    HAVING reason_names.codes IS NOT NULL
$$;
COMMENT ON FUNCTION creditrisk.reason_names(text[], text) IS
    'The Chinese names (名称) of reason codes, in their order: indicator codes, floor codes (of the model given, or of any model) and override-rule codes; an unknown code stays as it is; an empty array for an empty array, NULL for NULL';


CREATE OR REPLACE VIEW creditrisk.classification_current WITH (security_barrier = true) AS
SELECT c.uscc, c.division_code, c.score, c.score_class, c.final_class, c.overrides, c.override_details, c.reasons,
       d.name AS division_name, e.name AS enterprise_name,
       creditrisk.reason_names(c.overrides) AS override_names, creditrisk.reason_names(c.reasons) AS reason_names
  FROM creditrisk.classification_current_mv c
  LEFT JOIN creditrisk.division d ON d.code = c.division_code
  LEFT JOIN creditrisk.enterprise e ON e.uscc = c.uscc
 WHERE c.division_code >= (SELECT creditrisk.scope_from()) AND c.division_code < (SELECT creditrisk.scope_to());
COMMENT ON VIEW creditrisk.classification_current IS
    'The classification of the latest run (最新分类结果), one row per enterprise of the reader''s jurisdiction (管辖范围), with the names of its division and of the enterprise and the Chinese names of its override and reason codes; the date, version and model are in creditrisk.classification_run';


CREATE OR REPLACE VIEW creditrisk.classification_domain_current WITH (security_barrier = true) AS
SELECT c.uscc, c.domain, c.division_code, c.general_class, c.professional_class, c.assessed_date, c.method, c.fused_class,
       d.name AS division_name
  FROM creditrisk.classification_domain_current_mv c
  LEFT JOIN creditrisk.division d ON d.code = c.division_code
 WHERE c.division_code >= (SELECT creditrisk.scope_from()) AND c.division_code < (SELECT creditrisk.scope_to());
COMMENT ON VIEW creditrisk.classification_domain_current IS
    'Each enterprise''s class in each domain it belongs to (通用+专业融合, art. 16), latest run, enterprises of the reader''s jurisdiction';


CREATE OR REPLACE VIEW creditrisk.enterprise_measures WITH (security_invoker = true) AS
SELECT c.uscc, c.division_code, c.final_class AS class, m.min_spot_check_ratio, m.proactive_onsite_inspection,
       m.key_licensing_review, m.key_supervision_target, m.other_measures, m.sources,
       c.division_name, c.enterprise_name, c.override_names, c.reason_names
  FROM creditrisk.classification_current c
  JOIN (SELECT d.division_code, f.*
          FROM (SELECT DISTINCT x.division_code FROM creditrisk.classification_current x) d
         CROSS JOIN LATERAL creditrisk.measures_in_force(d.division_code, current_date) f) m
    ON m.division_code = c.division_code AND m.class = c.final_class;
COMMENT ON VIEW creditrisk.enterprise_measures IS
    'The supervision measures (监管措施) that apply today to each enterprise of the latest run, by its final class and division (strictest of province, city and county), with the names of the division and the enterprise and why (the Chinese names of its overrides and reason codes)';


CREATE OR REPLACE VIEW creditrisk.enterprise_domain_measures WITH (security_invoker = true) AS
SELECT c.uscc, c.domain, c.division_code, c.fused_class AS class, m.min_spot_check_ratio, m.proactive_onsite_inspection,
       m.key_licensing_review, m.key_supervision_target, m.other_measures, m.sources, c.division_name
  FROM creditrisk.classification_domain_current c
  JOIN (SELECT d.division_code, f.*
          FROM (SELECT DISTINCT x.division_code FROM creditrisk.classification_domain_current x) d
         CROSS JOIN LATERAL creditrisk.measures_in_force(d.division_code, current_date) f) m
    ON m.division_code = c.division_code AND m.class = c.fused_class;
COMMENT ON VIEW creditrisk.enterprise_domain_measures IS
    'The supervision measures (监管措施) that apply today in each domain (food, drugs, special equipment, …) to each enterprise of the latest run: by its fused class (通用+专业, art. 16, never below an art. 10 override) and division';


CREATE OR REPLACE VIEW creditrisk.classification_worsened WITH (security_invoker = true) AS
SELECT w.uscc, w.division_code, w.from_class, w.to_class, w.steps, w.from_score, w.to_score, w.score_change,
       w.new_overrides, w.reasons, d.name AS division_name, e.name AS enterprise_name,
       creditrisk.reason_names(w.new_overrides) AS new_override_names, creditrisk.reason_names(w.reasons) AS reason_names
  FROM creditrisk.class_worsened() w
  LEFT JOIN creditrisk.division d ON d.code = w.division_code
  LEFT JOIN creditrisk.enterprise e ON e.uscc = w.uscc
 ORDER BY w.steps DESC, w.score_change DESC, w.uscc;
COMMENT ON VIEW creditrisk.classification_worsened IS
    'Early-warning list (预警名单): enterprises whose class worsened from the previous run to the latest, with the names of the division and the enterprise and the Chinese names of the new overrides and of the reason codes';


CREATE OR REPLACE VIEW creditrisk.class_distribution_current WITH (security_invoker = true) AS
SELECT x.level, x.division_code, x.enterprises, x.a, x.b, x.c, x.d, x.share_c_d, dv.name AS division_name
  FROM creditrisk.class_distribution() WITH ORDINALITY x
  LEFT JOIN creditrisk.division dv ON dv.code = x.division_code
 ORDER BY x.ordinality;
COMMENT ON VIEW creditrisk.class_distribution_current IS
    'Final-class distribution (分类分布) of the latest run by province, city and county, with the division''s name';


-- Whether the current views show the latest run (issue 15).  They are
-- materialized: after a restore (pg_dump leaves extension members to CREATE
-- EXTENSION, which creates them empty) or a failed refresh they may show
-- nothing, or an earlier run, while the history answers from the latest.
-- Compared within the caller's jurisdiction (both sides are scoped).
CREATE FUNCTION creditrisk.classification_current_status()
RETURNS TABLE (latest_run date, latest_version integer, run_rows bigint, current_rows bigint, up_to_date boolean, hint text)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    WITH r AS (SELECT x.as_of, x.version FROM creditrisk.classification_run x ORDER BY x.as_of DESC, x.version DESC LIMIT 1),
    s AS (
        SELECT (SELECT r.as_of FROM r) AS as_of, (SELECT r.version FROM r) AS version,
               (SELECT count(*) FROM creditrisk.classification_result c, r WHERE c.as_of = r.as_of AND c.version = r.version) AS run_rows,
               (SELECT count(*) FROM creditrisk.classification_current) AS current_rows,
               NOT EXISTS (SELECT 1 FROM creditrisk.classification_current c
                            WHERE NOT EXISTS (SELECT 1 FROM creditrisk.classification_result x, r
                                               WHERE x.as_of = r.as_of AND x.version = r.version AND x.uscc = c.uscc
                                                 AND x.final_class = c.final_class AND x.score = c.score)) AS same_rows
    )
    SELECT s.as_of, s.version, s.run_rows, s.current_rows, s.run_rows = s.current_rows AND s.same_rows,
           CASE WHEN s.run_rows = s.current_rows AND s.same_rows THEN NULL
                WHEN s.current_rows = 0 THEN 'The current views are empty (unpopulated) although the history holds a run (after a restore, or before the first refresh): an administrator runs SELECT creditrisk.refresh_current_views();'
                ELSE 'The current views do not show the latest run: an administrator runs SELECT creditrisk.refresh_current_views();' END
      FROM s
$$;
COMMENT ON FUNCTION creditrisk.classification_current_status() IS
    'Whether the current views (classification_current and those built on it) show the latest run (最新分类是否已发布), within the caller''s jurisdiction: the latest run, its rows, the rows shown, and what to do when they differ (after a restore they are empty until refreshed)';
REVOKE ALL ON FUNCTION creditrisk.classification_current_status() FROM PUBLIC;
REVOKE ALL ON TABLE creditrisk.reason_code FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.division_from(text), creditrisk.division_to(text), creditrisk.in_division(text, text),
                       creditrisk.reason_names(text[], text) FROM PUBLIC;

-- The analysts read the divisions and reason_code (run creditrisk.create_roles() again after the update).

CREATE OR REPLACE FUNCTION creditrisk.create_roles() RETURNS void
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
    FOR r IN SELECT * FROM unnest(ARRAY['creditrisk_owner'] || kinds,
                                  ARRAY['owns the data and views of creditrisk (NOLOGIN, no member)',
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
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
                WHERE m.roleid = 'creditrisk_owner'::regrole) THEN
        RAISE EXCEPTION 'role creditrisk_owner has members'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Its members would see every enterprise and could change the policies.',
                  HINT = 'REVOKE creditrisk_owner FROM them; a DBA uses a superuser role.';
    END IF;

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
    FOREACH t IN ARRAY register_tables || result_tables || ARRAY['enterprise_history'] LOOP
        EXECUTE format('DROP POLICY IF EXISTS jurisdiction ON creditrisk.%I', t);
        EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.%I USING (%s) WITH CHECK (%s)', t, in_scope, in_scope);
    END LOOP;
    -- records: of enterprises the caller sees on the register (a hashed
    -- semi-join on the USCC; the register's policy applies inside)
    FOREACH t IN ARRAY record_tables || record_history LOOP
        EXECUTE format('DROP POLICY IF EXISTS jurisdiction ON creditrisk.%I', t);
        EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.%I USING (uscc IN (SELECT e.uscc FROM creditrisk.enterprise e)) '
                       'WITH CHECK (uscc IN (SELECT e.uscc FROM creditrisk.enterprise e))', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['related_party_link', 'related_party_link_history'] LOOP
        EXECUTE format('DROP POLICY IF EXISTS jurisdiction ON creditrisk.%I', t);
        EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.%I '
                       'USING (from_uscc IN (SELECT e.uscc FROM creditrisk.enterprise e) OR to_uscc IN (SELECT e.uscc FROM creditrisk.enterprise e)) '
                       'WITH CHECK (from_uscc IN (SELECT e.uscc FROM creditrisk.enterprise e) AND to_uscc IN (SELECT e.uscc FROM creditrisk.enterprise e))', t);
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
    'Creates (if absent) the group roles creditrisk_owner, _admin, _analyst, _partner, _auditor, _loader, gives each exactly the grants its job needs, makes creditrisk_owner own the data and views, and (re)creates the row-level security policies; idempotent, for a superuser; run again after ALTER EXTENSION UPDATE and after a restore';


-- One enterprise, explained.
CREATE FUNCTION creditrisk.compute_enterprise_indicators(model text, uscc creditrisk.uscc, as_of date,
                                                         known_at timestamptz DEFAULT NULL)
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'compute_enterprise_indicators'
LANGUAGE C STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, creditrisk, pg_temp COST 10000;
COMMENT ON FUNCTION creditrisk.compute_enterprise_indicators(text, creditrisk.uscc, date, timestamptz) IS
    'One enterprise''s indicator values (单户指标值) in the model''s order, as compute_indicators(model, as_of, known_at) gives them, computed from that enterprise''s records alone through the indexes (the SQL definitions, which agree with the C engine bit for bit); NULL when the enterprise is not in the population on as_of or not in the caller''s jurisdiction';

CREATE FUNCTION creditrisk.explain_enterprise(uscc creditrisk.uscc, as_of date DEFAULT NULL)
RETURNS TABLE (line integer, section text, code text, name text, dimension text, "group" text,
               value double precision, matched text, points double precision, contribution double precision,
               detail jsonb)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    run record;
    prev record;
    res creditrisk.classification_result;
    pres creditrisk.classification_result;
    ind double precision[];
    pind double precision[];
    s double precision;
    n integer := 0;
    r record;
    ent record;
BEGIN
    IF uscc IS NULL THEN
        RAISE EXCEPTION 'explain_enterprise needs a USCC'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'For example SELECT * FROM creditrisk.explain_enterprise(''91411622MA40000A13'');';
    END IF;
    -- The run: the latest version of the date given, or the latest run.
    IF as_of IS NULL THEN
        SELECT x.as_of, x.version, x.model_key, x.known_at INTO run
          FROM creditrisk.classification_run x ORDER BY x.as_of DESC, x.version DESC LIMIT 1;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'there is no classification run yet'
                USING ERRCODE = 'no_data_found',
                      HINT = 'An administrator runs SELECT creditrisk.refresh_classification(...) first.';
        END IF;
    ELSE
        SELECT x.as_of, x.version, x.model_key, x.known_at INTO run
          FROM creditrisk.classification_run x WHERE x.as_of = as_of ORDER BY x.version DESC LIMIT 1;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'there is no classification run on %', as_of
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'An enterprise is explained as a run classified it: the run''s model, date and knowledge time.',
                      HINT = 'SELECT as_of FROM creditrisk.classification_run ORDER BY as_of lists the runs; omit the date for the latest.';
        END IF;
    END IF;
    SELECT * INTO res FROM creditrisk.classification_result x
     WHERE x.as_of = run.as_of AND x.version = run.version AND x.uscc = uscc;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'enterprise % has no result in the run of % (version %)', uscc, run.as_of, run.version
            USING ERRCODE = 'no_data_found',
                  DETAIL = 'It is not on the register, was not in the population classified on that date, or is outside your jurisdiction.',
                  HINT = 'SELECT * FROM creditrisk.enterprise WHERE uscc = ... shows whether you see it on the register.';
    END IF;
    SELECT x.as_of, x.version, x.model_key, x.known_at INTO prev
      FROM creditrisk.classification_run x WHERE x.as_of < run.as_of ORDER BY x.as_of DESC, x.version DESC LIMIT 1;
    IF FOUND THEN
        SELECT * INTO pres FROM creditrisk.classification_result x
         WHERE x.as_of = prev.as_of AND x.version = prev.version AND x.uscc = uscc;
    END IF;

    -- The indicators as the run computed them: its model, date and knowledge time.
    ind := creditrisk.compute_enterprise_indicators(run.model_key, uscc, run.as_of, run.known_at);
    IF ind IS NULL THEN
        RAISE EXCEPTION 'the indicators of enterprise % cannot be computed as of %', uscc, run.as_of
            USING ERRCODE = 'no_data_found',
                  DETAIL = 'You do not see it on the register version valid on that date, as known at the run''s knowledge time.';
    END IF;
    s := creditrisk.score(run.model_key, ind);
    IF prev.as_of IS NOT NULL AND pres.uscc IS NOT NULL AND prev.model_key = run.model_key THEN
        pind := creditrisk.compute_enterprise_indicators(prev.model_key, uscc, prev.as_of, prev.known_at);
    END IF;
    SELECT e.name, e.division_code INTO ent FROM creditrisk.enterprise e WHERE e.uscc = uscc;

    -- 1. The class.
    n := n + 1;
    line := n; section := 'class'; code := res.final_class::text; name := creditrisk.class_label(res.final_class);
    dimension := NULL; "group" := NULL; value := s; matched := res.score_class::text; points := NULL;
    contribution := res.score;
    detail := jsonb_build_object('enterprise', ent.name, 'division_code', res.division_code,
                                 'division_name', creditrisk.division_name(res.division_code),
                                 'run', run.as_of, 'version', run.version, 'model', run.model_key,
                                 'known_at', run.known_at, 'stored_score', res.score, 'recomputed_score', s,
                                 'reproduced', s = res.score, 'score_class', res.score_class,
                                 'final_class', res.final_class);
    RETURN NEXT;

    -- 2. Each override with its evidence (the rule's detail columns: which listing, since when).
    FOR r IN SELECT o.code AS c, coalesce(rl.name, o.code) AS nm, res.override_details -> o.code AS ev, o.ord
               FROM unnest(res.overrides) WITH ORDINALITY AS o(code, ord)
               LEFT JOIN creditrisk.override_rule rl ON rl.code = o.code
              ORDER BY o.ord
    LOOP
        n := n + 1;
        line := n; section := 'override'; code := r.c; name := r.nm; dimension := NULL; "group" := NULL;
        value := NULL; matched := r.ev ->> 'class'; points := NULL; contribution := NULL;
        detail := r.ev - 'class';
        RETURN NEXT;
    END LOOP;

    -- 3. The score by dimension and group, then every indicator, then the floors.
    FOR r IN
        WITH x AS (
            SELECT ex.*, px.value AS prev_value, px.contribution AS prev_contribution
              FROM creditrisk.score_explain(run.model_key, ind) ex
              LEFT JOIN creditrisk.score_explain(run.model_key, pind) px ON px.code = ex.code
        ), q AS (
            -- (score_explain gives the names of the dimension and group; the codes come from the model)
            SELECT x.position AS pos, x.code AS c, x.name AS nm, mg.dimension_code AS dc, mg.code AS gc, x.value AS v,
                   x.matched AS m, x.points AS p, x.weight AS w, x.contribution AS ctb, x.prev_value, x.prev_contribution,
                   coalesce(md.name, x.dimension) AS dname, md.position AS dpos, coalesce(mg.name, x."group") AS gname,
                   mg.position AS gpos
              FROM x
              LEFT JOIN creditrisk.model_indicator mi ON x.position IS NOT NULL AND mi.model_key = run.model_key AND mi.code = x.code
              LEFT JOIN creditrisk.model_group mg ON mg.model_key = mi.model_key AND mg.code = mi.group_code
              LEFT JOIN creditrisk.model_dimension md ON md.model_key = mg.model_key AND md.code = mg.dimension_code
        )
        SELECT 1 AS k, 'dimension' AS sec, q.dc AS c, min(q.dname) AS nm, min(q.dname) AS dn, NULL::text AS gn,
               NULL::double precision AS v, NULL::text AS m, NULL::double precision AS p, sum(q.ctb) AS ctb,
               NULL::jsonb AS det, min(q.dpos) AS o1, 0 AS o2, 0 AS o3
          FROM q WHERE q.pos IS NOT NULL GROUP BY q.dc
        UNION ALL
        SELECT 2, 'group', q.gc, min(q.gname), min(q.dname), min(q.gname), NULL, NULL, NULL, sum(q.ctb),
               NULL, min(q.dpos), min(q.gpos), 0
          FROM q WHERE q.pos IS NOT NULL GROUP BY q.dc, q.gc
        UNION ALL
        SELECT 3, 'indicator', q.c, q.nm, q.dname, q.gname, q.v, q.m, q.p, q.ctb,
               jsonb_build_object('weight', q.w, 'position', q.pos)
               || CASE WHEN pind IS NOT NULL AND q.prev_value IS DISTINCT FROM q.v
                       THEN jsonb_build_object('previous_value', q.prev_value, 'previous_contribution', q.prev_contribution)
                       ELSE '{}' END,
               q.dpos, q.gpos, q.pos
          FROM q WHERE q.pos IS NOT NULL
        UNION ALL
        SELECT 4, 'floor', q.c, q.nm, NULL, NULL, NULL, q.m, q.p, q.ctb,
               jsonb_build_object('binding', q.ctb > 0), 0, 0, 0
          FROM q WHERE q.pos IS NULL
        ORDER BY 1, 12, 13, 14, 3
    LOOP
        n := n + 1;
        line := n; section := r.sec; code := r.c; name := r.nm; dimension := r.dn; "group" := r.gn;
        value := r.v; matched := r.m; points := r.p; contribution := r.ctb; detail := r.det;
        RETURN NEXT;
    END LOOP;

    -- 4. What changed since the previous run.
    IF prev.as_of IS NOT NULL THEN
        n := n + 1;
        line := n; section := 'change'; code := 'class'; dimension := NULL; "group" := NULL; points := NULL;
        IF pres.uscc IS NULL THEN
            name := '新纳入分类 new in this run'; value := NULL; matched := res.final_class::text; contribution := NULL;
            detail := jsonb_build_object('previous_run', prev.as_of);
        ELSE
            name := CASE WHEN res.final_class > pres.final_class THEN '分类变差 worsened'
                         WHEN res.final_class < pres.final_class THEN '分类改善 improved'
                         ELSE '分类未变 unchanged' END;
            value := res.score - pres.score; matched := pres.final_class::text || ' → ' || res.final_class::text;
            contribution := NULL;
            detail := jsonb_build_object('previous_run', prev.as_of, 'previous_version', prev.version,
                                         'previous_score', pres.score, 'score', res.score,
                                         'previous_final_class', pres.final_class, 'final_class', res.final_class,
                                         'overrides_added', to_jsonb(ARRAY(SELECT o FROM unnest(res.overrides) o WHERE o <> ALL (pres.overrides) ORDER BY o)),
                                         'overrides_removed', to_jsonb(ARRAY(SELECT o FROM unnest(pres.overrides) o WHERE o <> ALL (res.overrides) ORDER BY o)),
                                         'previous_model', prev.model_key);
        END IF;
        RETURN NEXT;
    END IF;
END
$$;
COMMENT ON FUNCTION creditrisk.explain_enterprise(creditrisk.uscc, date) IS
    'Why an enterprise has its class (单户分类解释) in a run (default the latest; a date: that date''s latest version): the final class; each override (直接定性) with its evidence; the score recomputed from the enterprise''s records as the run computed it (its model, date and knowledge time), by dimension (一级指标) and group (二级指标) with names, every indicator''s value, bin and contribution (with its previous value where it changed); the floors (定性判定) that held; and what changed since the previous run. Honours the caller''s privileges and jurisdiction';

REVOKE ALL ON FUNCTION creditrisk.compute_enterprise_indicators(text, creditrisk.uscc, date, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.explain_enterprise(creditrisk.uscc, date) FROM PUBLIC;


-- Model quality.
CREATE FUNCTION creditrisk.model_performance(model text, as_of date, horizon interval DEFAULT '1 year',
                                             reference_run date DEFAULT NULL)
RETURNS TABLE (measure text, class creditrisk.riskclass, enterprises bigint, adverse bigint, value double precision)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    run record;
    upto date;
BEGIN
    IF model IS NULL OR as_of IS NULL OR horizon IS NULL THEN
        RAISE EXCEPTION 'model_performance needs a model, a run date and a horizon'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'For example SELECT * FROM creditrisk.model_performance(''reference-v1'', ''2025-10-31'', ''1 year'');';
    END IF;
    IF NOT (as_of + horizon > as_of) OR NOT isfinite(as_of + horizon) THEN
        RAISE EXCEPTION 'horizon % is not a positive, finite interval', horizon
            USING ERRCODE = 'invalid_parameter_value', HINT = 'For example ''6 months'' or ''1 year''.';
    END IF;
    SELECT x.as_of, x.version, x.model_key INTO run
      FROM creditrisk.classification_run x WHERE x.as_of = as_of ORDER BY x.version DESC LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no classification run on %', as_of
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'SELECT as_of, model_key FROM creditrisk.classification_run ORDER BY as_of lists the runs.';
    END IF;
    IF run.model_key <> model THEN
        RAISE EXCEPTION 'the run of % was scored with model "%", not "%"', as_of, run.model_key, model
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Performance is measured on the scores a run stored.',
                  HINT = 'Run refresh_classification(date, model) with that model to measure it on that date.';
    END IF;
    upto := (as_of + horizon)::date;
    IF upto > current_date THEN
        RAISE NOTICE 'the horizon ends on %, after today: outcomes after today are not known yet', upto;
    END IF;

    RETURN QUERY
    WITH r AS (
        SELECT c.uscc, c.score, c.final_class
          FROM creditrisk.classification_result c
         WHERE c.as_of = run.as_of AND c.version = run.version
    ), bad AS (
        SELECT p.uscc FROM creditrisk.penalty p WHERE p.decision_date > as_of AND p.decision_date <= upto
        UNION SELECT l.uscc FROM creditrisk.abnormal_listing l WHERE l.listed_date > as_of AND l.listed_date <= upto
        UNION SELECT l.uscc FROM creditrisk.serious_dishonesty_listing l WHERE l.listed_date > as_of AND l.listed_date <= upto
        UNION SELECT l.uscc FROM creditrisk.judgment_debtor_listing l WHERE l.listed_date > as_of AND l.listed_date <= upto
        UNION SELECT s.uscc FROM creditrisk.spot_check s
               WHERE s.check_date > as_of AND s.check_date <= upto AND (s.outcome <> 'pass' OR s.refused)
    ), o AS (
        SELECT r.*, (b.uscc IS NOT NULL) AS y FROM r LEFT JOIN bad b ON b.uscc = r.uscc
    ), ranked AS (
        -- average ranks of the scores (ties share their mean rank), for the AUC
        SELECT o.y, rank() OVER (ORDER BY o.score) + (count(*) OVER (PARTITION BY o.score) - 1) / 2.0 AS rk
          FROM o
    ), counts AS (
        SELECT count(*) FILTER (WHERE o.y) AS pos, count(*) FILTER (WHERE NOT o.y) AS neg FROM o
    ), auc AS (
        SELECT CASE WHEN c.pos > 0 AND c.neg > 0
                    THEN ((SELECT sum(x.rk) FROM ranked x WHERE x.y) - c.pos * (c.pos + 1) / 2.0) / (c.pos::numeric * c.neg)
               END::double precision AS v
          FROM counts c
    ), cum AS (
        -- the KS statistic: the largest gap between the cumulative shares of
        -- adverse and other enterprises over score thresholds (riskiest first)
        SELECT max(abs(g.cp - g.cn)) AS v
          FROM (SELECT sum(s.p) OVER w / nullif(c.pos, 0)::double precision AS cp,
                       sum(s.n) OVER w / nullif(c.neg, 0)::double precision AS cn
                  FROM (SELECT o.score, count(*) FILTER (WHERE o.y) AS p, count(*) FILTER (WHERE NOT o.y) AS n
                          FROM o GROUP BY o.score) s, counts c
                WINDOW w AS (ORDER BY s.score DESC)) g
    )
    SELECT 'adverse_rate', k.cls, count(o.uscc), count(o.uscc) FILTER (WHERE o.y),
           (count(o.uscc) FILTER (WHERE o.y))::double precision / nullif(count(o.uscc), 0)
      FROM unnest('{A,B,C,D}'::creditrisk.riskclass[]) k(cls) LEFT JOIN o ON o.final_class = k.cls
     GROUP BY k.cls
    UNION ALL
    SELECT 'adverse_rate', NULL, c.pos + c.neg, c.pos, c.pos::double precision / nullif(c.pos + c.neg, 0) FROM counts c
    UNION ALL
    SELECT 'auc', NULL, c.pos + c.neg, c.pos, (SELECT a.v FROM auc a) FROM counts c
    UNION ALL
    SELECT 'gini', NULL, c.pos + c.neg, c.pos, 2 * (SELECT a.v FROM auc a) - 1 FROM counts c
    UNION ALL
    SELECT 'ks', NULL, c.pos + c.neg, c.pos, (SELECT k.v FROM cum k) FROM counts c
    UNION ALL
    SELECT 'psi', NULL, s.to_enterprises, NULL, s.psi
      FROM creditrisk.score_stability(reference_run, as_of) s
     WHERE reference_run IS NOT NULL OR EXISTS (SELECT 1 FROM creditrisk.classification_run x WHERE x.as_of < as_of);
END
$$;
COMMENT ON FUNCTION creditrisk.model_performance(text, date, interval, date) IS
    'How well the run of as_of (scored with the model) predicted adverse outcomes (不良结果: penalties, new listings on the abnormal, serious-dishonesty or judgment-debtor lists, failed or refused spot checks) within the horizon after it (模型效果检验): the adverse rate by final class and overall, AUC, Gini and KS of the score, and PSI of the score against a reference run (default: the run before); within the caller''s jurisdiction';

REVOKE ALL ON FUNCTION creditrisk.model_performance(text, date, interval, date) FROM PUBLIC;

-- ===========================================================================
-- Honest baselines (issue 16)
-- ===========================================================================

-- The built-in indicators as one set-based query, a second SQL reference
-- next to the per-indicator definitions (extension/indicators-set.sql).
CREATE FUNCTION creditrisk.indicators_set_sql(model text) RETURNS text
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    -- the last annual-report year due on $1 (its deadline, 30 June of the
    -- next year, is before $1), as in the definitions
    due CONSTANT text := $s$(CASE WHEN $1 > make_date(extract(year FROM $1)::int, 6, 30) THEN extract(year FROM $1)::int - 1 ELSE extract(year FROM $1)::int - 2 END)$s$;
    est CONSTANT text := 'extract(year FROM e.established_date)::int';
    missing text;
    body text;
    ctes text;
    joins text;
    unformed text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM creditrisk.model m WHERE m.model_key = model) THEN
        PERFORM creditrisk.model_not_found(model);
    END IF;
    SELECT string_agg(mi.code, ', ' ORDER BY mi.position) INTO missing
      FROM creditrisk.model_indicator mi JOIN creditrisk.indicator i USING (code)
     WHERE mi.model_key = model AND NOT i.builtin AND i.definition_sql IS NULL;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'model "%" uses indicators without an SQL definition', model
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('Without a definition: %s.', missing),
                  HINT = 'Set creditrisk.indicator.definition_sql, or load their values into creditrisk.indicator_value and score those.';
    END IF;

    -- The passes: a CTE (one grouped scan, FILTER aggregates) and/or the
    -- joins that bring it to the register row e.  deps: CTEs it reads.  In
    -- dependency order.
    WITH RECURSIVE pass (ord, name, deps, cte, joins) AS (VALUES
    (1, 'pe', '{}'::text[], NULL::text,
     'LEFT JOIN creditrisk.register_at($1, $2) pe ON pe.uscc = e.parent_uscc'),
    (2, 'br', '{}', $c$s_br AS (
    SELECT b.parent_uscc AS uscc, count(*) AS n
      FROM creditrisk.register_at($1, $2) b
     WHERE b.parent_uscc IS NOT NULL AND b.established_date <= $1
       AND NOT (b.status IN ('revoked', 'cancelled') AND b.status_date <= $1)
     GROUP BY b.parent_uscc)$c$, 'LEFT JOIN s_br ON s_br.uscc = e.uscc'),
    (3, 'drc', '{}', $c$s_drc AS (
    SELECT d.uscc FROM creditrisk.domain_risk_class_as_known($2) d WHERE d.assessed_date <= $1 GROUP BY d.uscc)$c$,
     'LEFT JOIN s_drc ON s_drc.uscc = e.uscc'),
    (4, 'lic', '{}', $c$s_lic AS (
    SELECT l.uscc,
           count(*) FILTER (WHERE l.valid_from <= $1) AS started,
           count(*) FILTER (WHERE l.valid_from <= $1 AND (l.valid_to IS NULL OR $1 < l.valid_to)
                              AND (l.revoked_date IS NULL OR l.revoked_date > $1)) AS valid,
           count(*) FILTER (WHERE l.revoked_date > ($1 - interval '3 years')::date AND l.revoked_date <= $1) AS revoked_3y
      FROM creditrisk.licence_as_known($2) l
     GROUP BY l.uscc)$c$, 'LEFT JOIN s_lic ON s_lic.uscc = e.uscc'),
    (5, 'licu', '{}', $c$s_licu AS (
    SELECT l.uscc, count(*) AS n
      FROM creditrisk.licence_as_known($2) l
     WHERE l.valid_to > ($1 - interval '1 year')::date AND l.valid_to <= $1
       AND NOT EXISTS (SELECT 1 FROM creditrisk.licence_as_known($2) n
                        WHERE n.uscc = l.uscc AND n.id <> l.id
                          AND (n.kind = l.kind OR n.kind = '' OR l.kind = '')
                          AND n.valid_from >= l.valid_to - 180
                          AND n.valid_from <= $1)
     GROUP BY l.uscc)$c$, 'LEFT JOIN s_licu ON s_licu.uscc = e.uscc'),
    -- (legal-representative changes count distinct days: grouped by day first)
    (6, 'chg', '{}', $c$s_chg AS (
    SELECT c.uscc,
           count(*) FILTER (WHERE c.kind = 'legal_representative' AND c.change_date > ($1 - interval '1 year')::date) AS legal_rep_1y,
           sum(c.n) FILTER (WHERE c.kind = 'name' AND c.change_date > ($1 - interval '1 year')::date) AS name_1y,
           sum(c.n) FILTER (WHERE c.kind = 'address' AND c.change_date > ($1 - interval '1 year')::date) AS address_1y,
           sum(c.n) FILTER (WHERE c.kind = 'scope' AND c.change_date > ($1 - interval '1 year')::date) AS scope_1y,
           sum(c.n) FILTER (WHERE c.kind = 'capital' AND c.change_date > ($1 - interval '1 year')::date) AS capital_1y,
           sum(c.n) AS total_3y
      FROM (SELECT r.uscc, r.kind, r.change_date, count(*) AS n
              FROM creditrisk.registration_change_as_known($2) r
             WHERE r.change_date > ($1 - interval '3 years')::date AND r.change_date <= $1
             GROUP BY r.uscc, r.kind, r.change_date) c
     GROUP BY c.uscc)$c$, 'LEFT JOIN s_chg ON s_chg.uscc = e.uscc'),
    (7, 'ar', '{}', format($c$s_ar AS (
    SELECT a.uscc,
           bool_or(a.year = %1$s) AS filed0, bool_or(a.year = %1$s - 1) AS filed1, bool_or(a.year = %1$s - 2) AS filed2,
           count(*) FILTER (WHERE a.year = %1$s AND NOT a.on_time) AS late0,
           count(*) FILTER (WHERE a.year = %1$s - 1 AND NOT a.on_time) AS late1,
           count(*) FILTER (WHERE a.year = %1$s - 2 AND NOT a.on_time) AS late2
      FROM creditrisk.annual_report_as_known($2) a
     WHERE a.filed_on <= $1 AND a.year BETWEEN %1$s - 2 AND %1$s
     GROUP BY a.uscc)$c$, due), 'LEFT JOIN s_ar ON s_ar.uscc = e.uscc'),
    (8, 'epf', '{}', $c$s_epf AS (
    SELECT q.uscc,
           count(*) FILTER (WHERE q.kind = 'pledge' AND (q.end_date IS NULL OR q.end_date > $1)) AS pledges_current,
           count(*) FILTER (WHERE q.kind = 'freeze' AND (q.end_date IS NULL OR q.end_date > $1)) AS freezes_current,
           count(*) FILTER (WHERE q.kind = 'pledge' AND q.start_date > ($1 - interval '1 year')::date) AS pledges_1y,
           count(*) FILTER (WHERE q.kind = 'freeze' AND q.start_date > ($1 - interval '3 years')::date) AS freezes_3y
      FROM creditrisk.equity_pledge_freeze_as_known($2) q
     WHERE q.start_date <= $1
     GROUP BY q.uscc)$c$, 'LEFT JOIN s_epf ON s_epf.uscc = e.uscc'),
    (9, 'law', '{}', $c$s_law AS (
    SELECT s.uscc,
           count(*) FILTER (WHERE s.filed_date > ($1 - interval '1 year')::date) AS defendant_1y,
           count(*) AS defendant_3y,
           count(*) FILTER (WHERE s.kind = 'labour' AND s.filed_date > ($1 - interval '1 year')::date) AS labour_1y,
           count(*) FILTER (WHERE s.kind = 'criminal') AS criminal_3y
      FROM creditrisk.lawsuit_as_known($2) s
     WHERE s.role = 'defendant' AND s.filed_date > ($1 - interval '3 years')::date AND s.filed_date <= $1
     GROUP BY s.uscc)$c$, 'LEFT JOIN s_law ON s_law.uscc = e.uscc'),
    -- the gravest current reason: rank 1 < 9 < 2 < 3 < 4 (as 1..5)
    (10, 'ab', '{}', $c$s_ab AS (
    SELECT a.uscc,
           count(*) FILTER (WHERE a.removed_date IS NULL OR a.removed_date > $1) AS cur,
           count(*) FILTER (WHERE a.listed_date > ($1 - interval '3 years')::date) AS times_3y,
           max(CASE a.reason WHEN 1 THEN 1 WHEN 9 THEN 2 WHEN 2 THEN 3 WHEN 3 THEN 4 WHEN 4 THEN 5 END)
               FILTER (WHERE a.removed_date IS NULL OR a.removed_date > $1) AS reason_rank,
           min(a.listed_date) FILTER (WHERE a.removed_date IS NULL OR a.removed_date > $1) AS first_listed
      FROM creditrisk.abnormal_listing_as_known($2) a
     WHERE a.listed_date <= $1
     GROUP BY a.uscc)$c$, 'LEFT JOIN s_ab ON s_ab.uscc = e.uscc'),
    (11, 'sd', '{}', $c$s_sd AS (
    SELECT s.uscc,
           count(*) FILTER (WHERE s.listed_date <= $1 AND (s.removed_date IS NULL OR s.removed_date > $1)) AS cur,
           count(*) FILTER (WHERE s.listed_date > ($1 - interval '5 years')::date AND s.listed_date <= $1) AS listings_5y,
           count(*) FILTER (WHERE s.removed_date > ($1 - interval '2 years')::date AND s.removed_date <= $1) AS removed_2y
      FROM creditrisk.serious_dishonesty_listing_as_known($2) s
     WHERE s.listed_date <= $1 OR s.removed_date <= $1
     GROUP BY s.uscc)$c$, 'LEFT JOIN s_sd ON s_sd.uscc = e.uscc'),
    (12, 'jd', '{}', $c$s_jd AS (
    SELECT j.uscc,
           count(*) FILTER (WHERE j.listed_date <= $1 AND (j.removed_date IS NULL OR j.removed_date > $1)) AS cur,
           count(*) FILTER (WHERE j.listed_date > ($1 - interval '3 years')::date AND j.listed_date <= $1) AS listings_3y,
           count(*) FILTER (WHERE j.removed_date > ($1 - interval '1 year')::date AND j.removed_date <= $1) AS removed_1y
      FROM creditrisk.judgment_debtor_listing_as_known($2) j
     WHERE j.listed_date <= $1 OR j.removed_date <= $1
     GROUP BY j.uscc)$c$, 'LEFT JOIN s_jd ON s_jd.uscc = e.uscc'),
    (13, 'pen', '{}', $c$s_pen AS (
    SELECT p.uscc,
           count(*) FILTER (WHERE p.decision_date > ($1 - interval '1 year')::date) AS n_1y,
           count(*) FILTER (WHERE p.decision_date > ($1 - interval '3 years')::date) AS n_3y,
           count(*) FILTER (WHERE p.publicity_end_date > $1) AS in_publicity,
           max(CASE p.severity WHEN 'minor' THEN 1 WHEN 'general' THEN 2 WHEN 'serious' THEN 3 END)
               FILTER (WHERE p.decision_date > ($1 - interval '3 years')::date) AS max_severity_3y,
           count(*) FILTER (WHERE p.severity = 'serious' AND p.decision_date > ($1 - interval '3 years')::date) AS serious_3y,
           count(*) FILTER (WHERE p.severity = 'general' AND p.decision_date > ($1 - interval '3 years')::date) AS general_3y,
           sum(p.fine_amount) FILTER (WHERE p.decision_date > ($1 - interval '3 years')::date) AS fines_3y,
           count(*) FILTER (WHERE p.field IN ('food', 'drugs', 'special_equipment')
                              AND p.decision_date > ($1 - interval '1 year')::date) AS key_field_1y,
           count(*) FILTER (WHERE p.field IN ('food', 'drugs', 'special_equipment')
                              AND p.decision_date > ($1 - interval '3 years')::date) AS key_field_3y,
           count(*) FILTER (WHERE p.field IN ('food', 'drugs', 'special_equipment') AND p.severity = 'serious'
                              AND p.decision_date > ($1 - interval '3 years')::date) AS key_field_serious_3y
      FROM creditrisk.penalty_as_known($2) p
     WHERE p.decision_date <= $1
     GROUP BY p.uscc)$c$, 'LEFT JOIN s_pen ON s_pen.uscc = e.uscc'),
    -- the latest check on or before $1 and its highest outcome code, in one
    -- aggregate: max(day * 8 + code) (code 0: an outcome without a code)
    (14, 'spot', '{}', $c$s_spot AS (
    SELECT s.uscc,
           count(*) FILTER (WHERE s.refused AND s.check_date > ($1 - interval '1 year')::date) AS refused_1y,
           count(*) FILTER (WHERE s.outcome = 'problems_found' AND s.check_date > ($1 - interval '3 years')::date) AS problems_3y,
           count(*) FILTER (WHERE s.outcome = 'rectification_ordered' AND s.check_date > ($1 - interval '1 year')::date) AS rectification_1y,
           count(*) FILTER (WHERE s.outcome = 'not_found_at_address' AND s.check_date > ($1 - interval '3 years')::date) AS not_found_3y,
           max((s.check_date - date '0001-01-01')::bigint * 8
               + coalesce(CASE WHEN s.refused THEN 5
                               WHEN s.outcome = 'pass' THEN 1
                               WHEN s.outcome = 'problems_found' THEN 2
                               WHEN s.outcome = 'rectification_ordered' THEN 3
                               WHEN s.outcome = 'not_found_at_address' THEN 4
                          END, 0)) AS last_day_outcome,
           count(*) FILTER (WHERE s.outcome = 'pass' AND NOT s.refused AND s.check_date > ($1 - interval '3 years')::date) AS passed_3y,
           count(*) FILTER (WHERE s.check_date > ($1 - interval '3 years')::date) AS checks_3y
      FROM creditrisk.spot_check_as_known($2) s
     WHERE s.check_date <= $1
     GROUP BY s.uscc)$c$, 'LEFT JOIN s_spot ON s_spot.uscc = e.uscc'),
    (15, 'cmp', '{}', $c$s_cmp AS (
    SELECT c.uscc,
           count(*) FILTER (WHERE c.kind = 'complaint' AND c.received_date > ($1 - interval '1 year')::date) AS complaints_1y,
           count(*) FILTER (WHERE c.kind = 'complaint') AS complaints_3y,
           count(*) FILTER (WHERE c.kind = 'complaint' AND c.substantiated IS TRUE
                              AND c.received_date > ($1 - interval '1 year')::date) AS complaints_substantiated_1y,
           count(*) FILTER (WHERE c.received_date > ($1 - interval '3 months')::date) AS last_3m,
           count(*) FILTER (WHERE c.received_date > ($1 - interval '6 months')::date
                              AND c.received_date <= ($1 - interval '3 months')::date) AS previous_3m,
           count(*) FILTER (WHERE c.kind = 'report' AND c.received_date > ($1 - interval '1 year')::date) AS reports_1y,
           count(*) FILTER (WHERE c.kind = 'report') AS reports_3y,
           count(*) FILTER (WHERE c.kind = 'report' AND c.substantiated IS TRUE
                              AND c.received_date > ($1 - interval '1 year')::date) AS reports_substantiated_1y,
           count(*) FILTER (WHERE c.substantiated IS TRUE AND c.received_date > ($1 - interval '1 year')::date) AS substantiated_1y,
           count(*) FILTER (WHERE c.received_date > ($1 - interval '1 year')::date) AS all_1y
      FROM creditrisk.complaint_as_known($2) c
     WHERE c.received_date > ($1 - interval '3 years')::date AND c.received_date <= $1
     GROUP BY c.uscc)$c$, 'LEFT JOIN s_cmp ON s_cmp.uscc = e.uscc'),
    (16, 'op', '{}', $c$s_op AS (
    SELECT o.uscc,
           count(*) FILTER (WHERE o.sentiment = 'negative') AS negative_1y,
           count(*) FILTER (WHERE o.sentiment = 'negative' AND o.published_date > ($1 - interval '3 months')::date) AS negative_3m,
           count(*) AS all_1y
      FROM creditrisk.public_opinion_as_known($2) o
     WHERE o.published_date > ($1 - interval '1 year')::date AND o.published_date <= $1
     GROUP BY o.uscc)$c$, 'LEFT JOIN s_op ON s_op.uscc = e.uscc'),
    -- The links, each seen from both ends (me, other), that were in force at
    -- some time in ($1 - 1 year, $1]; cur: in force on $1.
    (17, 'lk', '{}', $c$s_lk AS (
    SELECT x.me, x.other, x.incoming, l.kind, (l.valid_to IS NULL OR l.valid_to > $1) AS cur
      FROM creditrisk.related_party_link_as_known($2) l
     CROSS JOIN LATERAL (VALUES (l.from_uscc, l.to_uscc, false), (l.to_uscc, l.from_uscc, true)) x(me, other, incoming)
     WHERE (l.valid_from IS NULL OR l.valid_from <= $1)
       AND (l.valid_to IS NULL OR l.valid_to > ($1 - interval '1 year')::date))$c$, NULL),
    -- one row per (enterprise, other end): what links them
    (18, 'pair', '{lk}', $c$s_pair AS (
    SELECT k.me AS uscc, k.other, bool_or(k.cur) AS cur,
           bool_or(k.cur AND k.incoming AND k.kind = 'shareholder') AS shareholder,
           bool_or(k.cur AND NOT k.incoming AND k.kind = 'shareholder') AS investment,
           bool_or(k.cur AND k.kind = 'common_legal_representative') AS common_rep
      FROM s_lk k
     GROUP BY k.me, k.other)$c$, NULL),
    (19, 'lka', '{pair}', $c$s_lka AS (
    SELECT p.uscc,
           count(*) FILTER (WHERE p.shareholder) AS shareholders,
           count(*) FILTER (WHERE p.investment) AS investments,
           count(*) FILTER (WHERE p.cur) AS related,
           count(*) FILTER (WHERE p.common_rep) AS common_rep
      FROM s_pair p
     GROUP BY p.uscc)$c$, 'LEFT JOIN s_lka ON s_lka.uscc = e.uscc'),
    (20, 'shl', '{lk,sd,jd}', $c$s_shl AS (
    SELECT k.me AS uscc
      FROM s_lk k
      LEFT JOIN s_sd ON s_sd.uscc = k.other
      LEFT JOIN s_jd ON s_jd.uscc = k.other
     WHERE k.cur AND k.incoming AND k.kind = 'shareholder' AND (s_sd.cur > 0 OR s_jd.cur > 0)
     GROUP BY k.me)$c$, 'LEFT JOIN s_shl ON s_shl.uscc = e.uscc'),
    -- The related set R(E, $1): one row per (enterprise, other end); cur:
    -- linked on $1, else only in the last year; what each other end is.
    (21, 'rel', '{pair,ab,sd,jd,pen}', $c$s_rel AS (
    SELECT r.uscc,
           count(x.uscc) FILTER (WHERE r.cur) AS in_register,
           count(*) FILTER (WHERE r.cur AND x.status = 'revoked' AND x.status_date <= $1) AS revoked,
           count(*) FILTER (WHERE x.status = 'cancelled' AND x.status_date > ($1 - interval '1 year')::date
                              AND x.status_date <= $1) AS cancelled_1y,
           count(*) FILTER (WHERE r.cur AND x.uscc IS NOT NULL AND s_ab.cur > 0) AS abnormal,
           count(*) FILTER (WHERE r.cur AND x.uscc IS NOT NULL AND s_sd.cur > 0) AS serious_dishonesty,
           count(*) FILTER (WHERE r.cur AND x.uscc IS NOT NULL AND s_jd.cur > 0) AS judgment_debtor,
           sum(s_pen.n_1y) FILTER (WHERE r.cur) AS penalties_1y,
           sum(s_pen.serious_3y) FILTER (WHERE r.cur) AS serious_penalties_3y
      FROM s_pair r
      LEFT JOIN creditrisk.register_at($1, $2) x ON x.uscc = r.other
      LEFT JOIN s_ab ON s_ab.uscc = r.other
      LEFT JOIN s_sd ON s_sd.uscc = r.other
      LEFT JOIN s_jd ON s_jd.uscc = r.other
      LEFT JOIN s_pen ON s_pen.uscc = r.other
     GROUP BY r.uscc)$c$, 'LEFT JOIN s_rel ON s_rel.uscc = e.uscc'),
    -- a branch's parent: its listings (its register row is pe)
    (22, 'parent', '{ab,sd,jd}', NULL,
     'LEFT JOIN s_ab p_ab ON p_ab.uscc = e.parent_uscc LEFT JOIN s_sd p_sd ON p_sd.uscc = e.parent_uscc LEFT JOIN s_jd p_jd ON p_jd.uscc = e.parent_uscc')),

    -- Each built-in indicator: the passes it joins and its value from them.
    ind (code, passes, expr) AS (VALUES
    ('registered_capital', '{pe}'::text[], 'CASE WHEN e.parent_uscc IS NULL THEN e.registered_capital ELSE pe.registered_capital END'),
    ('corporate_shareholder_count', '{lka}', 'coalesce(s_lka.shareholders, 0)'),
    ('branch_count', '{br}', 'CASE WHEN e.parent_uscc IS NOT NULL THEN 0 ELSE coalesce(s_br.n, 0) END'),
    ('outbound_investment_count', '{lka}', 'coalesce(s_lka.investments, 0)'),
    ('years_in_operation', '{}', '($1 - e.established_date)::double precision / 365.25'),
    ('status_revoked', '{}', $x$CASE WHEN e.status = 'revoked' AND e.status_date <= $1 THEN 1 ELSE 0 END$x$),
    ('entity_type_class', '{pe}', 'CASE WHEN e.parent_uscc IS NULL THEN e.entity_type ELSE pe.entity_type END'),
    ('is_branch', '{}', 'CASE WHEN e.parent_uscc IS NOT NULL THEN 1 ELSE 0 END'),
    ('industry_section_class', '{}', 'ascii(left(e.industry_code, 1)) - 64'),
    ('key_field_industry', '{drc}', $x$CASE WHEN e.industry_code LIKE ANY (ARRAY['C13%', 'C14%', 'C15%', 'F512%', 'F521%', 'F522%', 'H62%', 'C27%', 'F515%', 'F525%', 'C341%', 'C343%']) OR s_drc.uscc IS NOT NULL THEN 1 ELSE 0 END$x$),
    ('licence_lapsed', '{lic}', 'CASE WHEN s_lic.started > 0 AND s_lic.valid = 0 THEN 1 ELSE 0 END'),
    ('licence_expired_unrenewed_1y', '{licu}', 'coalesce(s_licu.n, 0)'),
    ('licence_revoked_3y', '{lic}', 'coalesce(s_lic.revoked_3y, 0)'),
    ('legal_rep_changes_1y', '{chg}', 'coalesce(s_chg.legal_rep_1y, 0)'),
    ('name_changes_1y', '{chg}', 'coalesce(s_chg.name_1y, 0)'),
    ('address_changes_1y', '{chg}', 'coalesce(s_chg.address_1y, 0)'),
    ('scope_changes_1y', '{chg}', 'coalesce(s_chg.scope_1y, 0)'),
    ('capital_changes_1y', '{chg}', 'coalesce(s_chg.capital_1y, 0)'),
    ('changes_total_3y', '{chg}', 'coalesce(s_chg.total_3y, 0)'),
    ('paid_in_ratio', '{pe}', 'CASE WHEN e.parent_uscc IS NULL THEN CASE WHEN e.registered_capital > 0 THEN e.paid_in_capital::double precision / e.registered_capital::double precision END ELSE CASE WHEN pe.registered_capital > 0 THEN pe.paid_in_capital::double precision / pe.registered_capital::double precision END END'),
    ('unpaid_capital', '{pe}', 'CASE WHEN e.parent_uscc IS NULL THEN e.registered_capital - e.paid_in_capital ELSE pe.registered_capital - pe.paid_in_capital END'),
    ('annual_report_latest_missing', '{ar}', format('CASE WHEN %1$s < %2$s THEN 0 WHEN s_ar.filed0 THEN 0 ELSE 1 END', due, est)),
    ('annual_reports_missing_3y', '{ar}', format('CASE WHEN %1$s >= %2$s AND s_ar.filed0 IS NOT TRUE THEN 1 ELSE 0 END + CASE WHEN %1$s - 1 >= %2$s AND s_ar.filed1 IS NOT TRUE THEN 1 ELSE 0 END + CASE WHEN %1$s - 2 >= %2$s AND s_ar.filed2 IS NOT TRUE THEN 1 ELSE 0 END', due, est)),
    ('annual_reports_late_3y', '{ar}', format('CASE WHEN %1$s >= %2$s THEN coalesce(s_ar.late0, 0) ELSE 0 END + CASE WHEN %1$s - 1 >= %2$s THEN coalesce(s_ar.late1, 0) ELSE 0 END + CASE WHEN %1$s - 2 >= %2$s THEN coalesce(s_ar.late2, 0) ELSE 0 END', due, est)),
    ('equity_pledges_current', '{epf}', 'coalesce(s_epf.pledges_current, 0)'),
    ('equity_freezes_current', '{epf}', 'coalesce(s_epf.freezes_current, 0)'),
    ('equity_pledges_1y', '{epf}', 'coalesce(s_epf.pledges_1y, 0)'),
    ('equity_freezes_3y', '{epf}', 'coalesce(s_epf.freezes_3y, 0)'),
    ('lawsuits_defendant_1y', '{law}', 'coalesce(s_law.defendant_1y, 0)'),
    ('lawsuits_defendant_3y', '{law}', 'coalesce(s_law.defendant_3y, 0)'),
    ('labour_disputes_defendant_1y', '{law}', 'coalesce(s_law.labour_1y, 0)'),
    ('criminal_defendant_3y', '{law}', 'coalesce(s_law.criminal_3y, 0)'),
    ('abnormal_list_current', '{ab}', 'CASE WHEN s_ab.cur > 0 THEN 1 ELSE 0 END'),
    ('abnormal_list_times_3y', '{ab}', 'coalesce(s_ab.times_3y, 0)'),
    ('abnormal_list_reason_current', '{ab}', 'coalesce(CASE s_ab.reason_rank WHEN 1 THEN 1 WHEN 2 THEN 9 WHEN 3 THEN 2 WHEN 4 THEN 3 WHEN 5 THEN 4 END, 0)'),
    ('abnormal_list_current_days', '{ab}', 'coalesce($1 - s_ab.first_listed + 1, 0)'),
    ('serious_dishonesty_current', '{sd}', 'CASE WHEN s_sd.cur > 0 THEN 1 ELSE 0 END'),
    ('serious_dishonesty_listings_5y', '{sd}', 'coalesce(s_sd.listings_5y, 0)'),
    ('serious_dishonesty_removed_2y', '{sd}', 'coalesce(s_sd.removed_2y, 0)'),
    ('judgment_debtor_current', '{jd}', 'CASE WHEN s_jd.cur > 0 THEN 1 ELSE 0 END'),
    ('judgment_debtor_listings_3y', '{jd}', 'coalesce(s_jd.listings_3y, 0)'),
    ('judgment_debtor_removed_1y', '{jd}', 'coalesce(s_jd.removed_1y, 0)'),
    ('penalties_1y', '{pen}', 'coalesce(s_pen.n_1y, 0)'),
    ('penalties_3y', '{pen}', 'coalesce(s_pen.n_3y, 0)'),
    ('penalties_in_publicity', '{pen}', 'coalesce(s_pen.in_publicity, 0)'),
    ('penalty_max_severity_3y', '{pen}', 'coalesce(s_pen.max_severity_3y, 0)'),
    ('penalties_serious_3y', '{pen}', 'coalesce(s_pen.serious_3y, 0)'),
    ('penalties_general_3y', '{pen}', 'coalesce(s_pen.general_3y, 0)'),
    ('penalty_fines_3y', '{pen}', 'coalesce(s_pen.fines_3y, 0)'),
    ('penalties_key_field_1y', '{pen}', 'coalesce(s_pen.key_field_1y, 0)'),
    ('penalties_key_field_3y', '{pen}', 'coalesce(s_pen.key_field_3y, 0)'),
    ('penalties_key_field_serious_3y', '{pen}', 'coalesce(s_pen.key_field_serious_3y, 0)'),
    ('spot_check_refused_1y', '{spot}', 'coalesce(s_spot.refused_1y, 0)'),
    ('spot_check_problems_3y', '{spot}', 'coalesce(s_spot.problems_3y, 0)'),
    ('spot_check_rectification_1y', '{spot}', 'coalesce(s_spot.rectification_1y, 0)'),
    ('spot_check_not_found_3y', '{spot}', 'coalesce(s_spot.not_found_3y, 0)'),
    ('spot_check_last_outcome', '{spot}', 'nullif(s_spot.last_day_outcome % 8, 0)'),
    ('spot_check_pass_ratio_3y', '{spot}', 's_spot.passed_3y::double precision / nullif(s_spot.checks_3y, 0)'),
    ('related_enterprise_count', '{lka}', 'coalesce(s_lka.related, 0)'),
    ('common_legal_rep_count', '{lka}', 'coalesce(s_lka.common_rep, 0)'),
    ('related_revoked_count', '{rel}', 'coalesce(s_rel.revoked, 0)'),
    ('related_revoked_ratio', '{rel}', 's_rel.revoked::double precision / nullif(s_rel.in_register, 0)'),
    ('related_cancelled_1y', '{rel}', 'coalesce(s_rel.cancelled_1y, 0)'),
    ('related_abnormal_current', '{rel}', 'coalesce(s_rel.abnormal, 0)'),
    ('related_serious_dishonesty_current', '{rel}', 'coalesce(s_rel.serious_dishonesty, 0)'),
    ('related_judgment_debtor_current', '{rel}', 'coalesce(s_rel.judgment_debtor, 0)'),
    ('related_penalties_1y', '{rel}', 'coalesce(s_rel.penalties_1y, 0)'),
    ('related_serious_penalties_3y', '{rel}', 'coalesce(s_rel.serious_penalties_3y, 0)'),
    ('parent_adverse', '{pe,parent}', $x$CASE WHEN e.parent_uscc IS NULL THEN 0 WHEN (pe.status IN ('revoked', 'cancelled') AND pe.status_date <= $1) OR p_ab.cur > 0 OR p_sd.cur > 0 OR p_jd.cur > 0 THEN 1 ELSE 0 END$x$),
    ('shareholder_listed_current', '{shl}', 'CASE WHEN s_shl.uscc IS NOT NULL THEN 1 ELSE 0 END'),
    ('complaints_1y', '{cmp}', 'coalesce(s_cmp.complaints_1y, 0)'),
    ('complaints_3y', '{cmp}', 'coalesce(s_cmp.complaints_3y, 0)'),
    ('complaints_substantiated_1y', '{cmp}', 'coalesce(s_cmp.complaints_substantiated_1y, 0)'),
    ('complaints_growth_3m', '{cmp}', '(coalesce(s_cmp.last_3m, 0) - coalesce(s_cmp.previous_3m, 0))::double precision / (coalesce(s_cmp.previous_3m, 0) + 1)'),
    ('reports_1y', '{cmp}', 'coalesce(s_cmp.reports_1y, 0)'),
    ('reports_3y', '{cmp}', 'coalesce(s_cmp.reports_3y, 0)'),
    ('reports_substantiated_1y', '{cmp}', 'coalesce(s_cmp.reports_substantiated_1y, 0)'),
    ('substantiated_ratio_1y', '{cmp}', 's_cmp.substantiated_1y::double precision / nullif(s_cmp.all_1y, 0)'),
    ('negative_opinion_1y', '{op}', 'coalesce(s_op.negative_1y, 0)'),
    ('negative_opinion_3m', '{op}', 'coalesce(s_op.negative_3m, 0)'),
    ('negative_opinion_share_1y', '{op}', 's_op.negative_1y::double precision / nullif(s_op.all_1y, 0)')),
    -- The model's indicators, in its order: the set-based form of a built-in
    -- entry, else the entry's definition.
    mi AS (
        SELECT m.position, m.code, i.builtin, i.definition_sql, s.passes, s.expr
          FROM creditrisk.model_indicator m
          JOIN creditrisk.indicator i USING (code)
          LEFT JOIN ind s ON s.code = m.code AND i.builtin
         WHERE m.model_key = model),
    -- The passes joined to e, and the CTEs they need (transitively).
    direct AS (SELECT DISTINCT unnest(mi.passes) AS name FROM mi),
    needed (name) AS (
        SELECT name FROM direct
        UNION
        SELECT unnest(p.deps) FROM needed n JOIN pass p ON p.name = n.name)
    SELECT (SELECT string_agg(format(E'    /* %s */ (%s)::double precision', mi.code, coalesce(mi.expr, mi.definition_sql)),
                              E',\n' ORDER BY mi.position) FROM mi),
           (SELECT string_agg(mi.code, ', ' ORDER BY mi.position) FROM mi WHERE mi.builtin AND mi.expr IS NULL),
           (SELECT string_agg(p.cte, E',\n' ORDER BY p.ord) FROM pass p
             WHERE p.cte IS NOT NULL AND p.name IN (SELECT name FROM needed)),
           (SELECT string_agg(E'\n  ' || p.joins, '' ORDER BY p.ord) FROM pass p
             WHERE p.joins IS NOT NULL AND p.name IN (SELECT name FROM direct))
      INTO body, unformed, ctes, joins;
    IF unformed IS NOT NULL THEN
        RAISE EXCEPTION 'built-in indicators of model "%" have no set-based form', model
            USING ERRCODE = 'internal_error',
                  DETAIL = format('Without one: %s.', unformed),
                  HINT = 'Add them to creditrisk.indicators_set_sql() (extension/indicators-set.sql).';
    END IF;

    RETURN format(E'-- indicators of model %s as of the date $1 as known at $2 (NULL = now), in model order:\n'
                  || E'-- one grouped pass per record table (creditrisk.indicators_set_sql())\n'
                  || E'%sSELECT e.uscc, ARRAY[\n%s\n  ] AS indicators\n  FROM creditrisk.register_at($1, $2) e%s\n'
                  || E' WHERE creditrisk.in_population(e.established_date, e.status, e.status_date, $1)',
                  model, CASE WHEN ctes IS NOT NULL THEN E'WITH ' || ctes || E'\n' ELSE '' END,
                  body, coalesce(joins, ''));
END
$$;
COMMENT ON FUNCTION creditrisk.indicators_set_sql(text) IS
    'The computation of a model''s indicators (指标计算) as one set-based SQL query (parameters $1: the as-of date, $2: the knowledge time, NULL = now): one grouped pass with FILTER aggregates per record table for the built-in entries, the catalogue definition for any other; the same values as compute_indicators() and indicators_to_sql()''s query, the way an expert would write it';
REVOKE ALL ON FUNCTION creditrisk.indicators_set_sql(text) FROM PUBLIC;

-- ===========================================================================
-- The monthly run at speed (issue 16)
-- ===========================================================================

-- The monthly run's first stage in one pass of the engine (src/compute.c):
-- each enterprise's division, score, class and reasons straight from the
-- engine's state (no array of values per row, no second read of the register).
CREATE FUNCTION creditrisk.score_population(model text, as_of date, known_at timestamptz DEFAULT NULL,
                                            nreasons integer DEFAULT 3)
RETURNS TABLE (uscc creditrisk.uscc, division_code creditrisk.division_code, score double precision,
               score_class creditrisk.riskclass, reasons text[])
AS 'MODULE_PATHNAME', 'score_population'
LANGUAGE C STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, creditrisk, pg_temp
COST 1000 ROWS 100000;
COMMENT ON FUNCTION creditrisk.score_population(text, date, timestamptz, integer) IS
    'The scores (风险评分) of every enterprise in the population on as_of with a published model, in one pass of the C engine: its division on as_of, score, score class (art. 9) and the nreasons reason codes, as known at known_at (NULL = now); row for row what compute_indicators() joined with register_at(), score(), classify() and score_reasons() give. The monthly run''s first stage';

REVOKE ALL ON FUNCTION creditrisk.score_population(text, date, timestamptz, integer) FROM PUBLIC;

-- The run's first stage through score_population() (extension/classification.sql).
CREATE OR REPLACE FUNCTION creditrisk.refresh_classification(as_of date DEFAULT CURRENT_DATE, model text DEFAULT NULL,
                                                   known_at timestamptz DEFAULT NULL)
RETURNS creditrisk.classification_run
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    t0 timestamptz := clock_timestamp();
    ts timestamptz;
    fence timestamptz;
    n bigint;
    m creditrisk.model;
    rule creditrisk.override_rule;
    v integer;
    latest record;
    stages jsonb := '{}';
    matched jsonb := '{}';
    result creditrisk.classification_run;
    label text;
    label_missing text;
BEGIN
    IF as_of IS NULL THEN
        RAISE EXCEPTION 'classification date is NULL'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'Omit it for today: SELECT creditrisk.refresh_classification();';
    END IF;
    IF as_of > current_date THEN
        RAISE EXCEPTION 'classification date % is in the future', as_of
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Records are dated; a future date would classify on records that do not exist yet.',
                  HINT = 'Classify on today or an earlier date.';
    END IF;
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'refresh_classification runs in READ COMMITTED, not %', upper(current_setting('transaction_isolation'))
            USING ERRCODE = 'invalid_transaction_state',
                  DETAIL = 'A run fixes its knowledge time after waiting for the writers in progress; a REPEATABLE READ or SERIALIZABLE snapshot is taken before that, at the transaction''s first statement, and could miss rows recorded before the knowledge time.',
                  HINT = 'Call it outside an explicit transaction block or in BEGIN ISOLATION LEVEL READ COMMITTED: the run reads one consistent state, as known at its knowledge time, by itself.';
    END IF;

    -- The fence: one run at a time, writers of the register, the records and
    -- the configuration wait until the run ends; everything recorded up to
    -- the knowledge time is committed and visible from here on.
    fence := creditrisk.knowledge_fence();
    IF known_at IS NULL THEN
        known_at := fence;
    ELSIF known_at > fence THEN
        RAISE EXCEPTION 'knowledge time is in the future'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('It is %s; a run can only use what is known by now.', known_at),
                  HINT = 'Omit it to classify with what is known now, or give the known_at of an earlier run to reproduce it.';
    ELSIF NOT isfinite(known_at) THEN
        RAISE EXCEPTION 'knowledge time must be a finite moment'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'For example the known_at of an earlier run.';
    END IF;

    IF model IS NULL THEN
        model := creditrisk.active_model(as_of, known_at);
        IF model IS NULL THEN
            RAISE EXCEPTION 'no model is active on %', as_of
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'creditrisk.model_activation has no row with effective_from on or before that date, as known at the knowledge time.',
                      HINT = 'Name a model, or activate one: INSERT INTO creditrisk.model_activation (effective_from, model_key) VALUES (...);';
        END IF;
    END IF;
    SELECT * INTO m FROM creditrisk.model mm WHERE mm.model_key = model;
    IF NOT FOUND THEN
        PERFORM creditrisk.model_not_found(model);
    END IF;
    IF m.status = 'draft' THEN
        RAISE EXCEPTION 'model "%" is a draft and cannot classify', model
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Classifications must be reproducible, so only published (frozen) models classify.',
                  HINT = format('Publish it first: SELECT creditrisk.model_publish(%L);', model);
    END IF;
    label := format('refresh_classification %s (%s)', as_of, model);
    SELECT string_agg(format('%s (%s of 16 cells)', r.domain,
                             (SELECT count(*) FROM creditrisk.fusion_matrix_as_known(known_at) fm
                               WHERE fm.domain = r.domain AND fm.effective_from = r.effective_from)),
                      ', ' ORDER BY r.domain)
      INTO label_missing
      FROM (SELECT DISTINCT ON (x.domain) x.* FROM creditrisk.fusion_rule_as_known(known_at) x
             WHERE x.effective_from <= as_of ORDER BY x.domain, x.effective_from DESC) r
     WHERE r.method = 'matrix'
       AND (SELECT count(*) FROM creditrisk.fusion_matrix_as_known(known_at) fm
             WHERE fm.domain = r.domain AND fm.effective_from = r.effective_from) < 16;
    IF label_missing IS NOT NULL THEN
        RAISE EXCEPTION 'fusion matrix incomplete: %', label_missing
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'A domain fused by matrix needs a fused class for each of the 16 (general, professional) pairs.',
                  HINT = 'Insert the missing cells into creditrisk.fusion_matrix, or set the domain''s method to riskier.';
    END IF;

    -- Stored SQL the runner does not trust is refused before anything runs
    -- (the definitions are checked by compute_indicators before it reads).
    PERFORM creditrisk.override_rule_run_as(o.code, known_at)
       FROM creditrisk.override_rule_as_known(known_at) o
      WHERE o.enabled AND o.effective_from <= as_of AND (o.effective_to IS NULL OR o.effective_to >= as_of);

    -- 1. A new version of the date; earlier versions stay.
    SELECT coalesce(max(r.version), 0) + 1 INTO v FROM creditrisk.classification_run r WHERE r.as_of = as_of;
    INSERT INTO creditrisk.classification_run (as_of, version, known_at, model_key, model_revision, started_at, run_by)
    VALUES (as_of, v, known_at, model, m.revision, t0, current_user);
    IF v > 1 THEN
        RAISE NOTICE '%: version % (earlier versions stay in the history)', label, v;
    END IF;

    -- 2. Indicators and scores, on the register version valid on the date, of
    --    the population of art. 3: one pass of the C engine (score_population:
    --    indicators, score, class and reasons, the division of the version).
    ts := clock_timestamp();
    INSERT INTO creditrisk.classification_result (as_of, version, uscc, division_code, score, score_class, final_class, reasons)
    SELECT as_of, v, s.uscc, s.division_code, s.score, s.score_class, s.score_class, s.reasons
      FROM creditrisk.score_population(model, as_of, known_at, 3) s
     WHERE creditrisk.in_scope(s.uscc, s.division_code, as_of, known_at);   -- art. 3
    GET DIAGNOSTICS n = ROW_COUNT;
    stages := stages || jsonb_build_object('score', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));
    RAISE NOTICE '%: indicators and scores: % enterprises', label, n
        USING DETAIL = format('stage %s s, elapsed %s s', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3),
                              round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3));

    -- 3. Overrides (art. 10), one set-based statement per rule in force, as
    --    entered by the knowledge time; each reads ($1 date, $2 knowledge time).
    FOR rule IN SELECT * FROM creditrisk.override_rule_as_known(known_at) o
                 WHERE o.enabled AND o.effective_from <= as_of AND (o.effective_to IS NULL OR o.effective_to >= as_of)
                 ORDER BY o.code
    LOOP
        ts := clock_timestamp();
        BEGIN
            UPDATE creditrisk.classification_result r
               SET overrides = r.overrides || rule.code,
                   override_details = coalesce(r.override_details, '{}') || jsonb_build_object(rule.code, q.detail),
                   final_class = greatest(r.final_class, q.class)
              FROM (SELECT x.uscc, max(x.class) AS class,
                           (array_agg(jsonb_build_object('class', x.class) || x.detail ORDER BY x.class DESC))[1] AS detail
                      FROM creditrisk.override_rule_matches(rule.code, as_of, known_at) x
                     GROUP BY x.uscc) q
             WHERE r.as_of = as_of AND r.version = v AND r.uscc = q.uscc;
            GET DIAGNOSTICS n = ROW_COUNT;
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION 'override rule "%" failed', rule.code
                USING ERRCODE = SQLSTATE, DETAIL = SQLERRM,
                      HINT = 'Correct or disable the rule (UPDATE creditrisk.override_rule SET enabled = false ...).';
        END;
        matched := matched || jsonb_build_object(rule.code, n);
        stages := stages || jsonb_build_object('override ' || rule.code, round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));
        RAISE NOTICE '%: override %: % enterprises', label, rule.code, n
            USING DETAIL = format('stage %s s, elapsed %s s', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3),
                                  round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3));
    END LOOP;

    -- 4. Fusion (art. 16) with the latest professional class on or before the date.
    --    A matrix fuses the general and professional classes, but never below
    --    the class an override imposed (art. 10: a serious-dishonesty D stays D
    --    in every domain); the fused class is the one the domain's measures use.
    ts := clock_timestamp();
    INSERT INTO creditrisk.classification_domain_result
           (as_of, version, uscc, domain, division_code, general_class, professional_class, assessed_date, method, fused_class)
    SELECT as_of, v, d.uscc, d.domain, r.division_code, r.final_class, d.class, d.assessed_date,
           coalesce(f.method, 'riskier'),
           -- never below the art. 10 override class, whatever the matrix says
           CASE WHEN f.method = 'matrix'
                THEN greatest(fm.fused_class, (SELECT max((o.value OPERATOR(pg_catalog.->>) 'class')::creditrisk.riskclass)
                                                 FROM pg_catalog.jsonb_each(r.override_details) o))
                ELSE greatest(r.final_class, d.class) END
      FROM (SELECT DISTINCT ON (x.uscc, x.domain) x.uscc, x.domain, x.class, x.assessed_date
              FROM creditrisk.domain_risk_class_as_known(known_at) x
             WHERE x.assessed_date <= as_of
             ORDER BY x.uscc, x.domain, x.assessed_date DESC) d
      JOIN creditrisk.classification_result r ON r.as_of = as_of AND r.version = v AND r.uscc = d.uscc
      LEFT JOIN (SELECT DISTINCT ON (x.domain) x.* FROM creditrisk.fusion_rule_as_known(known_at) x
                  WHERE x.effective_from <= as_of ORDER BY x.domain, x.effective_from DESC) f ON f.domain = d.domain
      LEFT JOIN creditrisk.fusion_matrix_as_known(known_at) fm
             ON fm.domain = d.domain AND fm.effective_from = f.effective_from
            AND fm.general_class = r.final_class AND fm.professional_class = d.class;
    GET DIAGNOSTICS n = ROW_COUNT;
    stages := stages || jsonb_build_object('fusion', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));
    RAISE NOTICE '%: fusion: % enterprise domains', label, n
        USING DETAIL = format('stage %s s, elapsed %s s', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3),
                              round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3));

    -- 5. The run's summary in the history.
    ts := clock_timestamp();
    UPDATE creditrisk.classification_run run
       SET enterprises = s.enterprises, score_classes = s.score_classes, final_classes = s.final_classes,
           overridden = s.overridden, overrides = matched, domain_results = n
      FROM (SELECT count(*) AS enterprises,
                   jsonb_build_object('A', count(*) FILTER (WHERE r.score_class = 'A'), 'B', count(*) FILTER (WHERE r.score_class = 'B'),
                                      'C', count(*) FILTER (WHERE r.score_class = 'C'), 'D', count(*) FILTER (WHERE r.score_class = 'D')) AS score_classes,
                   jsonb_build_object('A', count(*) FILTER (WHERE r.final_class = 'A'), 'B', count(*) FILTER (WHERE r.final_class = 'B'),
                                      'C', count(*) FILTER (WHERE r.final_class = 'C'), 'D', count(*) FILTER (WHERE r.final_class = 'D')) AS final_classes,
                   count(*) FILTER (WHERE r.final_class > r.score_class) AS overridden
              FROM creditrisk.classification_result r WHERE r.as_of = as_of AND r.version = v) s
     WHERE run.as_of = as_of AND run.version = v;
    stages := stages || jsonb_build_object('history', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));

    -- 6. Publish: refresh the views of the latest run, readers keep reading.
    ts := clock_timestamp();
    SELECT r.as_of, r.version INTO latest FROM creditrisk.classification_run r ORDER BY r.as_of DESC, r.version DESC LIMIT 1;
    IF latest.as_of = as_of THEN
        PERFORM creditrisk.refresh_current_views();
        stages := stages || jsonb_build_object('refresh', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));
        RAISE NOTICE '%: refreshed the current classification', label
            USING DETAIL = format('stage %s s, elapsed %s s', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3),
                                  round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3));
    ELSE
        RAISE NOTICE '%: kept in the history; the current classification stays that of %', label, latest.as_of;
    END IF;

    UPDATE creditrisk.classification_run run SET finished_at = clock_timestamp(), stages = stages
     WHERE run.as_of = as_of AND run.version = v
    RETURNING * INTO result;
    RAISE NOTICE '%: done: % enterprises, % overridden, final classes %', label, result.enterprises, result.overridden, result.final_classes
        USING DETAIL = format('elapsed %s s', round(extract(epoch FROM result.finished_at - t0)::numeric, 3));
    RETURN result;
END
$$;
