-- bench/monthly/expert.sql -- the monthly run as an expert would write it in
-- plain set-based SQL (issue 16), the baseline of bench/monthly/run.
--
-- Defines bench.expert_run_sql(model, as_of), which returns ONE SQL script
-- that does what creditrisk.refresh_classification() does for a date, the way
-- a PostgreSQL expert would write it without the C engine:
--   1. indicators: creditrisk.indicators_set_sql() (one grouped pass with
--      FILTER aggregates per record table), rewritten to give one column per
--      indicator instead of an array, into a temporary table;
--   2. scores: the model_to_sql() expression split into its terms, over those
--      columns (no array subscripts): one numeric column per indicator's
--      contribution, their sum, the floors; the score class by the art. 9
--      bands; the 3 reason codes (the contributions furthest above each
--      indicator's lowest, and a floor that raised the score), as the C
--      scorer defines them;
--   3. overrides (art. 10): every rule in force, through
--      creditrisk.override_rule_matches() (the rules are stored SQL), all
--      rules aggregated per enterprise BEFORE the insert (no UPDATE pass);
--   4. one INSERT into bench.expert_result, shaped and indexed like
--      creditrisk.classification_result;
--   5. fusion (art. 16) into bench.expert_domain_result, the run's statement;
--   6. the run's summary (class counts).
-- bench/monthly/run checks its rows equal the C run's (score, classes,
-- overrides and their details, reasons, domain results) and times both.
-- Not part of the extension.

CREATE SCHEMA IF NOT EXISTS bench;

CREATE TABLE bench.expert_result (LIKE creditrisk.classification_result INCLUDING ALL);
CREATE TABLE bench.expert_domain_result (LIKE creditrisk.classification_domain_result INCLUDING ALL);
-- the history's indexes that LIKE does not copy (they are created after the
-- table in extension/classification.sql): the same shape, the same work
CREATE INDEX ON bench.expert_result (as_of, version, division_code);
CREATE INDEX ON bench.expert_domain_result (as_of, version, division_code);

CREATE FUNCTION bench.expert_run_sql(model text, as_of date) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    set_sql text := creditrisk.indicators_set_sql(model);
    m2s text := creditrisk.model_to_sql(model, 'ind');
    nind int;
    lines text[];
    line text;
    k int;
    cols text := '';
    ncols int := 0;
    in_body boolean := false;
    head text := '';
    tail text := '';
    terms text[] := '{}';
    floors text[] := '{}';
    pts text;
    excess text;
    floor_val text;
    floor_code text;
