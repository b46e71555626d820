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
BEGIN
    IF task IS NULL OR seed IS NULL THEN
        RAISE EXCEPTION 'task and seed are required' USING ERRCODE = 'null_value_not_allowed';
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
