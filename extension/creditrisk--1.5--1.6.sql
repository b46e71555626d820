-- creditrisk 1.5 -> 1.6 (hand-written; frozen once released)
--
-- One section per concern, each under its own marker.  Each section turns a
-- 1.5 catalog into 1.6 for its concern; the install sources (extension/*.sql)
-- hold the current definitions, and sql/upgrade.sql proves that the chain
-- 1.0 -> ... -> 1.6 gives the same catalog as a fresh install.

\echo Use "ALTER EXTENSION creditrisk UPDATE TO '1.6'" to load this file. \quit

-- ===========================================================================
-- Current classification without materialized views (issues 12, 16)
-- ===========================================================================

-- The current classification is read from the history (classification_result,
-- classification_domain_result) under its row-level security: the rows of
-- the latest run, through an index on (as_of, version, division_code).  The
-- materialized views and their concurrent refresh in the monthly run go.
CREATE INDEX classification_result_run_division_idx ON creditrisk.classification_result (as_of, version, division_code);
CREATE INDEX classification_domain_result_run_division_idx ON creditrisk.classification_domain_result (as_of, version, division_code);

CREATE OR REPLACE VIEW creditrisk.classification_current WITH (security_barrier = true) AS
SELECT c.uscc, c.division_code, c.score, c.score_class, c.final_class, c.overrides, c.override_details, c.reasons,
       (SELECT d.name FROM creditrisk.division d WHERE d.code = c.division_code) AS division_name,
       (SELECT e.name FROM creditrisk.enterprise e WHERE e.uscc = c.uscc) AS enterprise_name,
       creditrisk.reason_names(c.overrides) AS override_names, creditrisk.reason_names(c.reasons) AS reason_names
  FROM creditrisk.classification_result c
 WHERE (c.as_of, c.version) = (SELECT r.as_of, r.version FROM creditrisk.classification_run r
                           ORDER BY r.as_of DESC, r.version DESC LIMIT 1)
   AND c.division_code >= (SELECT creditrisk.scope_from()) AND c.division_code < (SELECT creditrisk.scope_to());
COMMENT ON VIEW creditrisk.classification_current IS
    'The classification of the latest run (最新分类结果), one row per enterprise of the reader''s jurisdiction (管辖范围), with the names of its division and of the enterprise and the Chinese names of its override and reason codes; read from the history (classification_result) under its row-level security, always the latest committed run; the date, version and model are in creditrisk.classification_run';

CREATE OR REPLACE VIEW creditrisk.classification_domain_current WITH (security_barrier = true) AS
SELECT c.uscc, c.domain, c.division_code, c.general_class, c.professional_class, c.assessed_date, c.method, c.fused_class,
       d.name AS division_name
  FROM creditrisk.classification_domain_result c
  LEFT JOIN creditrisk.division d ON d.code = c.division_code
 WHERE (c.as_of, c.version) = (SELECT r.as_of, r.version FROM creditrisk.classification_run r
                           ORDER BY r.as_of DESC, r.version DESC LIMIT 1)
   AND c.division_code >= (SELECT creditrisk.scope_from()) AND c.division_code < (SELECT creditrisk.scope_to());
COMMENT ON VIEW creditrisk.classification_domain_current IS
    'Each enterprise''s class in each domain it belongs to (通用+专业融合, art. 16), latest run, enterprises of the reader''s jurisdiction; read from the history (classification_domain_result) under its row-level security';

CREATE OR REPLACE VIEW creditrisk.shared_classification WITH (security_barrier = true) AS
SELECT c.uscc, c.division_code, c.final_class, c.as_of AS class_date,
       CASE WHEN 'score' = ANY (g.fields) THEN c.score END AS score,
       CASE WHEN 'score_class' = ANY (g.fields) THEN c.score_class END AS score_class,
       CASE WHEN 'overrides' = ANY (g.fields) THEN c.overrides END AS overrides,
       CASE WHEN 'reasons' = ANY (g.fields) THEN c.reasons END AS reasons
  FROM (SELECT x.division_code, creditrisk.shared_fields(x.division_code) AS fields
          FROM (SELECT DISTINCT y.division_code FROM creditrisk.classification_result y
                 WHERE (y.as_of, y.version) = (SELECT r.as_of, r.version FROM creditrisk.classification_run r
                                           ORDER BY r.as_of DESC, r.version DESC LIMIT 1)) x) g
  JOIN creditrisk.classification_result c ON c.division_code = g.division_code
 WHERE g.fields IS NOT NULL
   AND (c.as_of, c.version) = (SELECT r.as_of, r.version FROM creditrisk.classification_run r
                           ORDER BY r.as_of DESC, r.version DESC LIMIT 1);
COMMENT ON VIEW creditrisk.shared_classification IS
    'For partner departments (共享部门): the current classification (latest run) of the enterprises their unexpired sharing agreements cover; fields not granted are NULL';

CREATE OR REPLACE VIEW creditrisk.shared_distribution WITH (security_barrier = true) AS
SELECT c.division_code::text AS division_code, count(*) AS enterprises,
       count(*) FILTER (WHERE c.final_class = 'A') AS a, count(*) FILTER (WHERE c.final_class = 'B') AS b,
       count(*) FILTER (WHERE c.final_class = 'C') AS c, count(*) FILTER (WHERE c.final_class = 'D') AS d,
       c.as_of AS class_date
  FROM creditrisk.classification_result c
 WHERE (c.as_of, c.version) = (SELECT r.as_of, r.version FROM creditrisk.classification_run r
                           ORDER BY r.as_of DESC, r.version DESC LIMIT 1)
   AND c.division_code IN (SELECT x.division_code
                             FROM (SELECT DISTINCT y.division_code FROM creditrisk.classification_result y
                                    WHERE (y.as_of, y.version) = (SELECT r.as_of, r.version FROM creditrisk.classification_run r
                                                              ORDER BY r.as_of DESC, r.version DESC LIMIT 1)) x
                            WHERE creditrisk.shared_for_aggregates(x.division_code))
 GROUP BY c.division_code, c.as_of;
COMMENT ON VIEW creditrisk.shared_distribution IS
    'For partner departments (共享部门): final-class counts of the current classification (latest run) per division their unexpired sharing agreements cover (aggregates-only agreements included)';

DROP MATERIALIZED VIEW creditrisk.classification_current_mv;
DROP MATERIALIZED VIEW creditrisk.classification_domain_current_mv;

CREATE OR REPLACE FUNCTION creditrisk.refresh_current_views() RETURNS void
LANGUAGE sql VOLATILE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT
$$;
COMMENT ON FUNCTION creditrisk.refresh_current_views() IS
    'Does nothing, kept for compatibility (刷新最新分类: 不再需要): since 1.6 classification_current and classification_domain_current read the latest run from the history, always up to date; until 1.5 this refreshed their materialized views';

CREATE OR REPLACE FUNCTION creditrisk.classification_current_status()
RETURNS TABLE (latest_run date, latest_version integer, run_rows bigint, current_rows bigint, up_to_date boolean, hint text)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    WITH r AS (SELECT x.as_of, x.version FROM creditrisk.classification_run x ORDER BY x.as_of DESC, x.version DESC LIMIT 1),
    s AS (
        SELECT (SELECT r.as_of FROM r) AS as_of, (SELECT r.version FROM r) AS version,
               (SELECT count(*) FROM creditrisk.classification_result c, r WHERE c.as_of = r.as_of AND c.version = r.version) AS run_rows,
               (SELECT count(*) FROM creditrisk.classification_current) AS current_rows
    )
    SELECT s.as_of, s.version, s.run_rows, s.current_rows, s.as_of IS NOT NULL AND s.run_rows = s.current_rows,
           CASE WHEN s.as_of IS NULL THEN 'The history holds no run yet: an administrator runs SELECT creditrisk.refresh_classification();'
                WHEN s.run_rows <> s.current_rows THEN 'The current views do not show every row of the latest run you may read: report this as a bug.' END
      FROM s
$$;
COMMENT ON FUNCTION creditrisk.classification_current_status() IS
    'Whether the current views (classification_current and those built on it) show the latest run (最新分类是否已发布), within the caller''s jurisdiction: the latest run, its rows and the rows shown. Since 1.6 the views read the history, so they are always up to date (after a restore too); up_to_date is false only before the first run';

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
COMMENT ON FUNCTION creditrisk.refresh_classification(date, text, timestamptz) IS
    'The monthly run (月度分类): classifies every enterprise on as_of with what was valid on that date and known at the knowledge time known_at (default: now, after waiting for writers in progress; READ COMMITTED only): indicators from the register version of that date, scores with the model (default: the one active on that date), override rules (art. 10) and fusion (art. 16) as entered by then; adds a new version of the date to the history (earlier versions stay), which the current views show once it commits (readers see the previous run until then and never wait); reports progress as NOTICEs and returns the run. Giving an earlier run''s known_at reproduces it row for row';

CREATE OR REPLACE FUNCTION creditrisk.correct_result(run date, uscc creditrisk.uscc, new_class creditrisk.riskclass, reason text)
RETURNS creditrisk.classification_run
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    v integer;
    nv integer;
    r creditrisk.classification_result;
    src creditrisk.classification_run;
    result creditrisk.classification_run;
BEGIN
    IF run IS NULL OR uscc IS NULL OR new_class IS NULL THEN
        RAISE EXCEPTION 'correct_result needs a run date, a USCC and the new class'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF reason IS NULL OR btrim(reason) = '' THEN
        RAISE EXCEPTION 'a correction needs a reason'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Corrections are traceable: who, when and why (更正理由).',
                  HINT = 'Name the decision, document or error the correction rests on.';
    END IF;
    -- One writer of the history at a time (as the monthly run).
    LOCK TABLE creditrisk.classification_run IN EXCLUSIVE MODE;
    SELECT * INTO src FROM creditrisk.classification_run x WHERE x.as_of = run ORDER BY x.version DESC LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no classification run on %', run
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'SELECT as_of, version FROM creditrisk.classification_run ORDER BY as_of lists the runs.';
    END IF;
    v := src.version;
    SELECT * INTO r FROM creditrisk.classification_result x WHERE x.as_of = run AND x.version = v AND x.uscc = uscc;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'enterprise % is not in the run of % (version %)', uscc, run, v
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF new_class = r.final_class THEN
        RAISE EXCEPTION 'enterprise % already has class % in the run of % (version %)', uscc, new_class, run, v
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF new_class < r.score_class THEN
        RAISE EXCEPTION 'class % is below the class of the score (%)', new_class, r.score_class
            USING ERRCODE = 'check_violation',
                  DETAIL = format('Enterprise %s scored %s (class %s); a correction, like an override, can set the final class from the score class up.', uscc, r.score, r.score_class),
                  HINT = 'If the score itself is wrong, correct the records and re-run the date (a new version).';
    END IF;
    nv := (SELECT max(x.version) FROM creditrisk.classification_run x WHERE x.as_of = run) + 1;

    -- The new version: the run copied, the one result corrected.
    INSERT INTO creditrisk.classification_run (as_of, version, known_at, model_key, model_revision, started_at, run_by,
                                               enterprises, score_classes, overrides, domain_results, stages)
    VALUES (run, nv, src.known_at, src.model_key, src.model_revision, clock_timestamp(), current_user,
            src.enterprises, src.score_classes, src.overrides, src.domain_results,
            jsonb_build_object('correction_of_version', v, 'uscc', uscc::text));
    INSERT INTO creditrisk.classification_result (as_of, version, uscc, division_code, score, score_class, final_class,
                                                  overrides, override_details, reasons)
    SELECT x.as_of, nv, x.uscc, x.division_code, x.score, x.score_class,
           CASE WHEN x.uscc = uscc THEN new_class ELSE x.final_class END,
           CASE WHEN x.uscc = uscc THEN x.overrides || 'correction'::text ELSE x.overrides END,
           CASE WHEN x.uscc = uscc
                THEN coalesce(x.override_details, '{}') || jsonb_build_object('correction',
                         jsonb_build_object('class', new_class, 'previous_class', x.final_class, 'reason', reason,
                                            'corrected_by', session_user::text))
                ELSE x.override_details END,
           x.reasons
      FROM creditrisk.classification_result x WHERE x.as_of = run AND x.version = v;
    -- Fused classes (art. 16): the corrected enterprise's refused with its new
    -- general class and the fusion configuration of the run.
    INSERT INTO creditrisk.classification_domain_result (as_of, version, uscc, domain, division_code, general_class,
                                                         professional_class, assessed_date, method, fused_class)
    SELECT x.as_of, nv, x.uscc, x.domain, x.division_code,
           CASE WHEN x.uscc = uscc THEN new_class ELSE x.general_class END,
           x.professional_class, x.assessed_date, x.method,
           CASE WHEN x.uscc <> uscc THEN x.fused_class
                WHEN x.method = 'matrix' THEN coalesce(
                    (SELECT fm.fused_class
                       FROM (SELECT DISTINCT ON (f.domain) f.* FROM creditrisk.fusion_rule_as_known(src.known_at) f
                              WHERE f.domain = x.domain AND f.effective_from <= run ORDER BY f.domain, f.effective_from DESC) f
                       JOIN creditrisk.fusion_matrix_as_known(src.known_at) fm
                         ON fm.domain = f.domain AND fm.effective_from = f.effective_from
                        AND fm.general_class = new_class AND fm.professional_class = x.professional_class),
                    greatest(new_class, x.professional_class))
                ELSE greatest(new_class, x.professional_class) END
      FROM creditrisk.classification_domain_result x WHERE x.as_of = run AND x.version = v;
    INSERT INTO creditrisk.classification_correction (as_of, version, corrected_version, uscc, division_code,
                                                      previous_class, new_class, reason)
    VALUES (run, nv, v, uscc, r.division_code, r.final_class, new_class, reason);
    -- The summary, and finished: the new version is sealed.
    UPDATE creditrisk.classification_run x
       SET final_classes = s.final_classes, overridden = s.overridden, finished_at = clock_timestamp()
      FROM (SELECT jsonb_build_object('A', count(*) FILTER (WHERE y.final_class = 'A'), 'B', count(*) FILTER (WHERE y.final_class = 'B'),
                                      'C', count(*) FILTER (WHERE y.final_class = 'C'), 'D', count(*) FILTER (WHERE y.final_class = 'D')) AS final_classes,
                   count(*) FILTER (WHERE y.final_class > y.score_class) AS overridden
              FROM creditrisk.classification_result y WHERE y.as_of = run AND y.version = nv) s
     WHERE x.as_of = run AND x.version = nv
    RETURNING x.* INTO result;
    -- (The current views read the latest version of the latest date from
    -- the history: a correction of the latest run is current once committed.)
    RETURN result;
END
$$;
COMMENT ON FUNCTION creditrisk.correct_result(date, creditrisk.uscc, creditrisk.riskclass, text) IS
    'Corrects one enterprise''s final class (分类结果更正) in the run of a date: adds a new version of the run with that result changed (override "correction", with the reason and who) and its fused classes recomputed, records the correction (who, when, why) in creditrisk.classification_correction, seals the version (current once committed, if it is the latest); earlier versions stay. Returns the new version';

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

-- ===========================================================================
-- Spot-check draws at scale (issue 13)
-- ===========================================================================

-- The draw reads the classification once (spot_draw_population, C: the
-- exclusions through their indexes into hash sets, the snapshot stored from
-- memory, the sample drawn from the lists in memory); verify_draw()
-- re-derives the sample with the same single pass over the stored snapshot.
CREATE FUNCTION creditrisk.spot_draw_population(seed text, task bigint)
RETURNS TABLE (uscc creditrisk.uscc, division_code text, class creditrisk.riskclass, rank integer)
    AS 'MODULE_PATHNAME', 'spot_draw_population' LANGUAGE C VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, creditrisk, pg_temp COST 100000 ROWS 1000;
COMMENT ON FUNCTION creditrisk.spot_draw_population(text, bigint) IS
    'The population and sample of a draw (抽查对象名录与抽取样本) in one read of the current classification: the task''s scope minus enterprises cancelled or revoked and those inspected within exclude_inspected_within (read once through their indexes), stored as the snapshot with the counts and quotas; returns per class the quota enterprises with the smallest spot_key(seed, uscc), in key order: what spot_sample_task(seed, task) re-derives from the stored snapshot';

REVOKE ALL ON FUNCTION creditrisk.spot_draw_population(text, bigint) FROM PUBLIC;

CREATE OR REPLACE FUNCTION creditrisk.draw_spot_check(task bigint, seed text)
RETURNS SETOF creditrisk.spot_check_task_class
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    t creditrisk.spot_check_task;
    cls date;
    cls_version integer;
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

    -- 1. and 2. the population snapshot, the counts and quotas per class, and
    -- the sample, in one read of the classification (spot_draw_population, C):
    -- the exclusions are read once through their indexes into hash sets, each
    -- row of the scope is probed and kept in its (division, class) list, the
    -- lists are stored as the snapshot, and per class the quota enterprises
    -- with the smallest keys are drawn from the lists in memory
    INSERT INTO creditrisk.spot_check_draw (task_id, uscc, division_code, class, rank)
    SELECT t.id, s.uscc, s.division_code, s.class, s.rank FROM creditrisk.spot_draw_population(seed, t.id) s;
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
$$;
COMMENT ON FUNCTION creditrisk.draw_spot_check(bigint, text) IS
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

    -- the sample, re-derived from the stored snapshot and quotas by the same
    -- single C pass as the draw (spot_sample_task: one bounded heap per class);
    -- doc/spotcheck.md gives the same derivation in plain SQL (sha256 +
    -- row_number), which the tests and bench/spotcheck show to be equal
    WITH expected AS (
        SELECT x.uscc, x.division_code, x.class, x.rank FROM creditrisk.spot_sample_task(t.seed, t.id) x
    ), stored AS (
        SELECT d.uscc, d.division_code, d.class, d.rank FROM creditrisk.spot_check_draw d WHERE d.task_id = t.id
    )
    SELECT count(*) FILTER (WHERE s.uscc IS NULL), count(*) FILTER (WHERE e.uscc IS NULL),
           count(*) FILTER (WHERE e.uscc IS NOT NULL AND s.uscc IS NOT NULL
                              AND (e.division_code, e.class, e.rank) IS DISTINCT FROM (s.division_code::text, s.class, s.rank))
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
      FROM (SELECT d.uscc, count(a.uscc) AS n
              FROM creditrisk.spot_check_draw d
              LEFT JOIN creditrisk.spot_check_assignment a ON a.task_id = d.task_id AND a.uscc = d.uscc
             WHERE d.task_id = t.id GROUP BY d.uscc) x;
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
$$;
COMMENT ON FUNCTION creditrisk.verify_draw(bigint) IS
    'Verifies a draw (抽取结果验证): the seed matches its commitment, the population snapshot is consistent, quotas are ceil(ratio × population), the sample re-derived from the stored snapshot (spot_sample_task, the same single C pass as the draw; doc/spotcheck.md gives it in plain SQL) equals the stored one, the assignment re-runs identically, no conflicted or short assignment, loads within one of the mean';

-- The single-enterprise path never JIT-compiles its plan (extension/explain.sql).
ALTER FUNCTION creditrisk.compute_enterprise_indicators(text, creditrisk.uscc, date, timestamptz) SET jit = off;

-- explain_enterprise(): related parties outside the caller's jurisdiction as
-- one counted sum (issue 15; doc/SECURITY.md).
CREATE OR REPLACE FUNCTION creditrisk.explain_enterprise(uscc creditrisk.uscc, as_of date DEFAULT NULL)
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
    outside bigint;
    partial text[];
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
    SELECT e.name, e.division_code, e.parent_uscc INTO ent FROM creditrisk.enterprise e WHERE e.uscc = uscc;
    -- Related parties (and a branch's parent) the caller may not read: the
    -- indicators above saw only what the caller sees, so their share of the
    -- stored score is given as one sum, never by enterprise (doc/SECURITY.md,
    -- "Explaining an enterprise whose related parties lie outside the
    -- jurisdiction").  The links themselves are readable by either end.
    SELECT count(DISTINCT o.other) INTO outside
      FROM (SELECT CASE WHEN l.from_uscc = uscc THEN l.to_uscc ELSE l.from_uscc END AS other
              FROM creditrisk.related_party_link_as_known(run.known_at) l
             WHERE (l.from_uscc = uscc OR l.to_uscc = uscc)
               AND (l.valid_from IS NULL OR l.valid_from <= run.as_of)
               AND (l.valid_to IS NULL OR l.valid_to > (run.as_of - interval '1 year')::date)
            UNION ALL
            SELECT ent.parent_uscc WHERE ent.parent_uscc IS NOT NULL) o
     WHERE NOT EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc = o.other);
    IF outside > 0 THEN
        SELECT array_agg(i.code ORDER BY i.code) INTO partial
          FROM creditrisk.model_indicator mi JOIN creditrisk.indicator i ON i.code = mi.code
         WHERE mi.model_key = run.model_key AND i.definition_sql ~ 'related_party_link|parent_uscc';
    END IF;

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
                                 'final_class', res.final_class)
              || CASE WHEN outside > 0
                      THEN jsonb_build_object('outside_jurisdiction_parties', outside,
                                              'outside_jurisdiction_points', res.score - s)
                      ELSE '{}' END;
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

    -- 4. The share of the stored score that comes from enterprises outside
    -- the caller's jurisdiction: one sum, their number, the indicators that
    -- read other enterprises; no code, name or record of theirs.
    IF outside > 0 THEN
        n := n + 1;
        line := n; section := 'outside_jurisdiction'; code := 'related_parties';
        name := '辖区外关联方 related parties outside your jurisdiction'; dimension := NULL; "group" := NULL;
        value := outside; matched := NULL; points := NULL; contribution := res.score - s;
        detail := jsonb_build_object('stored_score', res.score, 'score_from_what_you_see', s,
                                     'indicators_reading_other_enterprises', to_jsonb(partial),
                                     'note', 'The run read these enterprises'' records; your jurisdiction does not. Their effect on the score is this one sum; the indicator lines show only the related parties you see.');
        RETURN NEXT;
    END IF;

    -- 5. What changed since the previous run.
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
    'Why an enterprise has its class (单户分类解释) in a run (default the latest; a date: that date''s latest version): the final class; each override (直接定性) with its evidence; the score recomputed from the enterprise''s records as the run computed it (its model, date and knowledge time), by dimension (一级指标) and group (二级指标) with names, every indicator''s value, bin and contribution (with its previous value where it changed); the floors (定性判定) that held; and what changed since the previous run. Honours the caller''s privileges and jurisdiction: related parties (or a parent) outside it are counted and their share of the stored score given as one sum (section outside_jurisdiction), never by enterprise';

-- ===========================================================================
-- Record kinds in the engine, revocations, units of repair and commitments (issue 14)
-- ===========================================================================

-- The engine reads administrative enforcement, confirmations and rewards
-- (src/indicator_rules.c): their built-in catalogue entries, shipped
-- (extension/indicator-definitions.sql).
-- (The shipped-row, guard and definition triggers exist on an update; the
-- entries are shipped, their SQL written by the extension: no author, like
-- reference-v1's.)
ALTER TABLE creditrisk.indicator DISABLE TRIGGER indicator_guard;
ALTER TABLE creditrisk.indicator DISABLE TRIGGER indicator_shipped;
ALTER TABLE creditrisk.indicator DISABLE TRIGGER indicator_definition_check;
INSERT INTO creditrisk.indicator (code, name, name_en, unit, definition, source, builtin, shipped, owner, definition_sql)
VALUES
('enforcement_in_force', '在执行的行政强制措施数', 'Administrative enforcement measures in force', 'count',
 'Administrative enforcement measures (行政强制) in force on D: decided on or before D and not lifted by D (lifted_date NULL or after D).',
 'enforcement.decision_date, enforcement.lifted_date', true, true, NULL, $d$
(SELECT count(*)
   FROM creditrisk.enforcement_as_known($2) f
  WHERE f.uscc = e.uscc
    AND f.decision_date <= $1 AND (f.lifted_date IS NULL OR f.lifted_date > $1))
$d$),
('enforcement_2y', '近两年行政强制次数', 'Administrative enforcement decisions (2 years)', 'count',
 'Administrative enforcement decisions (行政强制) with decision_date in (D - 2 years, D], lifted or not.',
 'enforcement.decision_date', true, true, NULL, $d$
(SELECT count(*)
   FROM creditrisk.enforcement_as_known($2) f
  WHERE f.uscc = e.uscc
    AND f.decision_date > ($1 - interval '2 years')::date AND f.decision_date <= $1)
$d$),
('confirmations_valid', '有效行政确认数', 'Valid administrative confirmations', 'count',
 'Administrative confirmations (行政确认, e.g. 高新技术企业认定) valid on D: confirmed on or before D and valid_to NULL or after D. A positive signal: a higher value means a lower risk.',
 'confirmation.confirmed_date, confirmation.valid_to', true, true, NULL, $d$
(SELECT count(*)
   FROM creditrisk.confirmation_as_known($2) c
  WHERE c.uscc = e.uscc
    AND c.confirmed_date <= $1 AND (c.valid_to IS NULL OR c.valid_to > $1))
$d$),
('rewards_3y', '近三年行政奖励次数', 'Administrative rewards (3 years)', 'count',
 'Administrative rewards (行政奖励) with award_date in (D - 3 years, D], not revoked on or before D. A positive signal: a higher value means a lower risk.',
 'reward.award_date, reward.revoked_date', true, true, NULL, $d$
(SELECT count(*)
   FROM creditrisk.reward_as_known($2) r
  WHERE r.uscc = e.uscc
    AND r.award_date > ($1 - interval '3 years')::date AND r.award_date <= $1
    AND (r.revoked_date IS NULL OR r.revoked_date > $1))
$d$),
('reward_level_3y', '近三年最高奖励级别', 'Highest reward level (3 years)', 'level',
 'The highest level of the rewards counted by rewards_3y: 0 none, 1 county (县级), 2 city (市级), 3 provincial (省级), 4 national (国家级). A positive signal: a higher value means a lower risk.',
 'reward.level, reward.award_date, reward.revoked_date', true, true, NULL, $d$
(SELECT coalesce(max(CASE r.level WHEN 'county' THEN 1 WHEN 'city' THEN 2 WHEN 'provincial' THEN 3 WHEN 'national' THEN 4 END), 0)
   FROM creditrisk.reward_as_known($2) r
  WHERE r.uscc = e.uscc
    AND r.award_date > ($1 - interval '3 years')::date AND r.award_date <= $1
    AND (r.revoked_date IS NULL OR r.revoked_date > $1))
$d$);


-- A penalty revoked (撤销) on or before the as-of date no longer counts, as
-- known at the knowledge time: the penalty definitions (reference-v1's
-- entries; the model itself, sealed, is unchanged).
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc
    AND p.decision_date > ($1 - interval '1 year')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'penalties_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'penalties_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc
    AND p.decision_date <= $1 AND (p.revoked_on IS NULL OR p.revoked_on > $1)
    AND creditrisk.record_end('penalty', p.id, p.decision_date, p.publicity_end_date, $2) > $1)
$d$ WHERE code = 'penalties_in_publicity';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT coalesce(max(CASE p.severity WHEN 'minor' THEN 1 WHEN 'general' THEN 2 WHEN 'serious' THEN 3 END), 0)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'penalty_max_severity_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc AND p.severity = 'serious'
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'penalties_serious_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc AND p.severity = 'general'
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'penalties_general_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT coalesce(sum(p.fine_amount), 0)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'penalty_fines_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc AND p.field IN ('food', 'drugs', 'special_equipment')
    AND p.decision_date > ($1 - interval '1 year')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'penalties_key_field_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc AND p.field IN ('food', 'drugs', 'special_equipment')
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'penalties_key_field_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc AND p.field IN ('food', 'drugs', 'special_equipment') AND p.severity = 'serious'
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'penalties_key_field_serious_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link_as_known($2) l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1))
    AND p.decision_date > ($1 - interval '1 year')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'related_penalties_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link_as_known($2) l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1))
    AND p.severity = 'serious'
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'related_serious_penalties_3y';
ALTER TABLE creditrisk.indicator ENABLE TRIGGER indicator_guard;
ALTER TABLE creditrisk.indicator ENABLE TRIGGER indicator_shipped;
ALTER TABLE creditrisk.indicator ENABLE TRIGGER indicator_definition_check;

-- The set-based reference (extension/indicators-set.sql): passes over
-- enforcement, confirmations, rewards and credit commitments, and revoked
-- penalties left out.
CREATE OR REPLACE FUNCTION creditrisk.indicators_set_sql(model text) RETURNS text
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
     WHERE p.decision_date <= $1 AND (p.revoked_on IS NULL OR p.revoked_on > $1)
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
     'LEFT JOIN s_ab p_ab ON p_ab.uscc = e.parent_uscc LEFT JOIN s_sd p_sd ON p_sd.uscc = e.parent_uscc LEFT JOIN s_jd p_jd ON p_jd.uscc = e.parent_uscc'),
    -- administrative enforcement, confirmations and rewards (since 1.6)
    (23, 'enf', '{}', $c$s_enf AS (
    SELECT f.uscc,
           count(*) FILTER (WHERE f.lifted_date IS NULL OR f.lifted_date > $1) AS in_force,
           count(*) FILTER (WHERE f.decision_date > ($1 - interval '2 years')::date) AS n_2y
      FROM creditrisk.enforcement_as_known($2) f
     WHERE f.decision_date <= $1
     GROUP BY f.uscc)$c$, 'LEFT JOIN s_enf ON s_enf.uscc = e.uscc'),
    (24, 'conf', '{}', $c$s_conf AS (
    SELECT c.uscc, count(*) AS valid
      FROM creditrisk.confirmation_as_known($2) c
     WHERE c.confirmed_date <= $1 AND (c.valid_to IS NULL OR c.valid_to > $1)
     GROUP BY c.uscc)$c$, 'LEFT JOIN s_conf ON s_conf.uscc = e.uscc'),
    (25, 'rew', '{}', $c$s_rew AS (
    SELECT r.uscc, count(*) AS n_3y,
           max(CASE r.level WHEN 'county' THEN 1 WHEN 'city' THEN 2 WHEN 'provincial' THEN 3 WHEN 'national' THEN 4 END) AS level_3y
      FROM creditrisk.reward_as_known($2) r
     WHERE r.award_date > ($1 - interval '3 years')::date AND r.award_date <= $1
       AND (r.revoked_date IS NULL OR r.revoked_date > $1)
     GROUP BY r.uscc)$c$, 'LEFT JOIN s_rew ON s_rew.uscc = e.uscc'),
    (26, 'cmt', '{}', $c$s_cmt AS (
    SELECT c.uscc, count(*) AS breaches_3y
      FROM creditrisk.credit_commitment_as_known($2) c
     WHERE c.breached_date > ($1 - interval '3 years')::date AND c.breached_date <= $1
     GROUP BY c.uscc)$c$, 'LEFT JOIN s_cmt ON s_cmt.uscc = e.uscc')),

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
    ('negative_opinion_share_1y', '{op}', 's_op.negative_1y::double precision / nullif(s_op.all_1y, 0)'),
    ('enforcement_in_force', '{enf}', 'coalesce(s_enf.in_force, 0)'),
    ('enforcement_2y', '{enf}', 'coalesce(s_enf.n_2y, 0)'),
    ('confirmations_valid', '{conf}', 'coalesce(s_conf.valid, 0)'),
    ('rewards_3y', '{rew}', 'coalesce(s_rew.n_3y, 0)'),
    ('reward_level_3y', '{rew}', 'coalesce(s_rew.level_3y, 0)'),
    ('commitment_breaches_3y', '{cmt}', 'coalesce(s_cmt.breaches_3y, 0)')),
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


-- Reporting units of credit commitments and repairs (extension/units.sql,
-- repair.sql): reported_by becomes a checked reference to the register like
-- every record's; the spellings found in 1.5's rows are registered first,
-- flagged needs_review (as the 1.5 update did for the other records).
-- Attaching the check to a record table: its two triggers (the record's date
-- as an expression over the new row n) and its column's comment.  Called by
-- the install sources for each record table (collection.sql's list; repair.sql
-- for credit commitments and repairs, which it creates after collection.sql);
-- the triggers are the list of tables whose records name a unit (every
-- function below finds the tables by them).
CREATE FUNCTION creditrisk.reporting_unit_attach(record_table regclass, record_day text) RETURNS void
LANGUAGE plpgsql VOLATILE STRICT SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
BEGIN
    EXECUTE format('CREATE TRIGGER reporting_unit_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.reporting_unit_check(%L)', record_table, record_day);
    EXECUTE format('CREATE TRIGGER reporting_unit_update AFTER UPDATE ON %s REFERENCING NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.reporting_unit_check(%L)', record_table, record_day);
    IF record_table <> 'creditrisk.enterprise'::regclass THEN
        EXECUTE format('COMMENT ON COLUMN %s.reported_by IS %L', record_table,
                       'The reporting unit (报送单位) that reported the record: a code of creditrisk.reporting_unit, active on the record''s date');
    END IF;
END
$fn$;
COMMENT ON FUNCTION creditrisk.reporting_unit_attach(regclass, text) IS
    'Makes a record table''s reported_by a reference to the reporting units (报送单位): creates its triggers reporting_unit_insert and reporting_unit_update (creditrisk.reporting_unit_check() with the record''s date, an expression over the new row n) and comments the column; used by the install script';

SELECT creditrisk.reporting_unit_attach('creditrisk.credit_commitment', 'n.signed_date');
SELECT creditrisk.reporting_unit_attach('creditrisk.credit_repair', 'n.applied_date');
SELECT creditrisk.reporting_units_from_records() AS reporting_units_registered;

-- A unit's active period is not shortened (nor the unit ended) past its own
-- records: a record dated outside the new period would be one the check
-- above refuses.  Every record table is read (the tables with the trigger
-- reporting_unit_insert, each with its record's date, the trigger's
-- argument), as the owner: records of other jurisdictions count too, and the
-- error names only the table, the record's key and date.  Rare: a unit's
-- period changes seldom.
CREATE FUNCTION creditrisk.reporting_unit_period_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
DECLARE
    t record;
    n bigint;
    total bigint := 0;
    first_table text;
    first_key text;
    first_day date;
    k text;
    d date;
BEGIN
    -- (a record's key: its id, or the enterprise's USCC where there is none)
    FOR t IN SELECT r.oid::regclass AS tbl, r.relname,
                    EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                             WHERE a.attrelid = r.oid AND a.attname = 'id' AND NOT a.attisdropped) AS has_id,
                    pg_catalog.convert_from(substring(g.tgargs FROM 1 FOR pg_catalog.position(g.tgargs, '\x00'::bytea) - 1), 'UTF8') AS day
               FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class r ON r.oid = g.tgrelid
              WHERE g.tgname = 'reporting_unit_insert' AND r.relnamespace = 'creditrisk'::regnamespace
              ORDER BY r.relname
    LOOP
        EXECUTE format($q$
            SELECT count(*) OVER (), %3$s, (%2$s)::date
              FROM %1$s n
             WHERE n.reported_by OPERATOR(pg_catalog.=) $1
               AND ((%2$s) OPERATOR(pg_catalog.<) $2 OR (%2$s) OPERATOR(pg_catalog.>=) $3)
             ORDER BY 3, 2
             LIMIT 1$q$,
            t.tbl, t.day, CASE WHEN t.has_id THEN 'n.id::text' ELSE 'n.uscc::text' END)
          INTO n, k, d
          USING NEW.code, NEW.active_from, coalesce(NEW.active_to, 'infinity'::date);
        IF n > 0 THEN
            total := total + n;
            IF first_day IS NULL OR d < first_day THEN
                first_table := t.relname;
                first_key := k;
                first_day := d;
            END IF;
        END IF;
    END LOOP;
    IF total > 0 THEN
        RAISE EXCEPTION 'the active period of reporting unit "%" would leave % of its records outside it', NEW.code, total
            USING ERRCODE = 'check_violation',
                  DETAIL = format('The new period is from %s%s; %s record%s reported as "%s" %s dated outside it; the first: creditrisk.%s %s, dated %s.',
                                  NEW.active_from,
                                  CASE WHEN NEW.active_to IS NULL THEN ' on' ELSE ' until the day before ' || NEW.active_to END,
                                  total, CASE WHEN total = 1 THEN '' ELSE 's' END, NEW.code,
                                  CASE WHEN total = 1 THEN 'is' ELSE 'are' END,
                                  first_table, first_key, first_day),
                  HINT = 'Keep the period covering every record''s date, or first move those records to the unit that reported them (creditrisk.reporting_unit_merge(), or UPDATE ... SET reported_by).',
                  TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA;
    END IF;
    RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION creditrisk.reporting_unit_period_check() IS
    'Trigger: refuses to shorten a reporting unit''s (报送单位) active period, or to end it, when records reported as it would be dated outside the new period (SQLSTATE 23514, with their count and the first of them)';
CREATE TRIGGER reporting_unit_period_check AFTER UPDATE OF active_from, active_to ON creditrisk.reporting_unit
    FOR EACH ROW
    WHEN (NEW.active_from > OLD.active_from OR coalesce(NEW.active_to, 'infinity') < coalesce(OLD.active_to, 'infinity'))
    EXECUTE FUNCTION creditrisk.reporting_unit_period_check();

REVOKE ALL ON FUNCTION creditrisk.reporting_unit_attach(regclass, text), creditrisk.reporting_unit_period_check() FROM PUBLIC;

-- ===========================================================================
-- Calibration and model performance (issue 15)
-- ===========================================================================

-- model_calibrate() and its parts, model_points_diff() (extension/calibration.sql)
CREATE FUNCTION creditrisk.model_calibrate(model text, new_key text, as_of date,
                                           share_a double precision DEFAULT 0.624,
                                           share_b double precision DEFAULT 0.285,
                                           share_c double precision DEFAULT 0.0643,
                                           share_d double precision DEFAULT 0.0267,
                                           description text DEFAULT NULL)
RETURNS TABLE (section text, code text, item text, before double precision, after double precision)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    run record;
    n bigint;
    shares double precision[] := ARRAY[share_a, share_b, share_c, share_d];
    s double precision;
    want_a double precision;
    want_cd double precision;
    a_lo double precision;
    a_hi double precision;
    a double precision;
    c double precision;
    got double precision[];
    before_shares double precision[];
    best_a double precision;
    best_c double precision;
    i integer;
    pass integer;
    err double precision;
    kept_err double precision;
    kept_a double precision;
    kept_c double precision;
    kept_got double precision[];
BEGIN
    IF model IS NULL OR new_key IS NULL OR as_of IS NULL THEN
        RAISE EXCEPTION 'model_calibrate needs a model, a key for the draft and a run date'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'For example SELECT * FROM creditrisk.model_calibrate(''reference-v1'', ''henan-2027'', ''2026-10-31'');';
    END IF;
    -- the targets: four finite shares in [0, 1] that sum to 1
    FOR i IN 1..4 LOOP
        s := shares[i];
        IF s IS NULL OR s = 'NaN'::double precision OR s < 0 OR s > 1 THEN
            RAISE EXCEPTION 'target share of class % is %', (ARRAY['A', 'B', 'C', 'D'])[i], coalesce(s::text, 'null')
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'Each target share is a finite number between 0 and 1 (NaN, infinities and nulls are not shares).',
                      HINT = 'For example share_a => 0.624, share_b => 0.285, share_c => 0.0643, share_d => 0.0267 (the mean of the published figures, doc/calibration.md).';
        END IF;
    END LOOP;
    IF abs(share_a + share_b + share_c + share_d - 1) > 1e-6 THEN
        RAISE EXCEPTION 'the target shares sum to %, not 1', share_a + share_b + share_c + share_d
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('A %s + B %s + C %s + D %s.', share_a, share_b, share_c, share_d),
                  HINT = 'Give the share of every class, as fractions that add up to 1.';
    END IF;
    IF share_a = 0 OR share_a + share_b = 1 THEN
        RAISE EXCEPTION 'the target shares leave %', CASE WHEN share_a = 0 THEN 'class A empty' ELSE 'classes C and D empty' END
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Calibration places the A/B and B/C band edges inside the score distribution, so class A and classes C+D need a share above 0.',
                  HINT = 'Give class A and classes C and D each a share above 0.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM creditrisk.model m WHERE m.model_key = model) THEN
        PERFORM creditrisk.model_not_found(model);
    END IF;
    IF EXISTS (SELECT 1 FROM creditrisk.model m WHERE m.model_key = new_key) THEN
        RAISE EXCEPTION 'model "%" already exists', new_key
            USING ERRCODE = 'duplicate_object', HINT = 'Choose another key for the calibrated draft.';
    END IF;
    -- who may: whoever may write models (the administrators, creditrisk_admin)
    IF NOT (has_table_privilege('creditrisk.model', 'INSERT')
            AND has_table_privilege('creditrisk.model_bin', 'UPDATE')
            AND has_table_privilege('creditrisk.model_indicator', 'UPDATE')
            AND has_table_privilege('creditrisk.model_category', 'UPDATE')) THEN
        RAISE EXCEPTION 'permission denied to calibrate a model'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'model_calibrate() writes a draft model: it needs INSERT and UPDATE on the model tables, which creditrisk_admin has.',
                  HINT = 'Ask an administrator (creditrisk_admin) to calibrate; analysts read models and measure them with model_performance().';
    END IF;
    SELECT x.as_of, x.version, x.known_at, x.model_key INTO run
      FROM creditrisk.classification_run x WHERE x.as_of = as_of ORDER BY x.version DESC LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no classification run on %', as_of
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'SELECT as_of, model_key FROM creditrisk.classification_run ORDER BY as_of lists the runs.';
    END IF;

    -- The run's population (as the caller sees it): the source model's
    -- indicator values as known at the run's knowledge time, each
    -- enterprise's weighted score and highest floor under the source model,
    -- and the class the run's overrides imposed (the lowest final class).
    IF to_regclass('pg_temp.creditrisk_calibration') IS NOT NULL THEN
        DROP TABLE pg_temp.creditrisk_calibration;
    END IF;
    IF to_regclass('pg_temp.creditrisk_calibration_baseline') IS NOT NULL THEN
        DROP TABLE pg_temp.creditrisk_calibration_baseline;
    END IF;
    CREATE TEMP TABLE creditrisk_calibration ON COMMIT DROP AS
    SELECT ci.uscc, ci.indicators,
           (SELECT max((o.value->>'class')::creditrisk.riskclass)
              FROM jsonb_each(coalesce(r.override_details, '{}')) o
             WHERE jsonb_typeof(o.value) = 'object' AND o.value ? 'class') AS imposed,
           NULL::double precision AS raw, NULL::double precision AS floor
      FROM creditrisk.compute_indicators(model, run.as_of, run.known_at) ci
      JOIN creditrisk.classification_result r
        ON r.as_of = run.as_of AND r.version = run.version AND r.uscc = ci.uscc;
    -- each indicator's baseline: the median of its points on the run
    CREATE TEMP TABLE creditrisk_calibration_baseline ON COMMIT DROP AS
    SELECT e.code, percentile_disc(0.5) WITHIN GROUP (ORDER BY e.points) AS points, min(e.weight) AS weight
      FROM pg_temp.creditrisk_calibration t
     CROSS JOIN LATERAL creditrisk.score_explain(model, t.indicators) e
     WHERE e.position IS NOT NULL
     GROUP BY e.code;
    -- each enterprise's weighted score above the baseline, and its highest floor
    UPDATE pg_temp.creditrisk_calibration t
       SET raw = x.raw, floor = x.floor
      FROM (SELECT u.uscc,
                   coalesce(sum(10 * e.weight * (e.points - b.points)) FILTER (WHERE e.position IS NOT NULL), 0) AS raw,
                   coalesce(max(f.floor), 0) AS floor
              FROM pg_temp.creditrisk_calibration u
             CROSS JOIN LATERAL creditrisk.score_explain(model, u.indicators) e
              LEFT JOIN pg_temp.creditrisk_calibration_baseline b ON b.code = e.code AND e.position IS NOT NULL
              LEFT JOIN creditrisk.model_floor f ON e.position IS NULL AND f.model_key = model AND f.code = e.code
             GROUP BY u.uscc) x
     WHERE x.uscc = t.uscc;
    SELECT count(*) INTO n FROM creditrisk_calibration;
    IF n < 100 THEN
        RAISE EXCEPTION 'the run of % has % enterprises to calibrate on (as this role sees it), fewer than 100', as_of, n
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Shares measured on so few enterprises say little about the population.',
                  HINT = 'Calibrate on a province- or city-wide run, as an administrator whose jurisdiction covers it.';
    END IF;

    PERFORM creditrisk.model_copy(model, new_key,
        coalesce(description, format('Calibrated draft of %s (model_calibrate, doc/calibration.md)', model)));

    before_shares := creditrisk.model_calibrate_shares(model);
    want_a := share_a;
    want_cd := share_c + share_d;
    FOR pass IN 1..4 LOOP
        -- Outer bisection on the scale (more scale: more C and D for the
        -- same share of A), inner on the shift (more shift: fewer A).
        a_lo := 0.1;
        a_hi := 10;
        FOR i IN 1..20 LOOP
            a := (a_lo + a_hi) / 2;
            c := creditrisk.model_calibrate_fit_shift(a, want_a);
            got := creditrisk.model_calibrate_fit_shares(a, c);
            IF got[3] + got[4] < want_cd THEN
                a_lo := a;
            ELSE
                a_hi := a;
            END IF;
        END LOOP;
        best_a := (a_lo + a_hi) / 2;
        best_c := creditrisk.model_calibrate_fit_shift(best_a, want_a);
        PERFORM creditrisk.model_calibrate_apply(model, new_key, best_a, best_c);
        got := creditrisk.model_calibrate_shares(new_key);
        err := abs(got[1] - share_a) + abs(got[2] - share_b) + abs(got[3] - share_c) + abs(got[4] - share_d);
        IF kept_err IS NULL OR err < kept_err THEN
            kept_err := err;
            kept_a := best_a;
            kept_c := best_c;
            kept_got := got;
        END IF;
        EXIT WHEN abs(got[1] - share_a) <= 0.002 AND abs(got[3] + got[4] - share_c - share_d) <= 0.002;
        want_a := least(0.9999, greatest(0.0001, want_a + share_a - got[1]));
        want_cd := least(0.9999, greatest(0.0001, want_cd + share_c + share_d - got[3] - got[4]));
    END LOOP;
    -- the closest of the passes (when the clamp keeps C and D out of reach,
    -- pushing the scale further only moves A away from its target)
    IF kept_a IS DISTINCT FROM best_a OR kept_c IS DISTINCT FROM best_c THEN
        best_a := kept_a;
        best_c := kept_c;
        PERFORM creditrisk.model_calibrate_apply(model, new_key, best_a, best_c);
    END IF;
    got := kept_got;

    UPDATE creditrisk.model m
       SET description = m.description || format(E'\nCalibration: points'' = clamp(%s + %s x (points - the indicator''s median points on the run), 0, 100) on every bin, category, true/false, default and missing value of %s, '
                                                 'fitted on the run of %s (version %s, %s enterprises) to the target shares A %s / B %s / C %s / D %s; '
                                                 'the run''s classes become A %s / B %s / C %s / D %s (they were A %s / B %s / C %s / D %s under %s). Floors unchanged.',
                                                 round(best_c::numeric, 3), round(best_a::numeric, 4), model, run.as_of, run.version, n,
                                                 share_a, share_b, share_c, share_d,
                                                 round(got[1]::numeric, 4), round(got[2]::numeric, 4), round(got[3]::numeric, 4), round(got[4]::numeric, 4),
                                                 round(before_shares[1]::numeric, 4), round(before_shares[2]::numeric, 4),
                                                 round(before_shares[3]::numeric, 4), round(before_shares[4]::numeric, 4), model)
     WHERE m.model_key = new_key;

    RETURN QUERY
    SELECT 'parameter', p.k, NULL::text, NULL::double precision, p.v
      FROM (VALUES ('scale', best_a), ('shift', best_c), ('enterprises', n::double precision)) p(k, v)
    UNION ALL
    SELECT 'class_share', k.cls, 'target ' || k.t, before_shares[k.i], got[k.i]
      FROM (VALUES (1, 'A', share_a), (2, 'B', share_b), (3, 'C', share_c), (4, 'D', share_d)) k(i, cls, t)
    UNION ALL
    SELECT 'points', x.code, x.item, x.before, x.after
      FROM creditrisk.model_points_diff(model, new_key) x;
    DROP TABLE pg_temp.creditrisk_calibration;
    DROP TABLE pg_temp.creditrisk_calibration_baseline;
END
$$;
COMMENT ON FUNCTION creditrisk.model_calibrate(text, text, date, double precision, double precision, double precision, double precision, text) IS
    'Model calibration (模型校准): copies a model into a DRAFT new_key whose points are rescaled about each indicator''s median points b on the run, points'' = clamp(shift + scale x (points - b), 0, 100), so that the classes of the run of as_of (its population, knowledge time and overrides, as the caller sees them) land at the target shares of A and of C+D (defaults: the mean of the published Xinjiang 2022, Bayannur 2022 and Dandong 2023 figures); returns the scale and shift, the class shares before and after, and every point value changed, for an administrator to review and publish with model_publish() (doc/calibration.md)';

-- One evaluation: the class shares of the calibration population under a
-- model (A, B, C, D), from its scores (floors included) and the overrides.
CREATE FUNCTION creditrisk.model_calibrate_shares(model text) RETURNS double precision[]
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    result double precision[];
BEGIN
    SELECT ARRAY[avg((f.cls = 'A')::int), avg((f.cls = 'B')::int), avg((f.cls = 'C')::int), avg((f.cls = 'D')::int)]
      INTO result
      FROM (SELECT greatest(creditrisk.classify(creditrisk.score_draft(model, t.indicators)),
                            coalesce(t.imposed, 'A')) AS cls
              FROM pg_temp.creditrisk_calibration t) f;
    RETURN result;
END
$$;
COMMENT ON FUNCTION creditrisk.model_calibrate_shares(text) IS
    'Part of model_calibrate(): the shares of classes A-D of its calibration population under a model (score and floors, then the run''s overrides)';

-- Sets the draft's points to clamp(shift + scale x (source points -
-- the indicator's baseline), 0, 100); baselines from model_calibrate().
CREATE FUNCTION creditrisk.model_calibrate_apply(source text, draft text, scale double precision, shift double precision)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    UPDATE creditrisk.model_bin b
       SET points = round(least(100, greatest(0, shift + scale * (s.points - (SELECT z.points FROM pg_temp.creditrisk_calibration_baseline z WHERE z.code = s.indicator_code))))::numeric, 2)::double precision
      FROM creditrisk.model_bin s
     WHERE b.model_key = draft AND s.model_key = source AND s.indicator_code = b.indicator_code
       AND s.lower IS NOT DISTINCT FROM b.lower;
    UPDATE creditrisk.model_category b
       SET points = round(least(100, greatest(0, shift + scale * (s.points - (SELECT z.points FROM pg_temp.creditrisk_calibration_baseline z WHERE z.code = s.indicator_code))))::numeric, 2)::double precision
      FROM creditrisk.model_category s
     WHERE b.model_key = draft AND s.model_key = source AND s.indicator_code = b.indicator_code AND s.value = b.value;
    UPDATE creditrisk.model_indicator b
       SET missing_points = round(least(100, greatest(0, shift + scale * (s.missing_points - (SELECT z.points FROM pg_temp.creditrisk_calibration_baseline z WHERE z.code = s.code))))::numeric, 2)::double precision,
           default_points = round(least(100, greatest(0, shift + scale * (s.default_points - (SELECT z.points FROM pg_temp.creditrisk_calibration_baseline z WHERE z.code = s.code))))::numeric, 2)::double precision,
           true_points = round(least(100, greatest(0, shift + scale * (s.true_points - (SELECT z.points FROM pg_temp.creditrisk_calibration_baseline z WHERE z.code = s.code))))::numeric, 2)::double precision,
           false_points = round(least(100, greatest(0, shift + scale * (s.false_points - (SELECT z.points FROM pg_temp.creditrisk_calibration_baseline z WHERE z.code = s.code))))::numeric, 2)::double precision
      FROM creditrisk.model_indicator s
     WHERE b.model_key = draft AND s.model_key = source AND s.code = b.code;
END
$$;
COMMENT ON FUNCTION creditrisk.model_calibrate_apply(text, text, double precision, double precision) IS
    'Part of model_calibrate(): sets every point value of the draft to clamp(shift + scale x (the source''s - the indicator''s baseline), 0, 100), rounded to 0.01';

-- The fit: the class shares of the calibration population when every
-- point value p of indicator i is mapped to shift + scale x (p - baseline_i)
-- (unclamped: the weighted score becomes 10 x shift + scale x its weighted
-- distance from the baselines, within 0-1000, floors apply).
CREATE FUNCTION creditrisk.model_calibrate_fit_shares(scale double precision, shift double precision)
RETURNS double precision[]
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    RETURN (SELECT ARRAY[avg((f.cls = 'A')::int), avg((f.cls = 'B')::int), avg((f.cls = 'C')::int), avg((f.cls = 'D')::int)]::double precision[]
              FROM (SELECT greatest(creditrisk.classify(greatest(least(1000, greatest(0, scale * t.raw + 10 * shift)), t.floor)),
                                    coalesce(t.imposed, 'A')) AS cls
                      FROM pg_temp.creditrisk_calibration t) f);
END
$$;
COMMENT ON FUNCTION creditrisk.model_calibrate_fit_shares(double precision, double precision) IS
    'Part of model_calibrate(): the class shares of its calibration population when the points are mapped to shift + scale x (points - the indicator''s baseline) (the fit, before the clamp)';

-- For a scale, the shift that gives class A its target share in the fit
-- (bisection: the share of A falls as the shift grows).
CREATE FUNCTION creditrisk.model_calibrate_fit_shift(scale double precision, want_a double precision)
RETURNS double precision
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    lo double precision := -100 * scale;
    hi double precision := 100;
    mid double precision;
BEGIN
    FOR i IN 1..22 LOOP
        mid := (lo + hi) / 2;
        IF (creditrisk.model_calibrate_fit_shares(scale, mid))[1] > want_a THEN
            lo := mid;
        ELSE
            hi := mid;
        END IF;
    END LOOP;
    RETURN (lo + hi) / 2;
END
$$;
COMMENT ON FUNCTION creditrisk.model_calibrate_fit_shift(double precision, double precision) IS
    'Part of model_calibrate(): for a scale, the shift of the points that gives class A its target share in the fit';

-- Reviewing a calibration (or any edit of a copy): every point value that
-- differs between two models with the same indicators.
CREATE FUNCTION creditrisk.model_points_diff(model text, other text)
RETURNS TABLE (code text, item text, before double precision, after double precision)
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp
AS $$
    SELECT x.code, x.item, x.before, x.after FROM (
        SELECT a.indicator_code AS code,
               'bin [' || coalesce(a.lower::text, '-inf') || ', ' || coalesce(a.upper::text, 'inf') || ')' AS item,
               a.points AS before, b.points AS after, 1 AS k, coalesce(a.lower, '-Infinity') AS o
          FROM creditrisk.model_bin a
          JOIN creditrisk.model_bin b ON b.model_key = other AND b.indicator_code = a.indicator_code
                                     AND b.lower IS NOT DISTINCT FROM a.lower
         WHERE a.model_key = model
        UNION ALL
        SELECT a.indicator_code, 'category ' || a.value, a.points, b.points, 2, a.value
          FROM creditrisk.model_category a
          JOIN creditrisk.model_category b ON b.model_key = other AND b.indicator_code = a.indicator_code AND b.value = a.value
         WHERE a.model_key = model
        UNION ALL
        SELECT a.code, v.item, v.before, v.after, 3, v.o
          FROM creditrisk.model_indicator a
          JOIN creditrisk.model_indicator b ON b.model_key = other AND b.code = a.code
          CROSS JOIN LATERAL (VALUES ('missing', a.missing_points, b.missing_points, 1),
                                     ('default', a.default_points, b.default_points, 2),
                                     ('true', a.true_points, b.true_points, 3),
                                     ('false', a.false_points, b.false_points, 4)) v(item, before, after, o)
         WHERE a.model_key = model AND (v.before IS NOT NULL OR v.after IS NOT NULL)
    ) x
    JOIN creditrisk.model_indicator p ON p.model_key = model AND p.code = x.code
    WHERE x.before IS DISTINCT FROM x.after
    ORDER BY p.position, x.k, x.o
$$;
COMMENT ON FUNCTION creditrisk.model_points_diff(text, text) IS
    'Every point value (bins, categories, true/false, default, missing) that differs between two models, by indicator in the first model''s order: how a calibration (model_calibrate()) or an edited copy changed each indicator';

REVOKE ALL ON FUNCTION creditrisk.model_calibrate(text, text, date, double precision, double precision, double precision, double precision, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.model_calibrate_shares(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.model_calibrate_apply(text, text, double precision, double precision) FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.model_calibrate_fit_shares(double precision, double precision) FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.model_calibrate_fit_shift(double precision, double precision) FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.model_points_diff(text, text) FROM PUBLIC;

-- ===========================================================================
-- Memory budget and chunked computation (issue 16)
-- ===========================================================================
-- No SQL object changes: the setting creditrisk.memory_budget is defined by
-- the module (src/creditrisk.c) and the chunks are the C engine's.
