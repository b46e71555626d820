-- ===========================================================================
-- Is the model any good? (art. 8: the indicator system is adjusted over time;
-- issue 15).  How well a run's scores and classes predicted the adverse
-- outcomes recorded after it: rates by class, AUC, KS and Gini of the score,
-- and the score's stability (PSI) against a reference run, what scorecard
-- tools give a modeller, over the bureau's own history, in SQL, within the
-- caller's jurisdiction (the records and results are read with its rights).
--
-- An adverse outcome of an enterprise within the horizon after the run date
-- D is any of: an administrative penalty decided in (D, D + horizon]; a
-- listing on the abnormal-operation list, the serious-dishonesty list or the
-- dishonest judgment debtors begun in that window; a spot check in that
-- window whose outcome was not "pass" (or that was refused); the revocation
-- of its business licence (吊销营业执照, itself an administrative penalty) in
-- that window.
--
-- Enterprises that leave the population (doc/calibration.md, "Outcomes"):
-- - out of business on D already (revoked or cancelled on or before D in
--   the register, current or superseded versions): no outcome can follow,
--   so the class the run gave them (a revoked licence is a floor of D) is a
--   status, not a prediction.  They are left out of every measure and
--   counted by class ('excluded_exited'), as a scorecard leaves out
--   accounts already in default at the observation date.
-- - cancelled (注销) within the horizon with no adverse outcome before: the
--   horizon was not observed in full (censored); left out and counted
--   ('excluded_censored').  A cancellation is voluntary in most cases and
--   not itself adverse; with an adverse outcome before it, the enterprise
--   counts as adverse.
-- ===========================================================================

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
    WITH run_rows AS (
        SELECT c.uscc, c.score, c.final_class
          FROM creditrisk.classification_result c
         WHERE c.as_of = run.as_of AND c.version = run.version
    ), exits AS (
        -- every exit the register records, current and superseded versions
        SELECT e.uscc, e.status, e.status_date FROM creditrisk.enterprise e WHERE e.status <> 'in_business'
        UNION
        SELECT h.uscc, h.status, h.status_date FROM creditrisk.enterprise_history h WHERE h.status <> 'in_business'
    ), fate AS (
        SELECT x.uscc,
               bool_or(x.status_date <= as_of) AS exited,
               bool_or(x.status = 'revoked' AND x.status_date > as_of AND x.status_date <= upto) AS revoked,
               bool_or(x.status = 'cancelled' AND x.status_date > as_of AND x.status_date <= upto) AS cancelled
          FROM exits x
         GROUP BY x.uscc
    ), bad AS (
        SELECT p.uscc FROM creditrisk.penalty p WHERE p.decision_date > as_of AND p.decision_date <= upto
        UNION SELECT l.uscc FROM creditrisk.abnormal_listing l WHERE l.listed_date > as_of AND l.listed_date <= upto
        UNION SELECT l.uscc FROM creditrisk.serious_dishonesty_listing l WHERE l.listed_date > as_of AND l.listed_date <= upto
        UNION SELECT l.uscc FROM creditrisk.judgment_debtor_listing l WHERE l.listed_date > as_of AND l.listed_date <= upto
        UNION SELECT s.uscc FROM creditrisk.spot_check s
               WHERE s.check_date > as_of AND s.check_date <= upto AND (s.outcome <> 'pass' OR s.refused)
        UNION SELECT f.uscc FROM fate f WHERE f.revoked
    ), judged AS (
        SELECT r.*, (b.uscc IS NOT NULL) AS y,
               CASE WHEN f.exited THEN 'excluded_exited'
                    WHEN f.cancelled AND b.uscc IS NULL THEN 'excluded_censored' END AS excluded
          FROM run_rows r
          LEFT JOIN bad b ON b.uscc = r.uscc
          LEFT JOIN fate f ON f.uscc = r.uscc
    ), o AS (
        SELECT j.uscc, j.score, j.final_class, j.y FROM judged j WHERE j.excluded IS NULL
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
    -- left out, by class: the count, and its share of the class in the run
    SELECT m.measure, k.cls, count(j.uscc) FILTER (WHERE j.excluded = m.measure), NULL::bigint,
           (count(j.uscc) FILTER (WHERE j.excluded = m.measure))::double precision / nullif(count(j.uscc), 0)
      FROM unnest('{A,B,C,D}'::creditrisk.riskclass[]) k(cls)
     CROSS JOIN (VALUES ('excluded_exited'), ('excluded_censored')) m(measure)
      LEFT JOIN judged j ON j.final_class = k.cls
     GROUP BY m.measure, k.cls
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
    'How well the run of as_of (scored with the model) predicted adverse outcomes (不良结果: penalties, new listings on the abnormal, serious-dishonesty or judgment-debtor lists, failed or refused spot checks, the revocation of the business licence) within the horizon after it (模型效果检验): the adverse rate by final class and overall, AUC, Gini and KS of the score, and PSI of the score against a reference run (default: the run before); enterprises already out of business on as_of (excluded_exited) and those cancelled within the horizon with no adverse outcome (excluded_censored) are left out and counted by class; within the caller''s jurisdiction';

REVOKE ALL ON FUNCTION creditrisk.model_performance(text, date, interval, date) FROM PUBLIC;
