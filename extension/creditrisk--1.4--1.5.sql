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

-- ===========================================================================
-- Confidentiality leftovers (issue 12)
-- ===========================================================================

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

CREATE OR REPLACE FUNCTION creditrisk.create_roles() RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, creditrisk, pg_temp SET client_min_messages = warning AS $fn$
DECLARE
    r record;
    t text;
    kinds constant text[] := ARRAY['creditrisk_admin', 'creditrisk_analyst', 'creditrisk_partner', 'creditrisk_auditor'];
    model_tables constant text[] := ARRAY['indicator', 'model', 'model_dimension', 'model_group', 'model_indicator',
                                          'model_bin', 'model_category', 'model_floor', 'model_floor_condition'];
    config_tables constant text[] := ARRAY['model_activation', 'high_concern_industry', 'override_rule',
                                           'fusion_rule', 'fusion_matrix', 'supervision_measure', 'population_opt_in'];
    register_tables constant text[] := ARRAY['enterprise'];
    record_tables constant text[] := ARRAY['licence', 'penalty', 'spot_check', 'complaint', 'abnormal_listing',
                                           'serious_dishonesty_listing', 'judgment_debtor_listing', 'annual_report',
                                           'registration_change', 'equity_pledge_freeze', 'lawsuit',
                                           'public_opinion', 'domain_risk_class', 'indicator_value'];
    result_tables constant text[] := ARRAY['classification_result', 'classification_domain_result',
                                           'classification_correction'];
    -- superseded versions, written only by the trigger record_arrival as the owner
    config_history constant text[] := ARRAY['model_activation_history', 'high_concern_industry_history',
                                            'override_rule_history', 'fusion_rule_history', 'fusion_matrix_history',
                                            'supervision_measure_history', 'population_opt_in_history'];
    record_history constant text[] := ARRAY['licence_history', 'penalty_history', 'spot_check_history',
                                            'complaint_history', 'abnormal_listing_history',
                                            'serious_dishonesty_listing_history', 'judgment_debtor_listing_history',
                                            'annual_report_history', 'registration_change_history',
                                            'equity_pledge_freeze_history', 'lawsuit_history', 'public_opinion_history',
                                            'domain_risk_class_history', 'indicator_value_history'];
    -- spot checks (extension/supervision.sql): what a bureau plans and keeps,
    -- and what only the draw writes
    spot_plan_tables constant text[] := ARRAY['inspector', 'inspector_conflict', 'spot_check_task', 'spot_check_task_class'];
    spot_draw_tables constant text[] := ARRAY['spot_check_population', 'spot_check_draw', 'spot_check_task_inspector',
                                              'spot_check_task_conflict', 'spot_check_assignment'];
    spot_views constant text[] := ARRAY['spot_check_task_summary', 'spot_check_unassignable', 'spot_check_inspector_load'];
    views constant text[] := ARRAY['classification_current', 'classification_domain_current', 'enterprise_measures',
                                   'enterprise_domain_measures',
                                   'classification_worsened', 'class_transition_latest', 'class_distribution_current',
                                   'score_stability_latest'];
    in_scope constant text := 'division_code >= (SELECT creditrisk.scope_from()) AND division_code < (SELECT creditrisk.scope_to())';
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
                                        'creditrisk auditors: read results, configuration, jurisdictions, agreements and logs of their jurisdiction'])
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

    -- everyone enrolled reads its own jurisdiction and agreements (the scope
    -- functions do); the auditor reads all of them
    GRANT SELECT ON creditrisk.jurisdiction, creditrisk.sharing_agreement
        TO creditrisk_admin, creditrisk_analyst, creditrisk_partner, creditrisk_auditor;

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
    GRANT SELECT ON creditrisk.calendar_day TO creditrisk_admin, creditrisk_analyst, creditrisk_auditor;

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
$fn$;COMMENT ON FUNCTION creditrisk.create_roles() IS
    'Creates (if absent) the group roles creditrisk_owner, _admin, _analyst, _partner, _auditor, gives each exactly the grants its job needs, makes creditrisk_owner own the data and views, and (re)creates the row-level security policies; idempotent, for a superuser; run again after ALTER EXTENSION UPDATE and after a restore';

-- ===========================================================================
-- Reporting units, 双公示, new record kinds (issue 14)
-- ===========================================================================

-- ===========================================================================
-- Credit repair and commitments (issue 14)
-- ===========================================================================

-- ===========================================================================
-- Names, explain_enterprise, schedule, model performance (issue 15)
-- ===========================================================================

-- ===========================================================================
-- The monthly run at speed (issue 16)
-- ===========================================================================
