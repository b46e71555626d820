-- ===========================================================================
-- Model calibration (模型校准; art. 8: the indicator system is adjusted over
-- time; issue 15).  model_calibrate() turns a model and a classification run
-- into a DRAFT successor whose points are rescaled so that the classes of
-- that run land at a target class distribution, for an administrator to
-- review and publish with model_publish().
--
-- Method (doc/calibration.md): one monotone affine map of the risk points
-- about each indicator's baseline b_i (the median of its points on the run),
--     points' = clamp(shift + scale x (points - b_i), 0, 100),
-- applied to every bin, category, true/false, default and missing value of
-- every level-3 indicator.  The weights sum to 1, so unclamped this is an
-- affine map score' = 10 x shift + scale x (score - 10 x sum w_i b_i): the order
-- of the enterprises is kept (up to ties where the clamp binds), the floors
-- (定性判定) stay absolute, and the result is still a plain points model that
-- the C scorer runs.  Two parameters hit two targets: the shift is chosen
-- (bisection) so that the share of class A equals its target, the scale
-- (bisection) so that the share of C and D together equals theirs; the split
-- between C and D is what the data give (reported).  Final classes are
-- counted as the run would: the draft's score and floors, then the run's
-- overrides (art. 10), which only raise.  The fit runs on each enterprise's
-- weighted score and floor (score_explain(), once), where the map is exact
-- but for the clamp; the draft is then scored for real (score_draft()) and
-- the targets of the fit corrected by what the clamp and the rounding of the
-- points to 0.01 moved, up to four times, keeping the closest pass.  The
-- scale is bounded to (0.1, 10): beyond 10 almost every point value is 0 or
-- 100 and the draft is a count of above-median indicators, not a scorecard.
-- Limit: with bounded points (0-100) a score of 500 needs about half the
-- weight above its baseline, so where the data give few enterprises that
-- many adverse signals, C (and D by score) stay out of reach whatever the
-- map; the returned shares say so (doc/calibration.md).
-- ===========================================================================

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
    fit double precision[];
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
    FOR pass IN 1..6 LOOP
        -- the fit in closed form (model_calibrate_fit: two order statistics
        -- of the enterprises' weighted distances from the baselines), then
        -- the draft scored for real; the targets of the next fit are
        -- corrected by what the clamp and the rounding moved
        fit := creditrisk.model_calibrate_fit(want_a, want_cd);
        best_a := fit[1];
        best_c := fit[2];
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

-- The fit, in closed form.  Unclamped, the draft's weighted score of an
-- enterprise is 10 x shift + scale x raw, where raw is its weighted distance
-- from the baselines; floors and overrides fix the others.  The enterprises
-- that may be A (no floor of 200 or more, no override) are A when raw < q_a,
-- with q_a between the k-th and (k+1)-th smallest raw (k = the number of A
-- wanted): that gives 10 x shift = 200 - scale x q_a.  The enterprises not
-- forced to C or D by a floor or an override reach C when raw >= q_a + 300 /
-- scale; q_c, between the m-th and (m+1)-th largest raw (m = the number of
-- C and D wanted minus those forced there) gives scale = 300 / (q_c - q_a),
-- bounded to [0.1, 10].  Two order statistics instead of nested bisections.
CREATE FUNCTION creditrisk.model_calibrate_fit(want_a double precision, want_cd double precision)
RETURNS double precision[]
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    n bigint;
    forced bigint;
    k bigint;
    m bigint;
    q_a double precision;
    q_c double precision;
    scale double precision;
BEGIN
    SELECT count(*), count(*) FILTER (WHERE t.floor >= 500 OR coalesce(t.imposed, 'A') >= 'C')
      INTO n, forced FROM pg_temp.creditrisk_calibration t;
    k := round(want_a * n);
    m := round(want_cd * n) - forced;
    SELECT CASE WHEN k <= 0 THEN min(x.raw) - 1
                WHEN k >= count(*) THEN max(x.raw) + 1
                ELSE (min(x.raw) FILTER (WHERE x.rn = k) + min(x.raw) FILTER (WHERE x.rn = k + 1)) / 2 END
      INTO q_a
      FROM (SELECT t.raw, row_number() OVER (ORDER BY t.raw) AS rn
              FROM pg_temp.creditrisk_calibration t
             WHERE t.floor < 200 AND coalesce(t.imposed, 'A') = 'A') x;
    SELECT CASE WHEN m <= 0 THEN max(x.raw) + 1
                WHEN m >= count(*) THEN min(x.raw) - 1
                ELSE (min(x.raw) FILTER (WHERE x.rn = m) + min(x.raw) FILTER (WHERE x.rn = m + 1)) / 2 END
      INTO q_c
      FROM (SELECT t.raw, row_number() OVER (ORDER BY t.raw DESC) AS rn
              FROM pg_temp.creditrisk_calibration t
             WHERE t.floor < 500 AND coalesce(t.imposed, 'A') <= 'B') x;
    q_a := coalesce(q_a, 0);
    scale := CASE WHEN q_c IS NULL OR q_c <= q_a THEN 10 ELSE 300 / (q_c - q_a) END;
    scale := least(10, greatest(0.1, scale));
    RETURN ARRAY[scale, (200 - scale * q_a) / 10];
END
$$;
COMMENT ON FUNCTION creditrisk.model_calibrate_fit(double precision, double precision) IS
    'Part of model_calibrate(): the scale and shift of the points that give its calibration population the wanted shares of A and of C+D before the clamp, in closed form (two order statistics of the weighted distances from the baselines)';

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
REVOKE ALL ON FUNCTION creditrisk.model_calibrate_fit(double precision, double precision) FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.model_points_diff(text, text) FROM PUBLIC;
