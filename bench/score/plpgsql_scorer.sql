-- bench/score/plpgsql_scorer.sql: the model scored in PL/pgSQL, as an
-- analyst would write it by hand, for the scoring benchmark.
--
-- A generator reads the model tables once and creates two functions
--     bench.score_plpgsql(ind double precision[]) RETURNS double precision
--     bench.score_plpgsql_naive(ind double precision[]) RETURNS double precision
-- with every parameter of the model baked in as array constants and one
-- FOR loop over the indicators.  They differ only in how the constants are
-- written.  score_plpgsql (the expert's) gives each its type
-- (kind CONSTANT int[] := '{...}'::int[]): the parser turns the literal into
-- an array constant once, when the statement is first planned.
-- score_plpgsql_naive leaves the literals untyped (kind CONSTANT int[] :=
-- '{...}'): PL/pgSQL then converts the text to an array through the type's
-- input function on every call (issue 16 measured 52-57 % of the time in
-- that).  Both compute exactly what
-- creditrisk.score(model, ind) computes:
--
--   score = round(max(sum over indicators of coef_i * points_i,
--                     floor of every floor rule whose conditions all hold), 2)
--
-- exactly, as the C scorer and model_to_sql() do (1.4): coef_i * points_i
-- (coef_i = 10 * w_dimension * w_group * w_indicator, from the weights'
-- decimal values) is baked in for every segment as a bigint of 1e-12 score
-- units, the loop adds bigints, and the total is rounded half-up to cents;
-- points_i is the missing points for a NULL, the first
-- bin whose upper bound is above the value, the points of the category equal
-- to the value (else the default points), or the true points for a nonzero
-- value and the false points for 0.  A floor condition on a missing value
-- is false.  (Unlike the C scorer it does not reject NaN or infinite values
-- and assumes the array starts at subscript 1.)
--
-- The model key is read from the setting bench.model (default reference-v1):
--     SET bench.model = 'reference-v1'; \i bench/score/plpgsql_scorer.sql

DO $generator$
DECLARE
    mkey text := coalesce(nullif(current_setting('bench.model', true), ''), 'reference-v1');
    n int;
    coef text; kind text; miss text; dflt text; tpts text; fpts text;
    first_k text; last_k text; bnd text; pts text;
    f_floor text; f_first text; f_last text; c_ind text; c_op text; c_val text;
    nf int;
    fn text;
    typed text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM creditrisk.model m WHERE m.model_key = mkey) THEN
        RAISE EXCEPTION 'model "%" does not exist', mkey;
    END IF;
    -- every double written out exactly (shortest text that reads back the same)
    PERFORM set_config('extra_float_digits', '1', true);

    -- Per indicator, in array order.  The bins (upper bounds, the last one
    -- +Infinity) and categories (values) of all indicators are laid end to
    -- end in bnd/pts; indicator i uses bnd[first_k[i] .. last_k[i]].
    WITH ind AS (
        SELECT i.position, i.code, i.rule, i.missing_points, i.default_points, i.true_points, i.false_points,
               d.weight::numeric * g.weight::numeric * i.weight::numeric * 10 AS coef
          FROM creditrisk.model_indicator i
          JOIN creditrisk.model_group g ON g.model_key = i.model_key AND g.code = i.group_code
          JOIN creditrisk.model_dimension d ON d.model_key = g.model_key AND d.code = g.dimension_code
         WHERE i.model_key = mkey),
    segs AS (
        SELECT i.position, s.bound, s.points, s.ord
          FROM ind i
          CROSS JOIN LATERAL (
              SELECT coalesce(b.upper, 'Infinity') AS bound, b.points,
                     row_number() OVER (ORDER BY b.lower NULLS FIRST) AS ord
                FROM creditrisk.model_bin b
               WHERE b.model_key = mkey AND b.indicator_code = i.code AND i.rule = 'bins'
              UNION ALL
              SELECT k.value, k.points, row_number() OVER (ORDER BY k.value)
                FROM creditrisk.model_category k
               WHERE k.model_key = mkey AND k.indicator_code = i.code AND i.rule = 'categories'
          ) s),
    numbered AS (
        SELECT position, bound, points, row_number() OVER (ORDER BY position, ord) AS k FROM segs),
    ranges AS (
        SELECT i.position, min(s.k) AS first_k, max(s.k) AS last_k
          FROM ind i LEFT JOIN numbered s ON s.position = i.position
         GROUP BY i.position)
    SELECT count(*)::int,
           array_agg(i.coef ORDER BY i.position)::text,
           array_agg(CASE i.rule WHEN 'bins' THEN 1 WHEN 'categories' THEN 2 ELSE 3 END ORDER BY i.position)::text,
           array_agg((round(i.coef * i.missing_points::numeric, 12) * 1e12)::int8 ORDER BY i.position)::text,
           array_agg((round(i.coef * coalesce(i.default_points, 0)::numeric, 12) * 1e12)::int8 ORDER BY i.position)::text,
           array_agg((round(i.coef * coalesce(i.true_points, 0)::numeric, 12) * 1e12)::int8 ORDER BY i.position)::text,
           array_agg((round(i.coef * coalesce(i.false_points, 0)::numeric, 12) * 1e12)::int8 ORDER BY i.position)::text,
           array_agg(coalesce(r.first_k, 1) ORDER BY i.position)::text,
           array_agg(coalesce(r.last_k, 0) ORDER BY i.position)::text,
           (SELECT array_agg(bound ORDER BY k) FROM numbered)::text,
           (SELECT array_agg((round(ii.coef * x.points::numeric, 12) * 1e12)::int8 ORDER BY x.k)
              FROM numbered x JOIN ind ii ON ii.position = x.position)::text
      INTO n, coef, kind, miss, dflt, tpts, fpts, first_k, last_k, bnd, pts
      FROM ind i JOIN ranges r ON r.position = i.position;

    -- Floor rules and their conditions, conditions laid end to end.
    WITH conds AS (
        SELECT f.code, f.floor, c.position, mi.position AS ind_pos, c.op, c.value,
               row_number() OVER (ORDER BY f.code, c.position) AS k
          FROM creditrisk.model_floor f
          JOIN creditrisk.model_floor_condition c ON c.model_key = f.model_key AND c.floor_code = f.code
          JOIN creditrisk.model_indicator mi ON mi.model_key = c.model_key AND mi.code = c.indicator_code
         WHERE f.model_key = mkey),
    rules AS (
        SELECT code, floor, min(k) AS first_k, max(k) AS last_k FROM conds GROUP BY code, floor)
    SELECT count(*)::int,
           coalesce(array_agg((round(r.floor::numeric, 12) * 1e12)::int8 ORDER BY r.code), '{}')::text,
           coalesce(array_agg(r.first_k ORDER BY r.code), '{}')::text,
           coalesce(array_agg(r.last_k ORDER BY r.code), '{}')::text,
           coalesce((SELECT array_agg(ind_pos ORDER BY k) FROM conds), '{}')::text,
           coalesce((SELECT array_agg(op ORDER BY k) FROM conds), '{}')::text,
           coalesce((SELECT array_agg(value ORDER BY k) FROM conds), '{}')::text
      INTO nf, f_floor, f_first, f_last, c_ind, c_op, c_val
      FROM rules r;

    fn := format($fn$
CREATE OR REPLACE FUNCTION bench.score_plpgsql(ind double precision[]) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $body$
-- Generated by bench/score/plpgsql_scorer.sql from model %1$s.
DECLARE
    n       CONSTANT int      := %2$s;     -- indicators
    -- (10 * w1 * w2 * w3 is baked into the contributions below)
    kind    CONSTANT int[]    := %4$L;     -- 1 bins, 2 categories, 3 boolean
    miss    CONSTANT int8[]   := %5$L;     -- contribution (1e-12 score units) when missing
    dflt    CONSTANT int8[]   := %6$L;     -- categories: contribution of a value not listed
    tpts    CONSTANT int8[]   := %7$L;     -- boolean: contribution when <> 0
    fpts    CONSTANT int8[]   := %8$L;     -- boolean: contribution when = 0
    first_k CONSTANT int[]    := %9$L;     -- indicator i: bnd/pts[first_k[i] .. last_k[i]]
    last_k  CONSTANT int[]    := %10$L;
    bnd     CONSTANT float8[] := %11$L;    -- bins: upper bounds; categories: values
    pts     CONSTANT int8[]   := %12$L;    -- contributions of the segments
    nf      CONSTANT int      := %13$s;    -- floor rules
    f_floor CONSTANT int8[]   := %14$L;
    f_first CONSTANT int[]    := %15$L;    -- rule f: conditions f_first[f] .. f_last[f]
    f_last  CONSTANT int[]    := %16$L;
    c_ind   CONSTANT int[]    := %17$L;
    c_op    CONSTANT text[]   := %18$L;
    c_val   CONSTANT float8[] := %19$L;
    s       int8 := 0;
    v       float8;
    p       int8;
    k       int;
    holds   boolean;
BEGIN
    IF array_length(ind, 1) IS DISTINCT FROM n OR array_ndims(ind) <> 1 THEN
        RAISE EXCEPTION 'model %1$s has %% indicators, but the array has %% elements',
            n, coalesce(array_length(ind, 1), 0);
    END IF;

    FOR i IN 1 .. n LOOP
        v := ind[i];
        IF v IS NULL THEN
            p := miss[i];
        ELSIF kind[i] = 1 THEN                       -- bins: first upper bound above v
            k := first_k[i];
            WHILE v >= bnd[k] LOOP
                k := k + 1;
            END LOOP;
            p := pts[k];
        ELSIF kind[i] = 2 THEN                       -- categories
            p := dflt[i];
            FOR j IN first_k[i] .. last_k[i] LOOP
                IF v = bnd[j] THEN
                    p := pts[j];
                    EXIT;
                END IF;
            END LOOP;
        ELSIF v <> 0 THEN                            -- boolean
            p := tpts[i];
        ELSE
            p := fpts[i];
        END IF;
        s := s + p;
    END LOOP;

    -- Floor rules: the score is at least the floor of every rule that holds.
    FOR f IN 1 .. nf LOOP
        holds := true;
        FOR j IN f_first[f] .. f_last[f] LOOP
            v := ind[c_ind[j]];
            holds := v IS NOT NULL AND CASE c_op[j]
                                       WHEN '<'  THEN v < c_val[j]
                                       WHEN '<=' THEN v <= c_val[j]
                                       WHEN '='  THEN v = c_val[j]
                                       WHEN '>=' THEN v >= c_val[j]
                                       WHEN '>'  THEN v > c_val[j]
                                       ELSE v <> c_val[j]
                                       END;
            EXIT WHEN NOT holds;
        END LOOP;
        IF holds AND f_floor[f] > s THEN
            s := f_floor[f];
        END IF;
    END LOOP;
    RETURN ((s + 5000000000) / 10000000000)::float8 / 100;    -- half-up to cents
END
$body$
$fn$, mkey, n, coef, kind, miss, dflt, tpts, fpts, first_k, last_k, bnd, pts,
      nf, f_floor, f_first, f_last, c_ind, c_op, c_val);
    -- the naive one: untyped literals, converted from text on every call
    EXECUTE replace(fn, 'FUNCTION bench.score_plpgsql(', 'FUNCTION bench.score_plpgsql_naive(');
    -- the expert's: every array literal cast to its declared type
    typed := regexp_replace(fn, '(CONSTANT ([a-z0-9]+\[\]) +:= ''[^'']*'')', '\1::\2', 'g');
    IF (SELECT count(*) FROM regexp_matches(typed, 'CONSTANT [a-z0-9]+\[\] +:= ''[^'']*''::', 'g')) <> 15 THEN
        RAISE EXCEPTION 'plpgsql_scorer.sql: expected 15 typed array constants';
    END IF;
    EXECUTE typed;
END
$generator$;