BEGIN
    SELECT count(*) INTO nind FROM creditrisk.model_indicator mi WHERE mi.model_key = model;

    -- 1. the set-based indicators with one column per indicator: the ARRAY[...]
    --    of indicators_set_sql() has one line per indicator, "/* code */ (expr)::double precision,"
    lines := string_to_array(set_sql, E'\n');
    FOREACH line IN ARRAY lines LOOP
        IF line = 'SELECT e.uscc, ARRAY[' THEN
            in_body := true;
            head := head || E'SELECT e.uscc, e.division_code';
        ELSIF in_body AND line = '  ] AS indicators' THEN
            in_body := false;
        ELSIF in_body THEN
            IF line !~ '^    /\* [a-z][a-z0-9_]* \*/ .*::double precision,?$' THEN
                RAISE EXCEPTION 'bench.expert_run_sql: unexpected line in indicators_set_sql(): %', line;
            END IF;
            ncols := ncols + 1;
            cols := cols || format(E',\n    %s AS i%s',
                                   regexp_replace(line, '^    /\* [a-z][a-z0-9_]* \*/ (.*::double precision),?$', '\1'), ncols);
        ELSIF NOT in_body AND ncols = 0 THEN
            head := head || line || E'\n';
        ELSE
            tail := tail || E'\n' || line;
        END IF;
    END LOOP;
    IF ncols <> nind THEN
        RAISE EXCEPTION 'bench.expert_run_sql: % indicator columns for % indicators', ncols, nind;
    END IF;

    -- 2. the terms and floors of model_to_sql(), one per line
    FOREACH line IN ARRAY string_to_array(m2s, E'\n') LOOP
        IF line ~ '^  \+ CASE WHEN ind\[\d+\] IS NULL' THEN
            -- the last term closes the sum: "END)" (and the GREATEST when no floor follows)
            terms := terms || regexp_replace(substr(line, 5), '\),?(\), 2\)::float8)?$', '');
        ELSIF line ~ '^  CASE WHEN .* THEN [0-9.]+ END[,)]' THEN
            floors := floors || regexp_replace(line, '^  (CASE WHEN .* THEN [0-9.]+ END)[,)].*$', '\1');
        END IF;
    END LOOP;
    IF cardinality(terms) <> nind THEN
        RAISE EXCEPTION 'bench.expert_run_sql: % score terms for % indicators', cardinality(terms), nind;
    END IF;
    pts := '';
    FOR k IN 1 .. nind LOOP
        pts := pts || format(E',\n    %s AS p%s', terms[k], k);
    END LOOP;
    -- indicator columns, highest position first (ind[1] is a prefix of ind[10])
    FOR k IN REVERSE nind .. 1 LOOP
        pts := replace(pts, format('ind[%s]', k), format('i%s', k));
    END LOOP;

    -- the lowest contribution of each indicator (the C scorer's min_contrib)
    -- and the reason candidates: (code, excess, position)
    SELECT string_agg(format('(%L, p%s - %s, %s)', i.code, i.position,
                             trim_scale(round(c.coef * (lp.pts)::numeric, 12)), i.position), E',\n                   ' ORDER BY i.position)
      INTO excess
      FROM creditrisk.model_indicator i
      JOIN creditrisk.model_group g ON g.model_key = i.model_key AND g.code = i.group_code
      JOIN creditrisk.model_dimension d ON d.model_key = g.model_key AND d.code = g.dimension_code
      CROSS JOIN LATERAL (SELECT d.weight::numeric * g.weight::numeric * i.weight::numeric * 10 AS coef) c
      CROSS JOIN LATERAL (
          SELECT least(i.missing_points,
                       CASE i.rule
                       WHEN 'bins' THEN (SELECT min(b.points) FROM creditrisk.model_bin b
                                          WHERE b.model_key = i.model_key AND b.indicator_code = i.code)
                       WHEN 'categories' THEN least(i.default_points,
                                                    (SELECT min(k.points) FROM creditrisk.model_category k
                                                      WHERE k.model_key = i.model_key AND k.indicator_code = i.code))
                       ELSE least(i.true_points, i.false_points) END) AS pts) lp
     WHERE i.model_key = model;

    -- the binding floor: the highest that holds, the first by code on a tie
    -- (floors in model_to_sql() are in code order)
    SELECT string_agg(format('WHEN %s THEN %s', x.cond, x.val), ' ' ORDER BY x.val::numeric DESC, x.code),
           string_agg(format('WHEN %s THEN %L', x.cond, x.code), ' ' ORDER BY x.val::numeric DESC, x.code)
      INTO floor_val, floor_code
      FROM (SELECT f.code, regexp_replace(fl, '^CASE WHEN (.*) THEN ([0-9.]+) END$', '\1') AS cond,
                   regexp_replace(fl, '^CASE WHEN (.*) THEN ([0-9.]+) END$', '\2') AS val
              FROM unnest(floors) WITH ORDINALITY AS u(fl, n)
              JOIN (SELECT mf.code, row_number() OVER (ORDER BY mf.code) AS n
                      FROM creditrisk.model_floor mf WHERE mf.model_key = model) f USING (n)) x;
    IF floor_val IS NOT NULL THEN
        FOR k IN REVERSE nind .. 1 LOOP
            floor_val := replace(floor_val, format('ind[%s]', k), format('i%s', k));
            floor_code := replace(floor_code, format('ind[%s]', k), format('i%s', k));
        END LOOP;
    END IF;

    RETURN format($script$-- The monthly run of %2$s for model %1$s as an expert's set-based SQL
-- (generated by bench.expert_run_sql(), bench/monthly/expert.sql)
\set ON_ERROR_STOP on
BEGIN;
SET LOCAL search_path = creditrisk, public;   -- the record tables' types and operators
-- 1. indicators: one grouped pass per record table, one column per indicator
PREPARE expert_indicators(date, timestamptz) AS
%3$s%4$s%5$s;
CREATE TEMP TABLE x_ind ON COMMIT DROP AS EXECUTE expert_indicators(%2$L, NULL);
-- 2. each indicator's contribution (exact numeric), the population of art. 3
CREATE TEMP TABLE x_pts ON COMMIT DROP AS
SELECT x.uscc, x.division_code,
    CASE %6$s END AS floor_value,
    CASE %7$s END AS floor_code%8$s
  FROM x_ind x
 WHERE creditrisk.in_scope(x.uscc, x.division_code, %2$L, NULL);
-- score, class, reasons; overrides of every rule in force, per enterprise
CREATE TEMP TABLE x_score ON COMMIT DROP AS
SELECT t.uscc, t.division_code, t.score,
       (CASE WHEN t.score < 200 THEN 'A' WHEN t.score < 500 THEN 'B' WHEN t.score < 750 THEN 'C' ELSE 'D' END)::creditrisk.riskclass AS score_class,
       t.reasons
  FROM (SELECT p.uscc, p.division_code, round(greatest(s.total, p.floor_value), 2)::float8 AS score,
               ARRAY(SELECT v.code FROM (VALUES (p.floor_code, greatest(s.total, p.floor_value) - s.total, 0),
                   %9$s) v(code, excess, n)
                      WHERE v.excess > 0 ORDER BY v.excess DESC, v.n LIMIT 3) AS reasons
          FROM x_pts p, LATERAL (SELECT %10$s AS total) s) t;
CREATE TEMP TABLE x_override ON COMMIT DROP AS
SELECT m.uscc, max(m.class) AS class, array_agg(m.code ORDER BY m.code) AS overrides,
       jsonb_object_agg(m.code, m.detail) AS details
  FROM (SELECT o.code, x.uscc, max(x.class) AS class,
               (array_agg(jsonb_build_object('class', x.class) || x.detail ORDER BY x.class DESC))[1] AS detail
          FROM creditrisk.override_rule_as_known(NULL) o
          CROSS JOIN LATERAL creditrisk.override_rule_matches(o.code, %2$L, NULL) x
         WHERE o.enabled AND o.effective_from <= %2$L AND (o.effective_to IS NULL OR o.effective_to >= %2$L)
         GROUP BY o.code, x.uscc) m
 GROUP BY m.uscc;
-- 4. the run's rows, in one insert
INSERT INTO bench.expert_result (as_of, version, uscc, division_code, score, score_class, final_class, overrides, override_details, reasons)
SELECT %2$L, 1, s.uscc, s.division_code, s.score, s.score_class, greatest(s.score_class, o.class),
       coalesce(o.overrides, '{}'), o.details, s.reasons
  FROM x_score s LEFT JOIN x_override o ON o.uscc = s.uscc;
-- 5. fusion (art. 16), as the run does it
INSERT INTO bench.expert_domain_result
       (as_of, version, uscc, domain, division_code, general_class, professional_class, assessed_date, method, fused_class)
SELECT %2$L, 1, d.uscc, d.domain, r.division_code, r.final_class, d.class, d.assessed_date,
       coalesce(f.method, 'riskier'),
       CASE WHEN f.method = 'matrix'
            THEN greatest(fm.fused_class, (SELECT max((o.value ->> 'class')::creditrisk.riskclass)
                                             FROM jsonb_each(r.override_details) o))
            ELSE greatest(r.final_class, d.class) END
  FROM (SELECT DISTINCT ON (x.uscc, x.domain) x.uscc, x.domain, x.class, x.assessed_date
          FROM creditrisk.domain_risk_class_as_known(NULL) x
         WHERE x.assessed_date <= %2$L
         ORDER BY x.uscc, x.domain, x.assessed_date DESC) d
  JOIN bench.expert_result r ON r.as_of = %2$L AND r.version = 1 AND r.uscc = d.uscc
  LEFT JOIN (SELECT DISTINCT ON (x.domain) x.* FROM creditrisk.fusion_rule_as_known(NULL) x
              WHERE x.effective_from <= %2$L ORDER BY x.domain, x.effective_from DESC) f ON f.domain = d.domain
  LEFT JOIN creditrisk.fusion_matrix_as_known(NULL) fm
         ON fm.domain = d.domain AND fm.effective_from = f.effective_from
        AND fm.general_class = r.final_class AND fm.professional_class = d.class;
-- 6. the run's summary
SELECT count(*) AS enterprises, count(*) FILTER (WHERE final_class > score_class) AS overridden,
       count(*) FILTER (WHERE final_class = 'A') AS a, count(*) FILTER (WHERE final_class = 'B') AS b,
       count(*) FILTER (WHERE final_class = 'C') AS c, count(*) FILTER (WHERE final_class = 'D') AS d
  FROM bench.expert_result WHERE as_of = %2$L AND version = 1;
COMMIT;
$script$,
        model, as_of, head, cols, tail, coalesce(floor_val, 'WHEN false THEN 0'), coalesce(floor_code, 'WHEN false THEN NULL::text'),
        pts, excess, (SELECT string_agg(format('p%s', g.j), ' + ') FROM generate_series(1, nind) AS g(j)));
END
$$;
