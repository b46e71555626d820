-- creditrisk 1.11 -> 1.12 (hand-written; frozen once released)
--
-- One section per concern, each under its own marker.  Each section turns a
-- 1.11 catalog into 1.12 for its concern; the install sources (extension/*.sql)
-- hold the current definitions, and sql/upgrade.sql proves that the chain
-- 1.0 -> ... -> 1.12 gives the same catalog as a fresh install.

\echo Use "ALTER EXTENSION creditrisk UPDATE TO '1.12'" to load this file. \quit

-- ===========================================================================
-- The monthly run's fusion without a sort of the run's rows (issue 16)
-- ===========================================================================
-- refresh_classification(): the population's filter is a column computed
-- below the join with the overrides (the planner takes half the engine's
-- rows for it, not two), and the fused classes hash the latest assessments
-- with merge joins off for that one statement.
-- (jit = off, 1.10: the run's statements handle a million rows in plans of
-- modest cost per row, which JIT compiles without gain; as a province
-- admin under row-level security, the planner's estimates passed the
-- inlining and optimisation thresholds, and compiling the first stage took
-- 3.9 s of a 1M run.  It holds for everything the run calls: the override
-- rules, the seal.)
CREATE OR REPLACE FUNCTION creditrisk.refresh_classification(as_of date DEFAULT CURRENT_DATE, model text DEFAULT NULL,
                                                   known_at timestamptz DEFAULT NULL)
RETURNS creditrisk.classification_run
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, creditrisk, pg_temp SET jit = off AS $$
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
    opt_ins boolean;
    hits jsonb := '{}';
    rule_hits jsonb;
    rule_stages jsonb := '{}';
    n_score_classes jsonb;
    n_final_classes jsonb;
    n_overridden bigint;
    domain_rows bigint;
    merge_joins text := pg_catalog.current_setting('enable_mergejoin');
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

    -- 2. Overrides (art. 10) first: each rule in force, as entered by the
    --    knowledge time, reads ($1 date, $2 knowledge time) once, set-based;
    --    its matches are kept per enterprise, {code: {uscc: detail}}, so that
    --    the run's rows are written once, with their overrides applied
    --    (until 1.7 an UPDATE per rule rewrote the rows just inserted: new
    --    row versions, new index entries).
    FOR rule IN SELECT * FROM creditrisk.override_rule_as_known(known_at) o
                 WHERE o.enabled AND o.effective_from <= as_of AND (o.effective_to IS NULL OR o.effective_to >= as_of)
                 ORDER BY o.code
    LOOP
        ts := clock_timestamp();
        BEGIN
            SELECT coalesce(jsonb_object_agg(q.uscc, q.detail), '{}') INTO rule_hits
              FROM (SELECT x.uscc::text AS uscc,
                           (array_agg(jsonb_build_object('class', x.class) || x.detail ORDER BY x.class DESC))[1] AS detail
                      FROM creditrisk.override_rule_matches(rule.code, as_of, known_at) x
                     GROUP BY x.uscc) q;
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION 'override rule "%" failed', rule.code
                USING ERRCODE = SQLSTATE, DETAIL = SQLERRM,
                      HINT = 'Correct or disable the rule (UPDATE creditrisk.override_rule SET enabled = false ...).';
        END;
        hits := hits || jsonb_build_object(rule.code, rule_hits);
        rule_stages := rule_stages || jsonb_build_object(rule.code, round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));
    END LOOP;

    -- 3. Indicators and scores, on the register version valid on the date, of
    --    the population of art. 3: one pass of the C engine (score_population:
    --    indicators, score, class and reasons, the division of the version),
    --    joined with the overrides' matches: final class, override codes (in
    --    the rules' order) and details.  The engine's rows stream into the
    --    insert (score_population_stream() in a SELECT list, which PostgreSQL
    --    calls once per row; in FROM it would first collect them all): with
    --    creditrisk.run_workers (default 2, never more than the engine's
    --    chunks) parallel workers compute them while this backend writes the
    --    previous ones, both cores at once
    --    (issue 16).  Nothing between them holds the rows (the overrides'
    --    matches are hashed first).  The population of art. 3 is
    --    in_scope(); its opted_in() part runs a query per unit outside the
    --    default population (about 60 us each), so it is asked only when an
    --    opt-in is in force on the date as known then (the same filter as
    --    opted_in()'s): without one, in_scope() is its first part, for every
    --    unit.  (The join is below the population's filter, behind OFFSET 0,
    --    and the filter is a column computed there: the planner takes half
    --    the engine's rows for the population.  Until 1.11 it filtered on the
    --    two comparisons themselves, which the planner took for two rows in
    --    all; the join above them would have looped over the matches for
    --    each enterprise, and the fusion (4.) was planned for two rows: a
    --    merge join that sorted the run's rows.  JIT plays no part any more:
    --    the function runs with jit = off since 1.10.)
    ts := clock_timestamp();
    opt_ins := EXISTS (SELECT 1 FROM creditrisk.population_opt_in_as_known(known_at) o
                        WHERE o.effective_from <= as_of AND (o.effective_to IS NULL OR o.effective_to >= as_of));
    -- The rows are written in USCC order: the primary key (uscc, as_of,
    -- version) and the index on the division (a USCC's characters 3-8 are
    -- its registration division) are then walked in order, each leaf once,
    -- and (as_of, version, division_code) grows at its right end.  In the register's physical
    -- order, which need not be the USCC's, the same insert cost 2.5x as much
    -- CPU (88,573 rows in random order, issue 16).  No sort is needed for it
    -- (1.10): the engine returns its rows (score_population_stream() as
    -- score_population()) in USCC order whatever the register's physical
    -- order (the engine sorts its slots), and the hash
    -- join with the overrides' matches (hashed: the few rows) and the filter
    -- keep the order of their outer side, so the rows reach the insert as the
    -- engine gives them (sql/engine_order.sql shows the plan has no Sort there
    -- and the rows land in USCC order).  Were the matches too many for one
    -- batch of the hash join, the order would only be looser, not the result.
    --
    -- One statement writes the run's results and, from the rows it returns
    -- (no second reading of the history through its index), the fused
    -- classes (4.) and the run's summary (5.): the count, the enterprises per
    -- score and final class, per rule the enterprises of the run it matched
    -- (from the rows that have overrides only), and the fused rows.
    --
    -- 4. Fusion (art. 16) with the latest professional class on or before the
    --    date.  A matrix fuses the general and professional classes, but never
    --    below the class an override imposed (art. 10: a serious-dishonesty D
    --    stays D in every domain); the fused class is the one the domain's
    --    measures use.  The latest assessments are hashed and the run's
    --    rows, as they come, look theirs up: no sort of the run's rows
    --    (1.12; a merge join sorted them, since the planner cannot know they
    --    come in USCC order: at 1M the stage took 0.6 s longer).  The
    --    planner would still pick the merge join, the latest assessments
    --    coming out of their DISTINCT ON in USCC order, so merge joins are
    --    off for this statement; with the population's estimate above no
    --    nested loop is cheaper either (1.11 tried the latest assessments by
    --    a hash aggregate: under the estimate of two rows a province-wide
    --    creditrisk_admin's plan rescanned the run's rows for each of them
    --    and the run did not finish in 7 minutes).
    PERFORM pg_catalog.set_config('enable_mergejoin', 'off', true);
    EXECUTE $run$
WITH ins AS (
    INSERT INTO creditrisk.classification_result (as_of, version, uscc, division_code, score, score_class, final_class,
                                                  overrides, override_details, reasons)
    SELECT $1, $2, x.uscc, x.division_code, x.score, x.score_class,
           CASE WHEN x.class > x.score_class THEN x.class ELSE x.score_class END,
           coalesce(x.codes, '{}'), x.details, x.reasons
      FROM (SELECT (s.r).uscc, (s.r).division_code, (s.r).score, (s.r).score_class, (s.r).reasons,
                   o.class, o.codes, o.details,
                   CASE WHEN $5 THEN creditrisk.in_scope((s.r).uscc, (s.r).division_code, $1, $4)   -- art. 3
                        ELSE pg_catalog.left((s.r).division_code, 2) = '41'
                             AND creditrisk.uscc_entity_type((s.r).uscc) = '91' END AS in_scope
              FROM (SELECT creditrisk.score_population_stream($3, $1, $4, 3) AS r OFFSET 0) s
              LEFT JOIN (SELECT h.key AS uscc, array_agg(r.key ORDER BY r.key) AS codes,
                                jsonb_object_agg(r.key, h.value) AS details,
                                max((h.value OPERATOR(pg_catalog.->>) 'class')::creditrisk.riskclass) AS class
                           FROM jsonb_each($6) r, jsonb_each(r.value) h GROUP BY h.key) o
                     ON o.uscc = (s.r).uscc::text
            OFFSET 0) x
     WHERE x.in_scope
    RETURNING uscc, division_code, score_class, final_class, overrides, override_details
), dom AS (
    INSERT INTO creditrisk.classification_domain_result
           (as_of, version, uscc, domain, division_code, general_class, professional_class, assessed_date, method, fused_class)
    SELECT $1, $2, d.uscc, d.domain, r.division_code, r.final_class, d.class, d.assessed_date,
           coalesce(f.method, 'riskier'),
           -- never below the art. 10 override class, whatever the matrix says
           CASE WHEN f.method = 'matrix'
                THEN greatest(fm.fused_class, (SELECT max((o.value OPERATOR(pg_catalog.->>) 'class')::creditrisk.riskclass)
                                                 FROM pg_catalog.jsonb_each(r.override_details) o))
                ELSE greatest(r.final_class, d.class) END
      FROM (SELECT DISTINCT ON (x.uscc, x.domain) x.uscc, x.domain, x.class, x.assessed_date
              FROM creditrisk.domain_risk_class_as_known($4) x
             WHERE x.assessed_date <= $1
             ORDER BY x.uscc, x.domain, x.assessed_date DESC) d
      JOIN ins r ON r.uscc = d.uscc
      LEFT JOIN (SELECT DISTINCT ON (x.domain) x.* FROM creditrisk.fusion_rule_as_known($4) x
                  WHERE x.effective_from <= $1 ORDER BY x.domain, x.effective_from DESC) f ON f.domain = d.domain
      LEFT JOIN creditrisk.fusion_matrix_as_known($4) fm
             ON fm.domain = d.domain AND fm.effective_from = f.effective_from
            AND fm.general_class = r.final_class AND fm.professional_class = d.class
    RETURNING 1
)
SELECT count(*),
       jsonb_build_object('A', count(*) FILTER (WHERE i.score_class = 'A'), 'B', count(*) FILTER (WHERE i.score_class = 'B'),
                          'C', count(*) FILTER (WHERE i.score_class = 'C'), 'D', count(*) FILTER (WHERE i.score_class = 'D')),
       jsonb_build_object('A', count(*) FILTER (WHERE i.final_class = 'A'), 'B', count(*) FILTER (WHERE i.final_class = 'B'),
                          'C', count(*) FILTER (WHERE i.final_class = 'C'), 'D', count(*) FILTER (WHERE i.final_class = 'D')),
       count(*) FILTER (WHERE i.final_class > i.score_class),
       (SELECT coalesce(jsonb_object_agg(c.code, c.n), '{}')
          FROM (SELECT u.code, count(*) AS n
                  FROM (SELECT y.overrides FROM ins y WHERE pg_catalog.cardinality(y.overrides) > 0) y,
                       unnest(y.overrides) u(code)
                 GROUP BY u.code) c),
       (SELECT count(*) FROM dom)
  FROM ins i
$run$
        INTO n, n_score_classes, n_final_classes, n_overridden, matched, domain_rows
        USING as_of, v, model, known_at, opt_ins, hits;
    PERFORM pg_catalog.set_config('enable_mergejoin', merge_joins, true);
    stages := stages || jsonb_build_object('score', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));
    RAISE NOTICE '%: indicators and scores: % enterprises', label, n
        USING DETAIL = format('stage %s s (with the fused classes and the counts), elapsed %s s',
                              round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3),
                              round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3));

    -- The overrides' counts (a rule that matched no enterprise of the run: 0).
    FOR rule IN SELECT * FROM creditrisk.override_rule_as_known(known_at) o
                 WHERE o.enabled AND o.effective_from <= as_of AND (o.effective_to IS NULL OR o.effective_to >= as_of)
                 ORDER BY o.code
    LOOP
        matched := jsonb_build_object(rule.code, 0) || matched;
        stages := stages || jsonb_build_object('override ' || rule.code, rule_stages -> rule.code);
        RAISE NOTICE '%: override %: % enterprises', label, rule.code, matched -> rule.code
            USING DETAIL = format('stage %s s (matching, before the insert)', rule_stages -> rule.code);
    END LOOP;
    RAISE NOTICE '%: fusion: % enterprise domains', label, domain_rows
        USING DETAIL = 'written with the results (stage score)';

    -- 5. The run's summary in the history (counted from the rows written).
    ts := clock_timestamp();
    UPDATE creditrisk.classification_run run
       SET enterprises = n, score_classes = n_score_classes, final_classes = n_final_classes,
           overridden = n_overridden, overrides = matched, domain_results = domain_rows
     WHERE run.as_of = as_of AND run.version = v;
    stages := stages || jsonb_build_object('history', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));

    -- 6. Publish: nothing to copy.  The current views read the latest run
    -- from the history; this run's rows become current when its transaction
    -- commits, and until then readers see the previous run.
    SELECT r.as_of, r.version INTO latest FROM creditrisk.classification_run r ORDER BY r.as_of DESC, r.version DESC LIMIT 1;
    IF latest.as_of = as_of THEN
        RAISE NOTICE '%: becomes the current classification when committed', label;
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

-- ===========================================================================
-- The history's key leads with the run (issue 16)
-- ===========================================================================
-- Each monthly run appends to (as_of, version, uscc) instead of writing into
-- every leaf page of (uscc, as_of, version).  The key is rebuilt here over
-- the whole history, with an ACCESS EXCLUSIVE lock on classification_result
-- while it is built (one sorted build).  One enterprise's history:
-- classification_history(uscc), a probe of the key per run.
ALTER TABLE creditrisk.classification_result
    DROP CONSTRAINT classification_result_pkey,
    ADD CONSTRAINT classification_result_pkey PRIMARY KEY (as_of, version, uscc);

CREATE FUNCTION creditrisk.classification_history(uscc creditrisk.uscc)
RETURNS SETOF creditrisk.classification_result
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT r.*
      FROM creditrisk.classification_run run
      JOIN creditrisk.classification_result r
        ON r.as_of = run.as_of AND r.version = run.version AND r.uscc = classification_history.uscc
     ORDER BY run.as_of, run.version
$$;
COMMENT ON FUNCTION creditrisk.classification_history(creditrisk.uscc) IS
    'One enterprise''s classifications in every run of the history (分类结果历史), oldest first, with the reader''s rights under row-level security: one probe of the history''s key (as_of, version, uscc) per run, where a query on uscc alone reads the whole history';
REVOKE ALL ON FUNCTION creditrisk.classification_history(creditrisk.uscc) FROM PUBLIC;
-- what create_roles() grants on every function, for the roles that exist
DO $grant$
DECLARE
    r name;
BEGIN
    FOR r IN SELECT rolname FROM pg_catalog.pg_roles
              WHERE rolname IN ('creditrisk_owner', 'creditrisk_admin', 'creditrisk_analyst', 'creditrisk_partner',
                                'creditrisk_auditor', 'creditrisk_loader')
    LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION creditrisk.classification_history(creditrisk.uscc) TO %I', r);
    END LOOP;
END
$grant$;
