-- creditrisk upgrade 1.3 -> 1.4 (hand-written delta; sql/upgrade.sql proves
-- that 1.0 -> ... -> 1.4 gives the same catalog as a fresh install of 1.4)
\echo Use "ALTER EXTENSION creditrisk UPDATE TO '1.4'" to load this file. \quit

-- ===========================================================================
-- Codebase shape (issue 10)
-- ===========================================================================

-- model_export_indicator() and model_import() become single functions: the
-- 1.2 versions wrapped the renamed 1.1 ones (model_export_indicator_rule(),
-- model_import_tree()), which a fresh install no longer has.  Same results,
-- same comments and privileges (CREATE OR REPLACE keeps them).
CREATE OR REPLACE FUNCTION creditrisk.model_export_indicator(i creditrisk.model_indicator) RETURNS jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT jsonb_build_object(
        'code', i.code, 'name', c.name, 'name_en', c.name_en, 'unit', c.unit, 'weight', i.weight,
        'definition', c.definition, 'source', c.source, 'rationale', i.rationale,
        'rule', jsonb_strip_nulls(jsonb_build_object(
            'kind', i.rule,
            'missing', i.missing_points,
            'default', i.default_points,
            'true', i.true_points,
            'false', i.false_points,
            'bins', (SELECT jsonb_agg(jsonb_build_object('lower', b.lower, 'upper', b.upper, 'points', b.points,
                                                          'label', b.label) ORDER BY b.lower NULLS FIRST)
                       FROM creditrisk.model_bin b WHERE b.model_key = i.model_key AND b.indicator_code = i.code),
            'categories', (SELECT jsonb_agg(jsonb_build_object('value', k.value, 'points', k.points, 'label', k.label)
                                            ORDER BY k.value)
                             FROM creditrisk.model_category k
                            WHERE k.model_key = i.model_key AND k.indicator_code = i.code))))
           || CASE WHEN c.definition_sql IS NULL THEN '{}'::jsonb
                   ELSE jsonb_build_object('definition_sql', c.definition_sql) END
      FROM creditrisk.indicator c WHERE c.code = i.code
$$;

CREATE OR REPLACE FUNCTION creditrisk.model_import(doc jsonb, new_key text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    key text := coalesce(new_key, doc ->> 'key');
    d jsonb; g jsonb; i jsonb; b jsonb; f jsonb; c jsonb;
    dpos int := 0; gpos int; ipos int := 0; cpos int;
    cat creditrisk.indicator;
BEGIN
    IF doc IS NULL OR jsonb_typeof(doc) <> 'object' OR doc ->> 'format' IS DISTINCT FROM 'creditrisk-model/1' THEN
        RAISE EXCEPTION 'not a creditrisk model document'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A model document is a JSON object with "format": "creditrisk-model/1".',
                  HINT = 'creditrisk.model_export() writes such documents.';
    END IF;
    IF key IS NULL THEN
        RAISE EXCEPTION 'model document has no key'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Pass one: creditrisk.model_import(doc, ''my-key'').';
    END IF;
    IF EXISTS (SELECT 1 FROM creditrisk.model WHERE model_key = key) THEN
        RAISE EXCEPTION 'model "%" already exists', key
            USING ERRCODE = 'duplicate_object',
                  HINT = 'Import it under another key: creditrisk.model_import(doc, ''new-key'').';
    END IF;

    INSERT INTO creditrisk.model (model_key, description, based_on)
    VALUES (key, coalesce(doc ->> 'description', ''), doc ->> 'based_on');

    FOR d IN SELECT * FROM jsonb_array_elements(coalesce(doc -> 'dimensions', '[]')) LOOP
        dpos := dpos + 1;
        INSERT INTO creditrisk.model_dimension (model_key, code, name, name_en, weight, position)
        VALUES (key, d ->> 'code', d ->> 'name', coalesce(d ->> 'name_en', ''), (d ->> 'weight')::float8, dpos);
        gpos := 0;
        FOR g IN SELECT * FROM jsonb_array_elements(coalesce(d -> 'groups', '[]')) LOOP
            gpos := gpos + 1;
            INSERT INTO creditrisk.model_group (model_key, dimension_code, code, name, name_en, weight, position)
            VALUES (key, d ->> 'code', g ->> 'code', g ->> 'name', coalesce(g ->> 'name_en', ''),
                    (g ->> 'weight')::float8, gpos);
            FOR i IN SELECT * FROM jsonb_array_elements(coalesce(g -> 'indicators', '[]')) LOOP
                ipos := ipos + 1;
                -- catalogue entry: reuse an identical one, create a missing one;
                -- an SQL definition is filled in where the entry has none
                SELECT * INTO cat FROM creditrisk.indicator WHERE code = i ->> 'code';
                IF NOT FOUND THEN
                    INSERT INTO creditrisk.indicator (code, name, name_en, unit, definition, source, definition_sql)
                    VALUES (i ->> 'code', i ->> 'name', coalesce(i ->> 'name_en', ''), coalesce(i ->> 'unit', ''),
                            coalesce(i ->> 'definition', ''), coalesce(i ->> 'source', ''), i ->> 'definition_sql');
                ELSIF ROW(cat.name, cat.name_en, cat.unit, cat.definition, cat.source)
                      IS DISTINCT FROM ROW(i ->> 'name', coalesce(i ->> 'name_en', ''), coalesce(i ->> 'unit', ''),
                                           coalesce(i ->> 'definition', ''), coalesce(i ->> 'source', '')) THEN
                    RAISE EXCEPTION 'indicator "%" differs from the catalogue entry of the same code', cat.code
                        USING ERRCODE = 'invalid_parameter_value',
                              DETAIL = 'A catalogue code always means the same fact; the document gives another name, unit, definition or source.',
                              HINT = 'Give the indicator a new code in the document, or change the catalogue entry first.';
                ELSIF i ? 'definition_sql' AND cat.definition_sql IS DISTINCT FROM i ->> 'definition_sql' THEN
                    IF cat.definition_sql IS NOT NULL THEN
                        RAISE EXCEPTION 'indicator "%" differs from the catalogue entry of the same code', cat.code
                            USING ERRCODE = 'invalid_parameter_value',
                                  DETAIL = 'A catalogue code always means the same fact; the document gives another SQL definition.',
                                  HINT = 'Give the indicator a new code in the document.';
                    END IF;
                    UPDATE creditrisk.indicator SET definition_sql = i ->> 'definition_sql' WHERE code = cat.code;
                END IF;
                INSERT INTO creditrisk.model_indicator (model_key, group_code, code, weight, position, rule,
                                                        missing_points, default_points, true_points, false_points,
                                                        rationale)
                VALUES (key, g ->> 'code', i ->> 'code', (i ->> 'weight')::float8, ipos, i #>> '{rule,kind}',
                        (i #>> '{rule,missing}')::float8, (i #>> '{rule,default}')::float8,
                        (i #>> '{rule,true}')::float8, (i #>> '{rule,false}')::float8,
                        coalesce(i ->> 'rationale', ''));
                FOR b IN SELECT * FROM jsonb_array_elements(coalesce(i #> '{rule,bins}', '[]')) LOOP
                    INSERT INTO creditrisk.model_bin (model_key, indicator_code, lower, upper, points, label)
                    VALUES (key, i ->> 'code', (b ->> 'lower')::float8, (b ->> 'upper')::float8,
                            (b ->> 'points')::float8, coalesce(b ->> 'label', ''));
                END LOOP;
                FOR c IN SELECT * FROM jsonb_array_elements(coalesce(i #> '{rule,categories}', '[]')) LOOP
                    INSERT INTO creditrisk.model_category (model_key, indicator_code, value, points, label)
                    VALUES (key, i ->> 'code', (c ->> 'value')::float8, (c ->> 'points')::float8,
                            coalesce(c ->> 'label', ''));
                END LOOP;
            END LOOP;
        END LOOP;
    END LOOP;

    FOR f IN SELECT * FROM jsonb_array_elements(coalesce(doc -> 'floors', '[]')) LOOP
        INSERT INTO creditrisk.model_floor (model_key, code, name, name_en, floor, rationale)
        VALUES (key, f ->> 'code', f ->> 'name', coalesce(f ->> 'name_en', ''), (f ->> 'floor')::float8,
                coalesce(f ->> 'rationale', ''));
        cpos := 0;
        FOR c IN SELECT * FROM jsonb_array_elements(coalesce(f -> 'when', '[]')) LOOP
            cpos := cpos + 1;
            INSERT INTO creditrisk.model_floor_condition (model_key, floor_code, position, indicator_code, op, value)
            VALUES (key, f ->> 'code', cpos, c ->> 'indicator', c ->> 'op', (c ->> 'value')::float8);
        END LOOP;
    END LOOP;

    IF doc ->> 'status' IN ('published', 'retired') THEN
        PERFORM creditrisk.model_publish(key);
    END IF;
    IF doc ->> 'status' = 'retired' THEN
        PERFORM creditrisk.model_retire(key);
    END IF;
    RETURN key;
END
$$;

DROP FUNCTION creditrisk.model_export_indicator_rule(creditrisk.model_indicator);
DROP FUNCTION creditrisk.model_import_tree(jsonb, text);

-- C: the registry of built-in indicators, visible to SQL (shapec)
CREATE FUNCTION creditrisk.engine_indicator_codes()
RETURNS SETOF text
AS 'MODULE_PATHNAME', 'engine_indicator_codes'
LANGUAGE C IMMUTABLE PARALLEL SAFE COST 1 ROWS 100;
COMMENT ON FUNCTION creditrisk.engine_indicator_codes() IS
    'Codes of the catalogue entries that compute_indicators() computes in C (内置指标), in the order of its registry; every other entry is computed by its SQL definition';
REVOKE ALL ON FUNCTION creditrisk.engine_indicator_codes() FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- The built-in catalogue entries are exactly the codes the C engine computes
-- (creditrisk.engine_indicator_codes()): a code misspelled on either side
-- fails the update instead of falling back silently to the SQL definition.
-- ---------------------------------------------------------------------------
DO $check$
DECLARE
    mismatch text;
BEGIN
    SELECT string_agg(coalesce(i.code, c.code) || CASE WHEN i.code IS NULL
                          THEN ' (computed in C, no built-in catalogue entry)'
                          ELSE ' (built-in catalogue entry, not computed in C)' END,
                      ', ' ORDER BY coalesce(i.code, c.code)) INTO mismatch
      FROM (SELECT code FROM creditrisk.indicator WHERE builtin) i
      FULL JOIN creditrisk.engine_indicator_codes() AS c(code) ON c.code = i.code
     WHERE i.code IS NULL OR c.code IS NULL;
    IF mismatch IS NOT NULL THEN
        RAISE EXCEPTION 'the indicator catalogue and the C engine disagree: %', mismatch;
    END IF;
END
$check$;

-- ===========================================================================
-- Integrity: stored SQL, models, exact bands, seed rules, dates (issue 11)
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- integb (issue 11 §3, §5, §6): exact scores and bands, rules the seed fixes,
-- dates.  Kept at the end of this section.
-- ---------------------------------------------------------------------------

-- §3 Scores are exact: the C scorer works in fixed point (the module); the
-- model's SQL form and validation compute in numeric.
CREATE OR REPLACE FUNCTION creditrisk.model_validate(model text)
RETURNS TABLE (object text, problem text)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    tolerance CONSTANT double precision := 1e-9;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM creditrisk.model m WHERE m.model_key = model) THEN
        PERFORM creditrisk.model_not_found(model);
    END IF;

    RETURN QUERY
    WITH dims AS (SELECT * FROM creditrisk.model_dimension d WHERE d.model_key = model),
         grps AS (SELECT * FROM creditrisk.model_group g WHERE g.model_key = model),
         inds AS (SELECT * FROM creditrisk.model_indicator i WHERE i.model_key = model),
         bins AS (SELECT b.*, lag(b.upper) OVER w AS prev_upper,
                         row_number() OVER w AS n, count(*) OVER (PARTITION BY b.indicator_code) AS total
                    FROM creditrisk.model_bin b WHERE b.model_key = model
                  WINDOW w AS (PARTITION BY b.indicator_code ORDER BY b.lower NULLS FIRST)),
         cats AS (SELECT * FROM creditrisk.model_category c WHERE c.model_key = model),
         problems(object, problem, ord) AS (
        -- the tree
        SELECT 'model ' || model, 'has no level-1 dimensions', 1
         WHERE NOT EXISTS (SELECT 1 FROM dims)
        UNION ALL
        SELECT 'model ' || model, format('level-1 weights sum to %s, not 1', trim_scale(round(sum(weight)::numeric, 9))), 2
          FROM dims HAVING count(*) > 0 AND abs(sum(weight) - 1) > tolerance
        UNION ALL
        SELECT 'dimension ' || d.code, 'has no level-2 groups', 3
          FROM dims d WHERE NOT EXISTS (SELECT 1 FROM grps g WHERE g.dimension_code = d.code)
        UNION ALL
        SELECT 'dimension ' || g.dimension_code, format('level-2 weights sum to %s, not 1', trim_scale(round(sum(g.weight)::numeric, 9))), 4
          FROM grps g GROUP BY g.dimension_code HAVING abs(sum(g.weight) - 1) > tolerance
        UNION ALL
        SELECT 'group ' || g.code, 'has no level-3 indicators', 5
          FROM grps g WHERE NOT EXISTS (SELECT 1 FROM inds i WHERE i.group_code = g.code)
        UNION ALL
        SELECT 'group ' || i.group_code, format('level-3 weights sum to %s, not 1', trim_scale(round(sum(i.weight)::numeric, 9))), 6
          FROM inds i GROUP BY i.group_code HAVING abs(sum(i.weight) - 1) > tolerance
        UNION ALL
        SELECT 'model ' || model, format('indicator positions are not 1..%s without gaps', count(*)), 7
          FROM inds HAVING count(*) > 0 AND max(position) <> count(*)
        -- the range, exactly (numeric): the highest contribution of every
        -- indicator together must not exceed 1000 (the lowest is never below
        -- 0: weights are positive and points lie in [0, 100])
        UNION ALL
        SELECT 'model ' || model,
               format('the highest possible score is %s, above 1000 (the weights multiply out to more than 1)', trim_scale(sum(x.top))), 8
          FROM (SELECT round(d.weight::numeric * g.weight::numeric * i.weight::numeric * 10
                             * GREATEST(i.missing_points, i.default_points, i.true_points, i.false_points,
                                        (SELECT max(b.points) FROM bins b WHERE b.indicator_code = i.code),
                                        (SELECT max(c.points) FROM cats c WHERE c.indicator_code = i.code))::numeric,
                             12) AS top
                  FROM inds i
                  JOIN grps g ON g.code = i.group_code
                  JOIN dims d ON d.code = g.dimension_code) x
        HAVING sum(x.top) > 1000
        -- scoring rules
        UNION ALL
        SELECT 'indicator ' || i.code, 'bins rule has no bins', 10
          FROM inds i WHERE i.rule = 'bins' AND NOT EXISTS (SELECT 1 FROM bins b WHERE b.indicator_code = i.code)
        UNION ALL
        SELECT 'indicator ' || b.indicator_code, 'first bin must start at -infinity (lower NULL)', 11
          FROM bins b WHERE b.n = 1 AND b.lower IS NOT NULL
        UNION ALL
        SELECT 'indicator ' || b.indicator_code, 'last bin must end at +infinity (upper NULL)', 12
          FROM bins b WHERE b.n = b.total AND b.upper IS NOT NULL
        UNION ALL
        SELECT 'indicator ' || b.indicator_code,
               format('bin [%s, %s) is empty or reversed', coalesce(b.lower::text, '-inf'), coalesce(b.upper::text, '+inf')), 13
          FROM bins b WHERE b.lower >= b.upper
        UNION ALL
        SELECT 'indicator ' || b.indicator_code,
               CASE WHEN b.prev_upper IS NULL THEN format('bin starting at %s overlaps the bin that extends to +infinity', b.lower)
                    WHEN b.lower > b.prev_upper THEN format('gap between %s and %s is not covered by any bin', b.prev_upper, b.lower)
                    ELSE format('bins overlap between %s and %s', b.lower, b.prev_upper) END, 14
          FROM bins b WHERE b.n > 1 AND b.lower IS DISTINCT FROM b.prev_upper
        UNION ALL
        SELECT 'indicator ' || i.code, 'categories rule has no categories', 15
          FROM inds i WHERE i.rule = 'categories' AND NOT EXISTS (SELECT 1 FROM cats c WHERE c.indicator_code = i.code)
        UNION ALL
        SELECT 'indicator ' || i.code, 'categories rule has no default points (for values not listed)', 16
          FROM inds i WHERE i.rule = 'categories' AND i.default_points IS NULL
        UNION ALL
        SELECT 'indicator ' || i.code, 'boolean rule needs both true_points and false_points', 17
          FROM inds i WHERE i.rule = 'boolean' AND (i.true_points IS NULL OR i.false_points IS NULL)
        UNION ALL
        SELECT 'indicator ' || i.code, format('%s rule must not have bins', i.rule), 18
          FROM inds i WHERE i.rule <> 'bins' AND EXISTS (SELECT 1 FROM bins b WHERE b.indicator_code = i.code)
        UNION ALL
        SELECT 'indicator ' || i.code, format('%s rule must not have categories', i.rule), 19
          FROM inds i WHERE i.rule <> 'categories' AND EXISTS (SELECT 1 FROM cats c WHERE c.indicator_code = i.code)
        -- floors
        UNION ALL
        SELECT 'floor ' || f.code, 'has no conditions', 20
          FROM creditrisk.model_floor f
         WHERE f.model_key = model
           AND NOT EXISTS (SELECT 1 FROM creditrisk.model_floor_condition c
                            WHERE c.model_key = model AND c.floor_code = f.code)
    )
    SELECT p.object, p.problem FROM problems p ORDER BY p.ord, p.object, p.problem;
END
$$;
COMMENT ON FUNCTION creditrisk.model_validate(text) IS
    'Every problem that keeps a model from being published, each with the object it concerns (empty when the model is valid)';

CREATE OR REPLACE FUNCTION creditrisk.model_to_sql(model text, indicators text DEFAULT 'ind') RETURNS text
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    sum_expr text;
    floor_expr text;
    lit CONSTANT text := '(%s)::float8';
BEGIN
    IF NOT EXISTS (SELECT 1 FROM creditrisk.model m WHERE m.model_key = model) THEN
        PERFORM creditrisk.model_not_found(model);
    END IF;

    -- Each indicator's contribution is an exact numeric literal: coef * points
    -- (coef = 10 * w1 * w2 * w3 in numeric, from the weights' decimal values)
    -- rounded half-up to 12 decimal places; the sum is exact and rounded
    -- half-up to 2 places, as the C scorer does in fixed point (src/model.h).
    SELECT string_agg(format(E'\n  + CASE WHEN %1$s IS NULL THEN %2$s %3$s END',
                             format('%s[%s]', indicators, i.position),
                             trim_scale(round(t.coef * (i.missing_points)::numeric, 12)),
                             t.points_expr),
                      '' ORDER BY i.position)
      INTO sum_expr
      FROM creditrisk.model_indicator i
      JOIN creditrisk.model_group g ON g.model_key = i.model_key AND g.code = i.group_code
      JOIN creditrisk.model_dimension d ON d.model_key = g.model_key AND d.code = g.dimension_code
      CROSS JOIN LATERAL (SELECT d.weight::numeric * g.weight::numeric * i.weight::numeric * 10 AS coef) c
      CROSS JOIN LATERAL (
          SELECT c.coef,
                        CASE i.rule
                        WHEN 'bins' THEN
                            (SELECT string_agg(CASE WHEN b.upper IS NULL
                                                    THEN format('ELSE %s', trim_scale(round(c.coef * (b.points)::numeric, 12)))
                                                    ELSE format('WHEN %s < ' || lit || ' THEN %s',
                                                                format('%s[%s]', indicators, i.position), b.upper,
                                                                trim_scale(round(c.coef * (b.points)::numeric, 12)))
                                               END, ' ' ORDER BY b.lower NULLS FIRST)
                               FROM creditrisk.model_bin b
                              WHERE b.model_key = i.model_key AND b.indicator_code = i.code)
                        WHEN 'categories' THEN
                            coalesce((SELECT string_agg(format('WHEN %s = ' || lit || ' THEN %s',
                                                               format('%s[%s]', indicators, i.position), k.value,
                                                               trim_scale(round(c.coef * (k.points)::numeric, 12))),
                                                        ' ' ORDER BY k.value)
                                        FROM creditrisk.model_category k
                                       WHERE k.model_key = i.model_key AND k.indicator_code = i.code), '')
                            || format(' ELSE %s', trim_scale(round(c.coef * (i.default_points)::numeric, 12)))
                        ELSE
                            format('WHEN %s <> 0 THEN %s ELSE %s',
                                   format('%s[%s]', indicators, i.position),
                                   trim_scale(round(c.coef * (i.true_points)::numeric, 12)),
                                   trim_scale(round(c.coef * (i.false_points)::numeric, 12)))
                        END AS points_expr) t
     WHERE i.model_key = model;

    SELECT string_agg(format(E',\n  CASE WHEN %s THEN %s END',
                             (SELECT string_agg(format('%s[%s] %s ' || lit, indicators, mi.position, c.op, c.value),
                                                ' AND ' ORDER BY c.position)
                                FROM creditrisk.model_floor_condition c
                                JOIN creditrisk.model_indicator mi
                                  ON mi.model_key = c.model_key AND mi.code = c.indicator_code
                               WHERE c.model_key = f.model_key AND c.floor_code = f.code),
                             trim_scale(round(f.floor::numeric, 12))), '' ORDER BY f.code)
      INTO floor_expr
      FROM creditrisk.model_floor f WHERE f.model_key = model;

    RETURN format(E'/* creditrisk model %s: score 0-1000 from %s (double precision[]), exact to 2 decimal places */\nround(GREATEST(\n  (0%s)%s), 2)::float8',
                  model, indicators, coalesce(sum_expr, ''), coalesce(floor_expr, ''));
END
$$;
COMMENT ON FUNCTION creditrisk.model_to_sql(text, text) IS
    'The model as one plain SQL expression over an indicator array (named by the second argument), for audit and for systems without creditrisk';

-- §3, §6 Dates and amounts of the register and the records: finite, and not
-- in the future when entered (a trigger, not a CHECK that restores re-run).
-- A 1.3 database holding NaN or infinities stops here with the name of the
-- CHECK it violates: correct those rows, then update again.
ALTER TABLE creditrisk.enterprise DROP CONSTRAINT enterprise_established_not_future;
ALTER TABLE creditrisk.licence DROP CONSTRAINT licence_revoked_not_future;
ALTER TABLE creditrisk.penalty DROP CONSTRAINT penalty_decision_not_future;
ALTER TABLE creditrisk.spot_check DROP CONSTRAINT spot_check_not_future;
ALTER TABLE creditrisk.complaint DROP CONSTRAINT complaint_not_future;
ALTER TABLE creditrisk.abnormal_listing DROP CONSTRAINT abnormal_listing_not_future, DROP CONSTRAINT abnormal_listing_removed_not_future;
ALTER TABLE creditrisk.serious_dishonesty_listing DROP CONSTRAINT serious_dishonesty_not_future, DROP CONSTRAINT serious_dishonesty_removed_not_future;
ALTER TABLE creditrisk.judgment_debtor_listing DROP CONSTRAINT judgment_debtor_not_future, DROP CONSTRAINT judgment_debtor_removed_not_future;
ALTER TABLE creditrisk.annual_report DROP CONSTRAINT annual_report_filed_not_future;
ALTER TABLE creditrisk.registration_change DROP CONSTRAINT registration_change_not_future;
ALTER TABLE creditrisk.equity_pledge_freeze DROP CONSTRAINT equity_start_not_future;
ALTER TABLE creditrisk.lawsuit DROP CONSTRAINT lawsuit_not_future;
ALTER TABLE creditrisk.public_opinion DROP CONSTRAINT public_opinion_not_future;
ALTER TABLE creditrisk.domain_risk_class DROP CONSTRAINT domain_risk_class_not_future;

CREATE FUNCTION creditrisk.dates_not_future() RETURNS trigger
    AS 'MODULE_PATHNAME', 'dates_not_future' LANGUAGE C;
COMMENT ON FUNCTION creditrisk.dates_not_future() IS
    'Trigger: the dates named as arguments are not after current_date when a record becomes known or is changed (rows restored or imported with their own recorded_at are not compared with the clock)';

DO $triggers$
DECLARE
    c record;
BEGIN
    FOR c IN
        SELECT t, cols
          FROM (VALUES ('enterprise', ARRAY['established_date']), ('licence', ARRAY['revoked_date']),
                       ('penalty', ARRAY['decision_date']), ('spot_check', ARRAY['check_date']),
                       ('complaint', ARRAY['received_date']), ('abnormal_listing', ARRAY['listed_date', 'removed_date']),
                       ('serious_dishonesty_listing', ARRAY['listed_date', 'removed_date']),
                       ('judgment_debtor_listing', ARRAY['listed_date', 'removed_date']),
                       ('annual_report', ARRAY['filed_on']), ('registration_change', ARRAY['change_date']),
                       ('equity_pledge_freeze', ARRAY['start_date']), ('lawsuit', ARRAY['filed_date']),
                       ('public_opinion', ARRAY['published_date']), ('domain_risk_class', ARRAY['assessed_date'])) v(t, cols)
    LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE ON creditrisk.%I FOR EACH ROW '
                       'EXECUTE FUNCTION creditrisk.dates_not_future(%s)',
                       'dates_not_future', c.t,
                       (SELECT string_agg(quote_literal(x), ', ') FROM unnest(c.cols) x));
    END LOOP;
END
$triggers$;

DO $finite$
DECLARE
    c record;
BEGIN
    FOR c IN
        SELECT t, col, kind
          FROM (VALUES ('enterprise', 'established_date', 'date'), ('enterprise', 'status_date', 'date'),
                       ('enterprise', 'registered_capital', 'numeric'), ('enterprise', 'paid_in_capital', 'numeric'),
                       ('enterprise', 'received_at', 'date'),
                       ('licence', 'valid_from', 'date'), ('licence', 'valid_to', 'date'),
                       ('licence', 'revoked_date', 'date'), ('licence', 'received_at', 'date'),
                       ('penalty', 'decision_date', 'date'), ('penalty', 'fine_amount', 'numeric'),
                       ('penalty', 'publicity_end_date', 'date'), ('penalty', 'received_at', 'date'),
                       ('spot_check', 'check_date', 'date'), ('spot_check', 'received_at', 'date'),
                       ('complaint', 'received_date', 'date'), ('complaint', 'received_at', 'date'),
                       ('abnormal_listing', 'listed_date', 'date'), ('abnormal_listing', 'removed_date', 'date'),
                       ('abnormal_listing', 'received_at', 'date'),
                       ('serious_dishonesty_listing', 'listed_date', 'date'),
                       ('serious_dishonesty_listing', 'removed_date', 'date'),
                       ('serious_dishonesty_listing', 'received_at', 'date'),
                       ('judgment_debtor_listing', 'listed_date', 'date'),
                       ('judgment_debtor_listing', 'removed_date', 'date'),
                       ('judgment_debtor_listing', 'received_at', 'date'),
                       ('annual_report', 'filed_on', 'date'), ('annual_report', 'received_at', 'date'),
                       ('registration_change', 'change_date', 'date'), ('registration_change', 'received_at', 'date'),
                       ('related_party_link', 'valid_from', 'date'), ('related_party_link', 'valid_to', 'date'),
                       ('related_party_link', 'received_at', 'date'),
                       ('equity_pledge_freeze', 'start_date', 'date'), ('equity_pledge_freeze', 'end_date', 'date'),
                       ('equity_pledge_freeze', 'amount', 'numeric'), ('equity_pledge_freeze', 'received_at', 'date'),
                       ('lawsuit', 'filed_date', 'date'), ('lawsuit', 'received_at', 'date'),
                       ('public_opinion', 'published_date', 'date'), ('public_opinion', 'received_at', 'date'),
                       ('domain_risk_class', 'assessed_date', 'date'), ('domain_risk_class', 'received_at', 'date'),
                       ('indicator_value', 'as_of', 'date'), ('indicator_value', 'received_at', 'date')) v(t, col, kind)
    LOOP
        EXECUTE format('ALTER TABLE creditrisk.%I ADD CONSTRAINT %I CHECK (%s)', c.t, c.t || '_' || c.col || '_finite',
                       CASE c.kind WHEN 'date' THEN format('pg_catalog.isfinite(%I)', c.col)
                                   ELSE format('%I OPERATOR(pg_catalog.<>) ''NaN''::numeric', c.col) END);
    END LOOP;

END
$finite$;
REVOKE ALL ON FUNCTION creditrisk.dates_not_future() FROM PUBLIC;

-- §5 GB 32100: letters in characters 2-8 are refused (the module); cleaning.
CREATE FUNCTION creditrisk.uscc_clean_text(text) RETURNS text
    AS 'MODULE_PATHNAME', 'uscc_clean_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1;
CREATE FUNCTION creditrisk.uscc_clean(text) RETURNS creditrisk.uscc
    AS 'MODULE_PATHNAME', 'uscc_clean' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1;

COMMENT ON FUNCTION creditrisk.uscc_in(pg_catalog.cstring) IS 'uscc text input: 18 characters, case-insensitive, check character verified';
COMMENT ON FUNCTION creditrisk.uscc_out(creditrisk.uscc) IS 'uscc text output: 18 upper-case characters';
COMMENT ON FUNCTION creditrisk.uscc_recv(pg_catalog.internal) IS 'uscc binary input: 18 ASCII characters, validated';
COMMENT ON FUNCTION creditrisk.uscc_send(creditrisk.uscc) IS 'uscc binary output: 18 ASCII characters';
COMMENT ON FUNCTION creditrisk.uscc_eq(creditrisk.uscc, creditrisk.uscc) IS 'implementation of = for uscc';
COMMENT ON FUNCTION creditrisk.uscc_ne(creditrisk.uscc, creditrisk.uscc) IS 'implementation of <> for uscc';
COMMENT ON FUNCTION creditrisk.uscc_lt(creditrisk.uscc, creditrisk.uscc) IS 'implementation of < for uscc';
COMMENT ON FUNCTION creditrisk.uscc_le(creditrisk.uscc, creditrisk.uscc) IS 'implementation of <= for uscc';
COMMENT ON FUNCTION creditrisk.uscc_gt(creditrisk.uscc, creditrisk.uscc) IS 'implementation of > for uscc';
COMMENT ON FUNCTION creditrisk.uscc_ge(creditrisk.uscc, creditrisk.uscc) IS 'implementation of >= for uscc';
COMMENT ON FUNCTION creditrisk.uscc_cmp(creditrisk.uscc, creditrisk.uscc) IS 'btree comparison of codes (text order)';
COMMENT ON FUNCTION creditrisk.uscc_sortsupport(pg_catalog.internal) IS 'btree sort support for uscc, with abbreviated keys';
COMMENT ON FUNCTION creditrisk.uscc_hash(creditrisk.uscc) IS 'hash of a code';
COMMENT ON FUNCTION creditrisk.uscc_hash_extended(creditrisk.uscc, bigint) IS 'seeded 64-bit hash of a code (hash partitioning)';
COMMENT ON FUNCTION creditrisk.uscc_clean_text(text) IS
    'A typed or pasted unified social credit code without spaces and hyphens, upper case, full-width characters made ASCII; not validated, never raises an error';
COMMENT ON FUNCTION creditrisk.uscc_clean(text) IS
    'A typed or pasted unified social credit code cleaned (uscc_clean_text) and validated: an error if still invalid, NULL for NULL';
REVOKE ALL ON FUNCTION creditrisk.uscc_clean_text(text), creditrisk.uscc_clean(text) FROM PUBLIC;

-- §5 Art. 12-15: the province's minimums bind every row, ratios in class
-- order; min_spot_check_ratio() reads the measures in force.
CREATE OR REPLACE FUNCTION creditrisk.measure_loosenings(province text DEFAULT NULL)
RETURNS TABLE (division_code text, class creditrisk.riskclass, effective_from date, measure text,
               local_value text, above_division text, above_from date, above_value text)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    WITH m AS (
        SELECT * FROM creditrisk.supervision_measure s
         WHERE measure_loosenings.province IS NULL OR left(s.division_code, 2) = left(measure_loosenings.province, 2)
    ), pairs AS (
        SELECT l.*, a.code AS above
          FROM m l
          CROSS JOIN LATERAL (VALUES (creditrisk.division_at(l.division_code, 'province')),
                                     (CASE WHEN creditrisk.division_level(l.division_code) = 'county'
                                           THEN creditrisk.division_at(l.division_code, 'city') END)) a(code)
         WHERE creditrisk.division_level(l.division_code) <> 'province' AND a.code IS NOT NULL
    ), compared AS (
        -- each local row against the level above in force on its date
        SELECT p.*, u.division_code AS u_division, u.effective_from AS u_from, u.min_spot_check_ratio AS u_ratio,
               u.proactive_onsite_inspection AS u_proactive, u.key_licensing_review AS u_review,
               u.key_supervision_target AS u_target
          FROM pairs p
          CROSS JOIN LATERAL (SELECT * FROM m u
                               WHERE u.division_code = p.above AND u.class = p.class AND u.effective_from <= p.effective_from
                               ORDER BY u.effective_from DESC LIMIT 1) u
        UNION ALL
        -- every row, the province's own included, against the minimums of art. 12-15
        SELECT l.*, NULL, f.division_code, f.effective_from, f.min_spot_check_ratio,
               f.proactive_onsite_inspection, f.key_licensing_review, f.key_supervision_target
          FROM m l
          JOIN creditrisk.supervision_measure f
            ON f.shipped AND f.class = l.class AND left(f.division_code, 2) = left(l.division_code, 2)
         WHERE NOT l.shipped
    ), order_points AS (
        SELECT DISTINCT d.division_code, t.effective_from
          FROM (SELECT DISTINCT m.division_code FROM m) d
         CROSS JOIN (SELECT DISTINCT m.effective_from FROM m) t
    ), in_force AS (
        SELECT o.division_code, o.effective_from, f.class, f.min_spot_check_ratio,
               lead(f.class) OVER w AS next_class, lead(f.min_spot_check_ratio) OVER w AS next_ratio
          FROM order_points o
         CROSS JOIN LATERAL creditrisk.measures_in_force(o.division_code::creditrisk.division_code, o.effective_from) f
        WINDOW w AS (PARTITION BY o.division_code, o.effective_from ORDER BY f.class)
    )
    SELECT * FROM (
        SELECT DISTINCT c.division_code::text, c.class, c.effective_from, x.measure, x.local_value, c.u_division::text,
               c.u_from, x.above_value
          FROM compared c
          CROSS JOIN LATERAL (VALUES
                ('min_spot_check_ratio', c.min_spot_check_ratio::text, c.u_ratio::text,
                 c.min_spot_check_ratio < c.u_ratio),
                ('proactive_onsite_inspection', c.proactive_onsite_inspection::text, c.u_proactive::text,
                 NOT c.proactive_onsite_inspection AND c.u_proactive),
                ('key_licensing_review', c.key_licensing_review::text, c.u_review::text,
                 NOT c.key_licensing_review AND c.u_review),
                ('key_supervision_target', c.key_supervision_target::text, c.u_target::text,
                 NOT c.key_supervision_target AND c.u_target)) x(measure, local_value, above_value, looser)
         WHERE x.looser
        UNION ALL
        SELECT i.division_code, i.class, i.effective_from,
               format('min_spot_check_ratio above class %s''s', i.next_class), i.min_spot_check_ratio::text,
               i.division_code, i.effective_from, i.next_ratio::text
          FROM in_force i
         WHERE i.min_spot_check_ratio > i.next_ratio
    ) r
     ORDER BY 1, 2, 3, 4, 6
$$;
COMMENT ON FUNCTION creditrisk.measure_loosenings(text) IS
    'Supervision measures (监管措施) that loosen the rules: any row looser than the province''s art. 12-15 minimums (the shipped provincial rows), city and county rows looser than the level above in force on their date, and ratios in force out of class order A <= B <= C <= D (must be empty; the deferred constraint trigger on supervision_measure enforces it)';

CREATE OR REPLACE FUNCTION creditrisk.supervision_measure_no_loosening() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    v record;
BEGIN
    SELECT * INTO v FROM creditrisk.measure_loosenings(CASE WHEN TG_OP = 'DELETE' THEN OLD.division_code ELSE NEW.division_code END)
     LIMIT 1;
    IF FOUND AND v.measure LIKE 'min_spot_check_ratio above class %' THEN
        RAISE EXCEPTION 'spot-check ratios in force in % from % are out of class order', v.division_code, v.effective_from
            USING ERRCODE = 'check_violation',
                  DETAIL = format('Class %s has %s, %s.', v.class, v.local_value,
                                  replace(v.measure, 'min_spot_check_ratio', 'above') || ' ' || v.above_value),
                  HINT = 'Ratios in force must keep the order A <= B <= C <= D (art. 12-15); raise the riskier classes in the same transaction.';
    ELSIF FOUND THEN
        RAISE EXCEPTION 'measure for class % in % from % is looser than in % (%)',
                        v.class, v.division_code, v.effective_from, v.above_division, v.measure
            USING ERRCODE = 'check_violation',
                  DETAIL = format('%s is %s in %s but %s in %s from %s.', v.measure, v.local_value, v.division_code,
                                  v.above_value, v.above_division, v.above_from),
                  HINT = 'No row, provincial ones included, may go below the minimums of art. 12-15 (1/3/10/20 %, key licensing review for C, key supervision for D), and ratios in force keep the order A <= B <= C <= D; local bureaus may add measures or be stricter (art. 5); leave a column NULL to take the value from the level above.';
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION creditrisk.supervision_measure_no_loosening() IS
    'Constraint trigger (deferred to commit): no city or county measure (地方监管措施) is looser than the level above';

DROP FUNCTION creditrisk.min_spot_check_ratio(creditrisk.riskclass);
CREATE FUNCTION creditrisk.min_spot_check_ratio(class creditrisk.riskclass,
                                                division_code creditrisk.division_code DEFAULT '410000',
                                                as_of date DEFAULT CURRENT_DATE) RETURNS numeric
    LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp
    AS $$ SELECT f.min_spot_check_ratio FROM creditrisk.measures_in_force(division_code, as_of) f WHERE f.class = min_spot_check_ratio.class $$;
COMMENT ON FUNCTION creditrisk.min_spot_check_ratio(creditrisk.riskclass, creditrisk.division_code, date) IS
    'Minimum random spot-check ratio (双随机抽查比例) of a class in force for a division (default the province, 410000) on a date (default today), from creditrisk.supervision_measure (art. 12-15: at least A 0.01, B 0.03, C 0.10, D 0.20)';
REVOKE ALL ON FUNCTION creditrisk.min_spot_check_ratio(creditrisk.riskclass, creditrisk.division_code, date) FROM PUBLIC;

-- §5 Art. 10 (3): a NULL class is an exception (before the history of
-- high_concern_industry is created, which copies the column).
ALTER TABLE creditrisk.high_concern_industry ALTER COLUMN class DROP NOT NULL;
COMMENT ON COLUMN creditrisk.high_concern_industry.industry_prefix IS 'GB/T 4754-2017 code or prefix: section (C), division (C26), group (C267) or class (C2672); among the prefixes in force that an enterprise''s industry starts with, the most specific (longest) applies';
COMMENT ON COLUMN creditrisk.high_concern_industry.class IS 'C or D; NULL = an exception: the industry is not of high concern, although a shorter prefix is (e.g. C27 C with C2770 NULL)';

-- Stored SQL and its author (§1): the C checks and run-as-author engine
-- (src/stored_sql.c).  SQL written before 1.4 has no known author (owner
-- NULL): runs refuse it until a role that reviewed it adopts it.

-- The catalogue: "computed in C" (builtin) and "shipped with the extension"
-- (shipped) are separate; what 1.3 installed is reference-v1's entries, and
-- only those may be builtin (a flipped flag is undone here).
ALTER TABLE creditrisk.indicator ADD COLUMN shipped boolean NOT NULL DEFAULT false;
UPDATE creditrisk.indicator SET shipped = true
 WHERE code IN (SELECT code FROM creditrisk.model_indicator WHERE model_key = 'reference-v1');
UPDATE creditrisk.indicator SET builtin = false WHERE builtin AND NOT shipped;
ALTER TABLE creditrisk.indicator ADD CONSTRAINT indicator_builtin_shipped CHECK (shipped OR NOT builtin);
COMMENT ON COLUMN creditrisk.indicator.builtin IS 'Computed by the C engine (compute_indicators) rather than by its SQL definition; only entries shipped with the extension can be';
COMMENT ON COLUMN creditrisk.indicator.shipped IS 'Installed with the extension (not dumped: CREATE EXTENSION recreates it); frozen';
SELECT pg_catalog.pg_extension_config_dump('creditrisk.indicator', 'WHERE NOT shipped');

ALTER TABLE creditrisk.indicator ADD COLUMN owner regrole;
ALTER TABLE creditrisk.indicator ALTER COLUMN owner SET DEFAULT pg_catalog.to_regrole(pg_catalog.quote_ident(CURRENT_USER));
COMMENT ON COLUMN creditrisk.indicator.owner IS
    'Author of definition_sql (the role that wrote it), which it runs as; NULL for shipped entries (they run as the caller) and for SQL of unknown author (not run)';

CREATE FUNCTION creditrisk.stored_sql_check(kind text, code text, sql text) RETURNS void
    AS 'MODULE_PATHNAME', 'stored_sql_check' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED
    SET search_path = pg_catalog, creditrisk, pg_temp;
COMMENT ON FUNCTION creditrisk.stored_sql_check(text, text, text) IS
    'Refuses stored SQL (kind definition: one expression over e, the date $1 and the knowledge time $2; kind rule: one SELECT query over $1 and $2) that is not of its kind or does not compile, by parsing and analysing it without executing it';

-- The trigger (C, src/stored_sql.c) records the author of the SQL and
-- checks it: a new text is its writer's; naming another role as author
-- needs membership in it; shipped rows have none.
CREATE OR REPLACE FUNCTION creditrisk.indicator_definition_check() RETURNS trigger
    AS 'MODULE_PATHNAME', 'stored_sql_trigger' LANGUAGE C;
COMMENT ON FUNCTION creditrisk.indicator_definition_check() IS
    'Trigger: records the author of a catalogue entry''s SQL definition and refuses a definition that is not one expression compiling to a number (parsed and analysed, never executed)';
DROP TRIGGER indicator_definition_check ON creditrisk.indicator;
CREATE TRIGGER indicator_definition_check BEFORE INSERT OR UPDATE ON creditrisk.indicator
    FOR EACH ROW EXECUTE FUNCTION creditrisk.indicator_definition_check('definition', 'definition_sql');

ALTER TABLE creditrisk.override_rule ADD COLUMN owner regrole;
ALTER TABLE creditrisk.override_rule ALTER COLUMN owner SET DEFAULT pg_catalog.to_regrole(pg_catalog.quote_ident(CURRENT_USER));
COMMENT ON COLUMN creditrisk.override_rule.owner IS
    'Author of rule_sql (the role that wrote it), which it runs as; NULL for shipped rules (they run as the caller) and for SQL of unknown author (not run)';

CREATE OR REPLACE FUNCTION creditrisk.override_rule_check() RETURNS trigger
    AS 'MODULE_PATHNAME', 'stored_sql_trigger' LANGUAGE C;
COMMENT ON FUNCTION creditrisk.override_rule_check() IS
    'Trigger: records the author of an override rule (直接定性规则) and refuses SQL that is not one SELECT query compiling to columns uscc and class (parsed and analysed, never executed)';
DROP TRIGGER override_rule_check ON creditrisk.override_rule;
CREATE TRIGGER override_rule_check BEFORE INSERT OR UPDATE ON creditrisk.override_rule
    FOR EACH ROW EXECUTE FUNCTION creditrisk.override_rule_check('rule', 'rule_sql');

-- The enterprises a rule names on a date, the rule (as entered by the
-- knowledge time, if one is given) run as its author.
CREATE FUNCTION creditrisk.override_rule_matches(code text, as_of date, known_at timestamptz DEFAULT NULL)
RETURNS TABLE (uscc creditrisk.uscc, class creditrisk.riskclass, detail jsonb)
    AS 'MODULE_PATHNAME', 'override_rule_matches'
    LANGUAGE C VOLATILE PARALLEL RESTRICTED SET search_path = pg_catalog, creditrisk, pg_temp
    COST 1000 ROWS 1000;
COMMENT ON FUNCTION creditrisk.override_rule_matches(text, date, timestamptz) IS
    'The enterprises an override rule (直接定性规则) names on a date ($1) with what is known at known_at ($2; NULL: now, the rule as it is now), with the class it imposes and the rule''s further columns as detail; the rule runs as its author (a shipped rule as the caller), who must be the caller or a role whose privileges the caller has';
CREATE FUNCTION creditrisk.override_rule_run_as(code text, known_at timestamptz DEFAULT NULL) RETURNS regrole
    AS 'MODULE_PATHNAME', 'override_rule_run_as'
    LANGUAGE C STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, creditrisk, pg_temp;
COMMENT ON FUNCTION creditrisk.override_rule_run_as(text, timestamptz) IS
    'The role an override rule (as entered by known_at; NULL: now) runs as for the current role: its author, or the current role for a shipped rule; an error (42501) if the current role may not trust the author';

-- The reference catalogue entries, with their SQL definitions (installed
-- before this point), are frozen like the other shipped rows.
CREATE TRIGGER indicator_shipped BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.indicator
    FOR EACH ROW EXECUTE FUNCTION creditrisk.shipped_row_guard('shipped',
        'Add a catalogue entry of your own with another code.');

-- (The monthly run, which runs rules through override_rule_matches() after a
-- trust check, is recreated with the knowledge time in the section of §4.)


-- Published models (§2): sealed by content digest, published only by
-- model_publish(), revisions from the sequence only.
COMMENT ON COLUMN creditrisk.model.seal IS 'Row counts of the published content by table, and its sha256 digest (model_content_digest()); nothing can be added beyond the counts, and a model whose content is incomplete or differs from its digest cannot be scored';
COMMENT ON COLUMN creditrisk.model.revision IS 'Changes whenever the content changes, always to the next value of model_revision_seq (it cannot be set by hand); used to keep per-backend caches fresh';

CREATE OR REPLACE FUNCTION creditrisk.model_content_touch() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    key text;
BEGIN
    FOR key IN SELECT DISTINCT t.model_key FROM changed_rows t ORDER BY 1 LOOP
        UPDATE creditrisk.model m SET revision = m.revision WHERE m.model_key = key AND m.status = 'draft';
    END LOOP;
    RETURN NULL;
END
$$;

CREATE FUNCTION creditrisk.model_content_digest(model text) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, creditrisk, pg_temp SET extra_float_digits = 3 AS $$
    SELECT encode(sha256(convert_to(concat_ws(E'\n',
        'model_dimension', (SELECT string_agg(r, E'\n' ORDER BY r COLLATE "C") FROM (SELECT (to_jsonb(t) - 'model_key')::text AS r FROM creditrisk.model_dimension t WHERE t.model_key = model) x),
        'model_group', (SELECT string_agg(r, E'\n' ORDER BY r COLLATE "C") FROM (SELECT (to_jsonb(t) - 'model_key')::text AS r FROM creditrisk.model_group t WHERE t.model_key = model) x),
        'model_indicator', (SELECT string_agg(r, E'\n' ORDER BY r COLLATE "C") FROM (SELECT (to_jsonb(t) - 'model_key')::text AS r FROM creditrisk.model_indicator t WHERE t.model_key = model) x),
        'model_bin', (SELECT string_agg(r, E'\n' ORDER BY r COLLATE "C") FROM (SELECT (to_jsonb(t) - 'model_key')::text AS r FROM creditrisk.model_bin t WHERE t.model_key = model) x),
        'model_category', (SELECT string_agg(r, E'\n' ORDER BY r COLLATE "C") FROM (SELECT (to_jsonb(t) - 'model_key')::text AS r FROM creditrisk.model_category t WHERE t.model_key = model) x),
        'model_floor', (SELECT string_agg(r, E'\n' ORDER BY r COLLATE "C") FROM (SELECT (to_jsonb(t) - 'model_key')::text AS r FROM creditrisk.model_floor t WHERE t.model_key = model) x),
        'model_floor_condition', (SELECT string_agg(r, E'\n' ORDER BY r COLLATE "C") FROM (SELECT (to_jsonb(t) - 'model_key')::text AS r FROM creditrisk.model_floor_condition t WHERE t.model_key = model) x)
    ), 'UTF8')), 'hex')
$$;
COMMENT ON FUNCTION creditrisk.model_content_digest(text) IS
    'sha256 (hex) of a model''s content: every row of its dimensions, groups, indicators, bins, categories, floors and floor conditions; sealed on publication and checked before a published model is scored';

-- The seal of a published model: row counts by table and the digest.
CREATE FUNCTION creditrisk.model_content_seal(model text) RETURNS jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT creditrisk.model_content_counts(model) || jsonb_build_object('sha256', creditrisk.model_content_digest(model))
$$;
COMMENT ON FUNCTION creditrisk.model_content_seal(text) IS
    'The seal of a model''s content: row counts by table (model_content_counts()) and sha256 (model_content_digest())';

CREATE OR REPLACE FUNCTION creditrisk.model_row_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    problems text;
    n bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'model "%" is % and cannot be deleted', OLD.model_key, OLD.status
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'Published models are kept so that every score they gave can be reproduced.',
                      HINT = format('Retire it instead: SELECT creditrisk.model_retire(%L).', OLD.model_key);
        END IF;
        RETURN OLD;
    END IF;

    IF TG_OP = 'INSERT' THEN
        -- A superuser's restore brings published models with their seal;
        -- anything else starts as a draft, at the next revision.
        IF NEW.status <> 'draft'
           AND (NEW.seal IS NULL
                OR NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user)) THEN
            RAISE EXCEPTION 'a new model must start as a draft'
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'Only creditrisk.model_publish() publishes (validating and sealing the model); rows that are published already come only from a superuser''s restore of a dump.',
                      HINT = 'Insert it as a draft, fill it in, then publish it with creditrisk.model_publish().';
        END IF;
        IF NEW.status = 'draft' OR NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) THEN
            NEW.revision := nextval('creditrisk.model_revision_seq');
        END IF;
        RETURN NEW;
    END IF;

    -- UPDATE
    IF NEW.revision IS DISTINCT FROM OLD.revision THEN
        RAISE EXCEPTION 'the revision of model "%" cannot be set', OLD.model_key
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Revisions come from creditrisk.model_revision_seq: every change of a model takes the next one, so that no cached compiled model is ever taken for another.',
                  HINT = 'Change the model''s content instead; its revision follows.';
    END IF;
    IF OLD.status <> 'draft' THEN
        IF NEW.status = 'retired' AND OLD.status = 'published'
           AND ROW(NEW.model_key, NEW.description, NEW.based_on, NEW.created_at, NEW.published_at, NEW.seal)
               IS NOT DISTINCT FROM ROW(OLD.model_key, OLD.description, OLD.based_on, OLD.created_at, OLD.published_at, OLD.seal)
        THEN
            NEW.revision := nextval('creditrisk.model_revision_seq');
            RETURN NEW;
        END IF;
        -- a new revision alone (content rows restored by pg_dump) is no change
        IF ROW(NEW.model_key, NEW.description, NEW.status, NEW.based_on, NEW.created_at,
               NEW.published_at, NEW.retired_at, NEW.seal)
           IS NOT DISTINCT FROM ROW(OLD.model_key, OLD.description, OLD.status, OLD.based_on, OLD.created_at,
                                    OLD.published_at, OLD.retired_at, OLD.seal) THEN
            RETURN NEW;
        END IF;
        IF NEW.status <> OLD.status THEN
            RAISE EXCEPTION 'model "%" cannot go from % to %', OLD.model_key, OLD.status, NEW.status
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = format('A model goes draft -> published -> retired. Copy it to change it: creditrisk.model_copy(%L, ''new-key'').', OLD.model_key);
        END IF;
        RAISE EXCEPTION 'model "%" is % and cannot be changed', OLD.model_key, OLD.status
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('Copy it to a new draft with creditrisk.model_copy(%L, ''new-key'') and change the copy.', OLD.model_key);
    END IF;

    IF NEW.status = 'published' THEN
        SELECT string_agg(v.object || ': ' || v.problem, E'\n'), count(*) INTO problems, n
          FROM creditrisk.model_validate(OLD.model_key) v;
        IF n > 0 THEN
            RAISE EXCEPTION 'model "%" cannot be published: % problem%', OLD.model_key, n, CASE WHEN n > 1 THEN 's' ELSE '' END
                USING ERRCODE = 'invalid_object_definition',
                      DETAIL = problems,
                      HINT = format('SELECT * FROM creditrisk.model_validate(%L) lists the problems.', OLD.model_key);
        END IF;
        NEW.published_at := now();
        NEW.seal := creditrisk.model_content_seal(OLD.model_key);
    ELSIF NEW.status = 'retired' THEN
        RAISE EXCEPTION 'model "%" is a draft and cannot be retired', OLD.model_key
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Delete a draft you no longer need, or publish it first.';
    END IF;
    NEW.revision := nextval('creditrisk.model_revision_seq');
    RETURN NEW;
END
$$;


-- References within a model's content become triggers (pg_restore -j).
ALTER TABLE creditrisk.model_dimension DROP CONSTRAINT model_dimension_model_key_fkey;
ALTER TABLE creditrisk.model_group DROP CONSTRAINT model_group_model_key_dimension_code_fkey;
ALTER TABLE creditrisk.model_indicator DROP CONSTRAINT model_indicator_code_fkey;
ALTER TABLE creditrisk.model_indicator DROP CONSTRAINT model_indicator_model_key_group_code_fkey;
ALTER TABLE creditrisk.model_bin DROP CONSTRAINT model_bin_model_key_indicator_code_fkey;
ALTER TABLE creditrisk.model_category DROP CONSTRAINT model_category_model_key_indicator_code_fkey;
ALTER TABLE creditrisk.model_floor DROP CONSTRAINT model_floor_model_key_fkey;
ALTER TABLE creditrisk.model_floor_condition DROP CONSTRAINT model_floor_condition_model_key_floor_code_fkey;
ALTER TABLE creditrisk.model_floor_condition DROP CONSTRAINT model_floor_condition_model_key_indicator_code_fkey;
CREATE FUNCTION creditrisk.model_content_reference_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    mine text[] := string_to_array(TG_ARGV[1], ',');
    theirs text[] := string_to_array(TG_ARGV[2], ',');
    vals text[];
    cond text;
    found_it boolean;
    loaded boolean;
BEGIN
    SELECT array_agg(to_jsonb(NEW) ->> c ORDER BY n) INTO vals FROM unnest(mine) WITH ORDINALITY u(c, n);
    IF TG_OP = 'UPDATE' THEN
        IF vals IS NOT DISTINCT FROM (SELECT array_agg(to_jsonb(OLD) ->> c ORDER BY n) FROM unnest(mine) WITH ORDINALITY u(c, n)) THEN
            RETURN NEW;
        END IF;
    END IF;
    SELECT string_agg(format('t.%I = $1[%s]', c, n), ' AND ') INTO cond FROM unnest(theirs) WITH ORDINALITY u(c, n);
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM creditrisk.%I t WHERE %s), EXISTS (SELECT 1 FROM creditrisk.%I t WHERE %s)',
                   TG_ARGV[0], cond, TG_ARGV[0], TG_ARGV[3])
       INTO found_it, loaded USING vals;
    IF NOT found_it AND loaded THEN
        RAISE EXCEPTION 'insert or update on table "%" refers to a row of "%" that does not exist', TG_TABLE_NAME, TG_ARGV[0]
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('Key (%s)=(%s) is not present in table "%s".', replace(TG_ARGV[1], ',', ', '), array_to_string(vals, ', '), TG_ARGV[0]),
                  HINT = 'Add the row it refers to first.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION creditrisk.model_content_reference_check() IS
    'Trigger: a row of a model''s content must refer to an existing row of the level above (checked once that level has rows for the model; dangling rows are problems for model_validate())';

-- On the table referred to.  TG_ARGV: 0 the referring table, 1 its
-- columns, 2 this table's columns, 3 cascade (delete the referring rows)
-- or restrict (refuse while they exist).  A key that changes is refused
-- while rows refer to it.
CREATE FUNCTION creditrisk.model_content_reference_cascade() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    theirs text[] := string_to_array(TG_ARGV[1], ',');
    mine text[] := string_to_array(TG_ARGV[2], ',');
    vals text[];
    cond text;
    referred boolean;
BEGIN
    SELECT array_agg(to_jsonb(OLD) ->> c ORDER BY n) INTO vals FROM unnest(mine) WITH ORDINALITY u(c, n);
    IF TG_OP = 'UPDATE' THEN
        IF vals IS NOT DISTINCT FROM (SELECT array_agg(to_jsonb(NEW) ->> c ORDER BY n) FROM unnest(mine) WITH ORDINALITY u(c, n)) THEN
            RETURN NULL;
        END IF;
    END IF;
    SELECT string_agg(format('r.%I = $1[%s]', c, n), ' AND ') INTO cond FROM unnest(theirs) WITH ORDINALITY u(c, n);
    IF TG_OP = 'DELETE' AND TG_ARGV[3] = 'cascade' THEN
        EXECUTE format('DELETE FROM creditrisk.%I r WHERE %s', TG_ARGV[0], cond) USING vals;
        RETURN NULL;
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM creditrisk.%I r WHERE %s)', TG_ARGV[0], cond) INTO referred USING vals;
    IF referred THEN
        RAISE EXCEPTION 'update or delete on table "%" would leave rows of "%" referring to nothing', TG_TABLE_NAME, TG_ARGV[0]
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('Key (%s)=(%s) is still referenced from table "%s".', replace(TG_ARGV[2], ',', ', '), array_to_string(vals, ', '), TG_ARGV[0]),
                  HINT = 'Delete or change the rows that refer to it first.';
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION creditrisk.model_content_reference_cascade() IS
    'Trigger: deleting a row of a model''s content deletes the rows that refer to it; a catalogue entry or key still referred to cannot be deleted or changed';

DO $references$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM (VALUES
        ('model_dimension', 'model_dimension_model_key_ref', 'model', 'model_key', 'model_key', 'cascade',
         $c$t.model_key <> 'reference-v1'$c$),
        ('model_group', 'model_group_dimension_ref', 'model_dimension', 'model_key,dimension_code', 'model_key,code', 'cascade',
         $c$t.model_key = $1[1]$c$),
        ('model_indicator', 'model_indicator_code_ref', 'indicator', 'code', 'code', 'restrict', $c$NOT t.shipped$c$),
        ('model_indicator', 'model_indicator_group_ref', 'model_group', 'model_key,group_code', 'model_key,code', 'cascade',
         $c$t.model_key = $1[1]$c$),
        ('model_bin', 'model_bin_indicator_ref', 'model_indicator', 'model_key,indicator_code', 'model_key,code', 'cascade',
         $c$t.model_key = $1[1]$c$),
        ('model_category', 'model_category_indicator_ref', 'model_indicator', 'model_key,indicator_code', 'model_key,code', 'cascade',
         $c$t.model_key = $1[1]$c$),
        ('model_floor', 'model_floor_model_key_ref', 'model', 'model_key', 'model_key', 'cascade',
         $c$t.model_key <> 'reference-v1'$c$),
        ('model_floor_condition', 'model_floor_condition_floor_ref', 'model_floor', 'model_key,floor_code', 'model_key,code', 'cascade',
         $c$t.model_key = $1[1]$c$),
        ('model_floor_condition', 'model_floor_condition_indicator_ref', 'model_indicator', 'model_key,indicator_code', 'model_key,code', 'cascade',
         $c$t.model_key = $1[1]$c$))
        v(child, name, parent, child_cols, parent_cols, on_delete, loaded)
    LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE ON creditrisk.%I FOR EACH ROW
                        EXECUTE FUNCTION creditrisk.model_content_reference_check(%L, %L, %L, %L)',
                       r.name, r.child, r.parent, r.child_cols, r.parent_cols, r.loaded);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE OR DELETE ON creditrisk.%I FOR EACH ROW
                        EXECUTE FUNCTION creditrisk.model_content_reference_cascade(%L, %L, %L, %L)',
                       r.name, r.parent, r.child, r.child_cols, r.parent_cols, r.on_delete);
    END LOOP;
END
$references$;

CREATE OR REPLACE FUNCTION creditrisk.model_validate(model text)
RETURNS TABLE (object text, problem text)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    tolerance CONSTANT double precision := 1e-9;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM creditrisk.model m WHERE m.model_key = model) THEN
        PERFORM creditrisk.model_not_found(model);
    END IF;

    RETURN QUERY
    WITH dims AS (SELECT * FROM creditrisk.model_dimension d WHERE d.model_key = model),
         grps AS (SELECT * FROM creditrisk.model_group g WHERE g.model_key = model),
         inds AS (SELECT * FROM creditrisk.model_indicator i WHERE i.model_key = model),
         bins AS (SELECT b.*, lag(b.upper) OVER w AS prev_upper,
                         row_number() OVER w AS n, count(*) OVER (PARTITION BY b.indicator_code) AS total
                    FROM creditrisk.model_bin b WHERE b.model_key = model
                  WINDOW w AS (PARTITION BY b.indicator_code ORDER BY b.lower NULLS FIRST)),
         cats AS (SELECT * FROM creditrisk.model_category c WHERE c.model_key = model),
         problems(object, problem, ord) AS (
        -- the tree
        SELECT 'model ' || model, 'has no level-1 dimensions', 1
         WHERE NOT EXISTS (SELECT 1 FROM dims)
        UNION ALL
        SELECT 'model ' || model, format('level-1 weights sum to %s, not 1', trim_scale(round(sum(weight)::numeric, 9))), 2
          FROM dims HAVING count(*) > 0 AND abs(sum(weight) - 1) > tolerance
        UNION ALL
        SELECT 'dimension ' || d.code, 'has no level-2 groups', 3
          FROM dims d WHERE NOT EXISTS (SELECT 1 FROM grps g WHERE g.dimension_code = d.code)
        UNION ALL
        SELECT 'dimension ' || g.dimension_code, format('level-2 weights sum to %s, not 1', trim_scale(round(sum(g.weight)::numeric, 9))), 4
          FROM grps g GROUP BY g.dimension_code HAVING abs(sum(g.weight) - 1) > tolerance
        UNION ALL
        SELECT 'group ' || g.code, 'has no level-3 indicators', 5
          FROM grps g WHERE NOT EXISTS (SELECT 1 FROM inds i WHERE i.group_code = g.code)
        UNION ALL
        SELECT 'group ' || i.group_code, format('level-3 weights sum to %s, not 1', trim_scale(round(sum(i.weight)::numeric, 9))), 6
          FROM inds i GROUP BY i.group_code HAVING abs(sum(i.weight) - 1) > tolerance
        UNION ALL
        SELECT 'model ' || model, format('indicator positions are not 1..%s without gaps', count(*)), 7
          FROM inds HAVING count(*) > 0 AND max(position) <> count(*)
        -- the range, exactly (numeric): the highest contribution of every
        -- indicator together must not exceed 1000 (the lowest is never below
        -- 0: weights are positive and points lie in [0, 100])
        UNION ALL
        SELECT 'model ' || model,
               format('the highest possible score is %s, above 1000 (the weights multiply out to more than 1)', trim_scale(sum(x.top))), 8
          FROM (SELECT round(d.weight::numeric * g.weight::numeric * i.weight::numeric * 10
                             * GREATEST(i.missing_points, i.default_points, i.true_points, i.false_points,
                                        (SELECT max(b.points) FROM bins b WHERE b.indicator_code = i.code),
                                        (SELECT max(c.points) FROM cats c WHERE c.indicator_code = i.code))::numeric,
                             12) AS top
                  FROM inds i
                  JOIN grps g ON g.code = i.group_code
                  JOIN dims d ON d.code = g.dimension_code) x
        HAVING sum(x.top) > 1000
        -- scoring rules
        UNION ALL
        SELECT 'indicator ' || i.code, 'bins rule has no bins', 10
          FROM inds i WHERE i.rule = 'bins' AND NOT EXISTS (SELECT 1 FROM bins b WHERE b.indicator_code = i.code)
        UNION ALL
        SELECT 'indicator ' || b.indicator_code, 'first bin must start at -infinity (lower NULL)', 11
          FROM bins b WHERE b.n = 1 AND b.lower IS NOT NULL
        UNION ALL
        SELECT 'indicator ' || b.indicator_code, 'last bin must end at +infinity (upper NULL)', 12
          FROM bins b WHERE b.n = b.total AND b.upper IS NOT NULL
        UNION ALL
        SELECT 'indicator ' || b.indicator_code,
               format('bin [%s, %s) is empty or reversed', coalesce(b.lower::text, '-inf'), coalesce(b.upper::text, '+inf')), 13
          FROM bins b WHERE b.lower >= b.upper
        UNION ALL
        SELECT 'indicator ' || b.indicator_code,
               CASE WHEN b.prev_upper IS NULL THEN format('bin starting at %s overlaps the bin that extends to +infinity', b.lower)
                    WHEN b.lower > b.prev_upper THEN format('gap between %s and %s is not covered by any bin', b.prev_upper, b.lower)
                    ELSE format('bins overlap between %s and %s', b.lower, b.prev_upper) END, 14
          FROM bins b WHERE b.n > 1 AND b.lower IS DISTINCT FROM b.prev_upper
        UNION ALL
        SELECT 'indicator ' || i.code, 'categories rule has no categories', 15
          FROM inds i WHERE i.rule = 'categories' AND NOT EXISTS (SELECT 1 FROM cats c WHERE c.indicator_code = i.code)
        UNION ALL
        SELECT 'indicator ' || i.code, 'categories rule has no default points (for values not listed)', 16
          FROM inds i WHERE i.rule = 'categories' AND i.default_points IS NULL
        UNION ALL
        SELECT 'indicator ' || i.code, 'boolean rule needs both true_points and false_points', 17
          FROM inds i WHERE i.rule = 'boolean' AND (i.true_points IS NULL OR i.false_points IS NULL)
        UNION ALL
        SELECT 'indicator ' || i.code, format('%s rule must not have bins', i.rule), 18
          FROM inds i WHERE i.rule <> 'bins' AND EXISTS (SELECT 1 FROM bins b WHERE b.indicator_code = i.code)
        UNION ALL
        SELECT 'indicator ' || i.code, format('%s rule must not have categories', i.rule), 19
          FROM inds i WHERE i.rule <> 'categories' AND EXISTS (SELECT 1 FROM cats c WHERE c.indicator_code = i.code)
        -- floors
        UNION ALL
        SELECT 'floor ' || f.code, 'has no conditions', 20
          FROM creditrisk.model_floor f
         WHERE f.model_key = model
           AND NOT EXISTS (SELECT 1 FROM creditrisk.model_floor_condition c
                            WHERE c.model_key = model AND c.floor_code = f.code)
        -- dangling references (rows written while the level above had none)
        UNION ALL
        SELECT 'group ' || g.code, format('belongs to dimension %s, which does not exist', g.dimension_code), 21
          FROM grps g WHERE NOT EXISTS (SELECT 1 FROM dims d WHERE d.code = g.dimension_code)
        UNION ALL
        SELECT 'indicator ' || i.code, format('belongs to group %s, which does not exist', i.group_code), 22
          FROM inds i WHERE NOT EXISTS (SELECT 1 FROM grps g WHERE g.code = i.group_code)
        UNION ALL
        SELECT 'indicator ' || i.code, 'is not in the indicator catalogue (creditrisk.indicator)', 23
          FROM inds i WHERE NOT EXISTS (SELECT 1 FROM creditrisk.indicator c WHERE c.code = i.code)
        UNION ALL
        SELECT 'indicator ' || x.indicator_code, 'has bins or categories but is not an indicator of the model', 24
          FROM (SELECT b.indicator_code FROM bins b UNION SELECT c.indicator_code FROM cats c) x
         WHERE NOT EXISTS (SELECT 1 FROM inds i WHERE i.code = x.indicator_code)
        UNION ALL
        SELECT 'floor ' || c.floor_code, format('has a condition on %s, which is not an indicator of the model', c.indicator_code), 25
          FROM creditrisk.model_floor_condition c
         WHERE c.model_key = model AND NOT EXISTS (SELECT 1 FROM inds i WHERE i.code = c.indicator_code)
        UNION ALL
        SELECT 'floor ' || c.floor_code, 'has conditions but does not exist', 26
          FROM (SELECT DISTINCT c.floor_code FROM creditrisk.model_floor_condition c WHERE c.model_key = model) c
         WHERE NOT EXISTS (SELECT 1 FROM creditrisk.model_floor f WHERE f.model_key = model AND f.code = c.floor_code)
    )
    SELECT p.object, p.problem FROM problems p ORDER BY p.ord, p.object, p.problem;
END
$$;


-- Seal the published models of 1.3 (complete ones) with their digest.
ALTER TABLE creditrisk.model DISABLE TRIGGER model_row_guard;
UPDATE creditrisk.model m SET seal = creditrisk.model_content_seal(m.model_key)
 WHERE m.status <> 'draft' AND m.seal = creditrisk.model_content_counts(m.model_key);
ALTER TABLE creditrisk.model ENABLE TRIGGER model_row_guard;

REVOKE ALL ON FUNCTION creditrisk.stored_sql_check(text, text, text),
                       creditrisk.override_rule_matches(text, date, timestamptz), creditrisk.override_rule_run_as(text, timestamptz),
                       creditrisk.model_content_digest(text), creditrisk.model_content_seal(text),
                       creditrisk.model_content_reference_check(), creditrisk.model_content_reference_cascade()
    FROM PUBLIC;

-- ===========================================================================
-- Integrity: one snapshot per run, bitemporal records and register (issue 11 §4)
-- ===========================================================================

-- Knowledge time (extension/knowledge.sql): the arrival trigger, the run
-- fence and the installer helper.
CREATE FUNCTION creditrisk.record_arrival() RETURNS trigger
AS 'MODULE_PATHNAME', 'record_arrival' LANGUAGE C;
COMMENT ON FUNCTION creditrisk.record_arrival() IS
    'Trigger: stamps recorded_at (到达时间, when the row became known; only the table owner may give it, for a restore or an imported history), takes the writers'' side of the run fence, and keeps superseded versions in <table>_history (written as the table owner)';

CREATE FUNCTION creditrisk.knowledge_fence() RETURNS timestamptz
AS 'MODULE_PATHNAME', 'knowledge_fence' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION creditrisk.knowledge_fence() IS
    'For refresh_classification(): locks classification_run EXCLUSIVE (waits for writers of the register, records and configuration in progress, holds off new ones and other runs until the transaction ends) and returns the knowledge time T';

-- TRUNCATE forgets a table's history with it (a reload from scratch); it
-- needs TRUNCATE on the history table too (the owner has it).
CREATE FUNCTION creditrisk.history_truncate() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    EXECUTE format('TRUNCATE %I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME || '_history');
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION creditrisk.history_truncate() IS
    'Trigger: TRUNCATE of a table also empties its <table>_history (a reload from scratch keeps no stale versions)';

-- Installer helper (used by the install and upgrade scripts only): gives a
-- table its history table, its triggers and its as-known function.
CREATE FUNCTION creditrisk.keep_history(tab regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    name text;
    hist text;
    cols text;
BEGIN
    SELECT c.relname INTO name FROM pg_class c WHERE c.oid = tab;
    hist := name || '_history';
    SELECT string_agg(format('h.%I', a.attname), ', ' ORDER BY a.attnum) INTO cols
      FROM pg_attribute a WHERE a.attrelid = tab AND a.attnum > 0 AND NOT a.attisdropped;
    EXECUTE format('CREATE TABLE creditrisk.%I (LIKE creditrisk.%I, superseded_at timestamptz NOT NULL)', hist, name);
    IF EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = tab AND a.attname = 'uscc') THEN
        EXECUTE format('CREATE INDEX %I ON creditrisk.%I (uscc)', hist || '_uscc_idx', hist);
    END IF;
    EXECUTE format('COMMENT ON TABLE creditrisk.%I IS %L', hist,
                   format('Superseded versions of creditrisk.%s (历史版本), kept by the trigger record_history: each row was known from recorded_at until superseded_at (updated or deleted then); written only by the trigger', name));
    EXECUTE format('COMMENT ON COLUMN creditrisk.%I.superseded_at IS %L', hist, 'When this version stopped being the known one (the update or delete)');
    -- The branches of the UNION ALL carry no WHERE clause, so that the planner
    -- flattens it (an append relation) and a caller's join on uscc reaches
    -- both tables' indexes; the knowledge condition is applied above them.
    -- (A column added to the table later must be added to its history, at
    -- the same place.)
    EXECUTE format($f$CREATE FUNCTION creditrisk.%I(known_at timestamptz) RETURNS SETOF creditrisk.%I
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT %s
      FROM (SELECT x.*, NULL::timestamptz AS superseded_at FROM creditrisk.%I x
            UNION ALL
            SELECT h.* FROM creditrisk.%I h) h
     WHERE CASE WHEN known_at IS NULL THEN h.superseded_at IS NULL
                ELSE h.recorded_at <= known_at AND (h.superseded_at IS NULL OR h.superseded_at > known_at) END;
END$f$, name || '_as_known', name, cols, name, hist);
    EXECUTE format('COMMENT ON FUNCTION creditrisk.%I(timestamptz) IS %L', name || '_as_known',
                   format('creditrisk.%s as it was known at known_at (已知时点): the rows recorded by then, in the version known then; NULL = as known now', name));
    EXECUTE format('CREATE TRIGGER record_arrival BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.%I FOR EACH ROW EXECUTE FUNCTION creditrisk.record_arrival()', name);
    EXECUTE format('CREATE TRIGGER record_history AFTER UPDATE OR DELETE ON creditrisk.%I FOR EACH ROW EXECUTE FUNCTION creditrisk.record_arrival()', name);
    EXECUTE format('CREATE TRIGGER history_truncate AFTER TRUNCATE ON creditrisk.%I FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.history_truncate()', name);
    EXECUTE format('COMMENT ON COLUMN creditrisk.%I.recorded_at IS %L', name,
                   'Knowledge time: when this row (this version) became known to the database; set by the trigger record_arrival');
    PERFORM pg_catalog.pg_extension_config_dump(format('creditrisk.%I', hist)::regclass, '');
    EXECUTE format('REVOKE ALL ON TABLE creditrisk.%I FROM PUBLIC', hist);
    EXECUTE format('REVOKE ALL ON FUNCTION creditrisk.%I(timestamptz) FROM PUBLIC', name || '_as_known');
END
$$;
COMMENT ON FUNCTION creditrisk.keep_history(regclass) IS
    'Used by the install and upgrade scripts only: creates <table>_history, the triggers record_arrival, record_history and history_truncate and <table>_as_known(timestamptz) for a table of creditrisk';

REVOKE ALL ON FUNCTION creditrisk.record_arrival(), creditrisk.knowledge_fence(), creditrisk.history_truncate(),
                       creditrisk.keep_history(regclass) FROM PUBLIC;

-- The register: valid time and knowledge time.  Existing rows: valid since
-- always (1.3 kept no history) and known since they arrived (received_at,
-- never later than the upgrade).
ALTER TABLE creditrisk.enterprise
    ADD COLUMN valid_from date NOT NULL DEFAULT '-infinity'
        CONSTRAINT enterprise_valid_from_finite CHECK (valid_from < 'infinity'),
    ADD COLUMN recorded_at timestamptz;
UPDATE creditrisk.enterprise SET recorded_at = least(received_at, pg_catalog.now());
ALTER TABLE creditrisk.enterprise ALTER COLUMN recorded_at SET NOT NULL;
COMMENT ON COLUMN creditrisk.enterprise.valid_from IS
    'Valid time: the day from which this version of the register entry is true (a move, a change of industry); -infinity = always. An UPDATE that leaves it unchanged corrects the version; one that sets a later day records a change, and the earlier facts stay valid before it (creditrisk.enterprise_history)';
COMMENT ON COLUMN creditrisk.enterprise.recorded_at IS
    'Knowledge time: when this version became known to the database (set by the database, see creditrisk.record_arrival())';

-- Records: known since they arrived (received_at, never later than the upgrade).
DO $records$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['licence', 'penalty', 'spot_check', 'complaint', 'abnormal_listing',
                             'serious_dishonesty_listing', 'judgment_debtor_listing', 'annual_report',
                             'registration_change', 'related_party_link', 'equity_pledge_freeze', 'lawsuit',
                             'public_opinion', 'domain_risk_class', 'indicator_value']
    LOOP
        EXECUTE format('ALTER TABLE creditrisk.%I ADD COLUMN recorded_at timestamptz', t);
        EXECUTE format('UPDATE creditrisk.%I SET recorded_at = least(received_at, pg_catalog.now())', t);
        EXECUTE format('ALTER TABLE creditrisk.%I ALTER COLUMN recorded_at SET NOT NULL', t);
    END LOOP;
END
$records$;

CREATE TABLE creditrisk.enterprise_history (
    LIKE creditrisk.enterprise,
    valid_to      date,
    superseded_at timestamptz,
    CONSTRAINT enterprise_history_valid_period CHECK (valid_to > valid_from),
    CONSTRAINT enterprise_history_known_period CHECK (superseded_at >= recorded_at)
);
CREATE INDEX enterprise_history_uscc_idx ON creditrisk.enterprise_history (uscc);
COMMENT ON TABLE creditrisk.enterprise_history IS
    'Versions of the register (登记历史) other than the current one: each was valid from valid_from to valid_to (exclusive, NULL = open) and known from recorded_at to superseded_at (NULL = still known); written only by the trigger record_history';
COMMENT ON COLUMN creditrisk.enterprise_history.valid_to IS 'First day this version is no longer valid (NULL = open)';
COMMENT ON COLUMN creditrisk.enterprise_history.superseded_at IS 'When this version stopped being known (NULL = still known: a version of earlier validity)';

-- Called by the trigger record_history (as the table owner) when version o
-- is replaced by n (NULL: deleted) at t.
CREATE FUNCTION creditrisk.register_history_write(o creditrisk.enterprise, n creditrisk.enterprise, t timestamptz)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    IF n.uscc IS NOT NULL AND n.uscc <> o.uscc THEN
        RAISE EXCEPTION 'the USCC of an enterprise cannot change'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('%s would become %s.', o.uscc, n.uscc),
                  HINT = 'A USCC identifies the enterprise for life (GB 32100); register the other code as an enterprise of its own.';
    END IF;
    -- The replaced current version is no longer known from t.
    INSERT INTO creditrisk.enterprise_history
    SELECT (pg_catalog.jsonb_populate_record(NULL::creditrisk.enterprise_history,
                pg_catalog.to_jsonb(o) || pg_catalog.jsonb_build_object('superseded_at', t))).*;
    IF n IS NULL THEN
        -- Deleted: nothing of the enterprise is known any more.
        UPDATE creditrisk.enterprise_history h SET superseded_at = t WHERE h.uscc = o.uscc AND h.superseded_at IS NULL;
        RETURN;
    END IF;
    -- Known versions of earlier validity that the new one overlaps are no
    -- longer known as they were; what precedes the new version stays.
    WITH closed AS (
        UPDATE creditrisk.enterprise_history h SET superseded_at = t
         WHERE h.uscc = o.uscc AND h.superseded_at IS NULL AND (h.valid_to IS NULL OR h.valid_to > n.valid_from)
        RETURNING h.*
    )
    INSERT INTO creditrisk.enterprise_history
    SELECT (pg_catalog.jsonb_populate_record(NULL::creditrisk.enterprise_history,
                pg_catalog.to_jsonb(c) || pg_catalog.jsonb_build_object('recorded_at', t, 'valid_to', n.valid_from,
                                                                        'superseded_at', NULL))).*
      FROM closed c
     WHERE c.valid_from < n.valid_from;
    -- A change from a later day: the replaced facts stay valid before it.
    IF n.valid_from > o.valid_from THEN
        INSERT INTO creditrisk.enterprise_history
        SELECT (pg_catalog.jsonb_populate_record(NULL::creditrisk.enterprise_history,
                    pg_catalog.to_jsonb(o) || pg_catalog.jsonb_build_object('recorded_at', t, 'valid_to', n.valid_from))).*;
    END IF;
END
$$;
COMMENT ON FUNCTION creditrisk.register_history_write(creditrisk.enterprise, creditrisk.enterprise, timestamptz) IS
    'Called by the trigger record_history of creditrisk.enterprise: keeps the replaced version of a register entry (登记历史) and splits the known versions by valid time';

CREATE TRIGGER record_arrival BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.enterprise
    FOR EACH ROW EXECUTE FUNCTION creditrisk.record_arrival();
CREATE TRIGGER record_history AFTER UPDATE OR DELETE ON creditrisk.enterprise
    FOR EACH ROW EXECUTE FUNCTION creditrisk.record_arrival();
CREATE TRIGGER history_truncate AFTER TRUNCATE ON creditrisk.enterprise
    FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.history_truncate();

-- The register as it was on a date, as known at a moment.
-- (The branches of the UNION ALL carry no WHERE clause, so that the planner
-- flattens it and a join on uscc reaches both tables' indexes.)
CREATE FUNCTION creditrisk.register_at(as_of date, known_at timestamptz DEFAULT NULL)
RETURNS SETOF creditrisk.enterprise
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT h.uscc, h.name, h.division_code, h.industry_code, h.entity_type, h.established_date, h.registered_capital,
           h.paid_in_capital, h.status, h.status_date, h.parent_uscc, h.reported_by, h.received_at, h.valid_from,
           h.recorded_at
      FROM (SELECT e.*, NULL::date AS valid_to, NULL::timestamptz AS superseded_at FROM creditrisk.enterprise e
            UNION ALL
            SELECT h.* FROM creditrisk.enterprise_history h) h
     WHERE h.valid_from <= as_of AND (h.valid_to IS NULL OR h.valid_to > as_of)
       AND CASE WHEN known_at IS NULL THEN h.superseded_at IS NULL
                ELSE h.recorded_at <= known_at AND (h.superseded_at IS NULL OR h.superseded_at > known_at) END;
END;
COMMENT ON FUNCTION creditrisk.register_at(date, timestamptz) IS
    'The register (企业登记) as it was on as_of (valid time), as known at known_at (knowledge time; NULL = now): one version per enterprise, its division and industry of that day';

-- Each record table: <table>_history, its triggers, <table>_as_known(T).
DO $history$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['licence', 'penalty', 'spot_check', 'complaint', 'abnormal_listing',
                             'serious_dishonesty_listing', 'judgment_debtor_listing', 'annual_report',
                             'registration_change', 'related_party_link', 'equity_pledge_freeze', 'lawsuit',
                             'public_opinion', 'domain_risk_class', 'indicator_value']
    LOOP
        PERFORM creditrisk.keep_history(format('creditrisk.%I', t)::regclass);
    END LOOP;
END
$history$;

SELECT pg_catalog.pg_extension_config_dump('creditrisk.enterprise_history', '');
REVOKE ALL ON TABLE creditrisk.enterprise_history FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.register_history_write(creditrisk.enterprise, creditrisk.enterprise, timestamptz),
                       creditrisk.register_at(date, timestamptz) FROM PUBLIC;

-- Configuration: rows entered before 1.4 count as known since always (1.3
-- kept no entry times), so that re-running an earlier date finds them.
ALTER TABLE creditrisk.model_activation ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT '-infinity';
ALTER TABLE creditrisk.high_concern_industry ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT '-infinity';
ALTER TABLE creditrisk.override_rule ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT '-infinity';
ALTER TABLE creditrisk.fusion_rule ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT '-infinity';
ALTER TABLE creditrisk.fusion_matrix ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT '-infinity';
ALTER TABLE creditrisk.supervision_measure ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT '-infinity';
ALTER TABLE creditrisk.model_activation ALTER COLUMN recorded_at DROP DEFAULT;
ALTER TABLE creditrisk.high_concern_industry ALTER COLUMN recorded_at DROP DEFAULT;
ALTER TABLE creditrisk.override_rule ALTER COLUMN recorded_at DROP DEFAULT;
ALTER TABLE creditrisk.fusion_rule ALTER COLUMN recorded_at DROP DEFAULT;
ALTER TABLE creditrisk.fusion_matrix ALTER COLUMN recorded_at DROP DEFAULT;
ALTER TABLE creditrisk.supervision_measure ALTER COLUMN recorded_at DROP DEFAULT;

-- Fusion rules and matrices get effective dates: existing ones apply from
-- always, as before.
ALTER TABLE creditrisk.fusion_matrix DROP CONSTRAINT fusion_matrix_domain_fkey;
ALTER TABLE creditrisk.fusion_rule ADD COLUMN effective_from date NOT NULL DEFAULT '-infinity',
    DROP CONSTRAINT fusion_rule_pkey, ADD CONSTRAINT fusion_rule_pkey PRIMARY KEY (domain, effective_from);
ALTER TABLE creditrisk.fusion_matrix ADD COLUMN effective_from date NOT NULL DEFAULT '-infinity',
    DROP CONSTRAINT fusion_matrix_pkey,
    ADD CONSTRAINT fusion_matrix_pkey PRIMARY KEY (domain, effective_from, general_class, professional_class),
    ADD CONSTRAINT fusion_matrix_domain_effective_from_fkey FOREIGN KEY (domain, effective_from)
        REFERENCES creditrisk.fusion_rule ON DELETE CASCADE ON UPDATE CASCADE;
COMMENT ON TABLE creditrisk.fusion_rule IS
    'How the general class (通用) and a domain''s professional class (专业) are fused, per domain and from a date (art. 16): on a classification date the version with the latest effective_from on or before it applies; riskier = the riskier of the two (also the rule for any domain without a version in force), matrix = creditrisk.fusion_matrix of that version';
COMMENT ON COLUMN creditrisk.fusion_rule.effective_from IS 'First classification date this version applies to (-infinity = always)';
COMMENT ON TABLE creditrisk.fusion_matrix IS
    'Fusion matrix of a version of a domain''s rule (domain, effective_from) whose method is matrix: the fused class for each (general, professional) pair; all 16 cells are required';
COMMENT ON COLUMN creditrisk.fusion_matrix.effective_from IS 'The version of the domain''s rule (creditrisk.fusion_rule) the cell belongs to';
CREATE OR REPLACE FUNCTION creditrisk.fusion_matrix_complete() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    d text := CASE WHEN TG_OP = 'DELETE' THEN OLD.domain ELSE NEW.domain END;
    f date := CASE WHEN TG_OP = 'DELETE' THEN OLD.effective_from ELSE NEW.effective_from END;
    missing text;
BEGIN
    IF EXISTS (SELECT 1 FROM creditrisk.fusion_rule r WHERE r.domain = d AND r.effective_from = f AND r.method = 'matrix') THEN
        SELECT string_agg(format('(%s, %s)', g, p), ', ' ORDER BY g, p) INTO missing
          FROM unnest('{A,B,C,D}'::creditrisk.riskclass[]) g, unnest('{A,B,C,D}'::creditrisk.riskclass[]) p
         WHERE NOT EXISTS (SELECT 1 FROM creditrisk.fusion_matrix m
                            WHERE m.domain = d AND m.effective_from = f AND m.general_class = g AND m.professional_class = p);
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION 'fusion matrix of domain "%" is incomplete', d || CASE WHEN f > '-infinity' THEN format(' from %s', f) ELSE '' END
                USING ERRCODE = 'check_violation',
                      DETAIL = format('Missing (general, professional) cells: %s.', missing),
                      HINT = 'A matrix needs all 16 cells; insert them in the same transaction as the rule, or set the method to riskier.';
        END IF;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION creditrisk.fusion_matrix_complete() IS
    'Constraint trigger (deferred to commit): a domain fused by matrix (融合矩阵) has all 16 cells (when cells change or the method becomes matrix)';

SELECT creditrisk.keep_history('creditrisk.model_activation');
SELECT creditrisk.keep_history('creditrisk.high_concern_industry');
SELECT creditrisk.keep_history('creditrisk.fusion_rule');
SELECT creditrisk.keep_history('creditrisk.fusion_matrix');
SELECT creditrisk.keep_history('creditrisk.supervision_measure');

-- Override rules get the knowledge time as $2; the shipped rules read the
-- records and the register as known then.
COMMENT ON COLUMN creditrisk.override_rule.rule_sql IS
    'A query over the classification date $1 (date) and the knowledge time $2 (timestamptz) returning columns uscc and class (the class imposed, C or D usually); any further columns are recorded as the override''s detail (jsonb). Rows with a NULL class are ignored. Read records and the register as known at $2 (creditrisk.<table>_as_known($2), creditrisk.register_at($1, $2)) so that a re-run reproduces the run';
ALTER TABLE creditrisk.override_rule DISABLE TRIGGER override_rule_shipped;
UPDATE creditrisk.override_rule SET rule_sql = $rule$SELECT l.uscc, 'D' AS class, min(l.listed_date) AS listed_date
  FROM creditrisk.serious_dishonesty_listing_as_known($2) l
 WHERE creditrisk.is_current(l.listed_date, l.removed_date, $1)
 GROUP BY l.uscc$rule$
 WHERE code = 'serious_dishonesty' AND shipped;
UPDATE creditrisk.override_rule SET rule_sql = $rule$SELECT l.uscc, 'D' AS class, min(l.listed_date) AS listed_date
  FROM creditrisk.judgment_debtor_listing_as_known($2) l
 WHERE creditrisk.is_current(l.listed_date, l.removed_date, $1)
 GROUP BY l.uscc$rule$
 WHERE code = 'judgment_debtor' AND shipped;
UPDATE creditrisk.override_rule SET rule_sql = $rule$SELECT DISTINCT ON (e.uscc) e.uscc, h.class, h.industry_prefix
  FROM creditrisk.register_at($1, $2) e
  JOIN creditrisk.high_concern_industry_as_known($2) h
    ON h.industry_prefix IN (left(e.industry_code, 1), left(e.industry_code, 3),
                             left(e.industry_code, 4), left(e.industry_code, 5))
 WHERE NOT h.example AND h.effective_from <= $1 AND (h.effective_to IS NULL OR h.effective_to >= $1)
 ORDER BY e.uscc, h.class DESC, length(h.industry_prefix) DESC$rule$
 WHERE code = 'high_concern_industry' AND shipped;
ALTER TABLE creditrisk.override_rule ENABLE TRIGGER override_rule_shipped;

SELECT creditrisk.keep_history('creditrisk.override_rule');

-- Functions whose signature changes are dropped and created again; the
-- EXECUTE and SELECT grants users gave on them (and on the views recreated
-- below) are given again at the end of this section.
SELECT pg_catalog.set_config('creditrisk_upgrade.grants', coalesce(jsonb_agg(g)::text, '[]'), true)
  FROM (SELECT 'FUNCTION' AS kind, p.proname AS name, a.privilege_type AS privilege, a.grantee::regrole::text AS grantee
          FROM pg_proc p CROSS JOIN LATERAL aclexplode(p.proacl) a
         WHERE p.pronamespace = 'creditrisk'::regnamespace
           AND p.proname IN ('refresh_classification', 'active_model', 'run_pair', 'compute_indicators')
           AND a.grantee <> p.proowner AND a.grantee <> 0
        UNION ALL
        SELECT 'TABLE', c.relname, a.privilege_type, a.grantee::regrole::text
          FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
         WHERE c.relnamespace = 'creditrisk'::regnamespace
           AND c.relname IN ('classification_current', 'classification_domain_current', 'enterprise_measures')
           AND a.grantee <> c.relowner AND a.grantee <> 0) g;

-- The history of runs: versions and knowledge time.  A date's surviving run
-- keeps its attempt number as its version; its knowledge time is taken to be
-- its start (what 1.3 read was what was there when it started).
ALTER TABLE creditrisk.classification_run RENAME COLUMN attempt TO version;
ALTER TABLE creditrisk.classification_run ALTER COLUMN version DROP DEFAULT,
    ADD CONSTRAINT classification_run_version_positive CHECK (version > 0),
    ADD COLUMN known_at timestamptz;
UPDATE creditrisk.classification_run SET known_at = started_at;
ALTER TABLE creditrisk.classification_run ALTER COLUMN known_at SET NOT NULL,
    DROP CONSTRAINT classification_run_pkey, ADD CONSTRAINT classification_run_pkey PRIMARY KEY (as_of, version);
ALTER TABLE creditrisk.classification_result ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE creditrisk.classification_domain_result ADD COLUMN version integer NOT NULL DEFAULT 1;
UPDATE creditrisk.classification_result r SET version = run.version
  FROM creditrisk.classification_run run WHERE run.as_of = r.as_of AND run.version > 1;
UPDATE creditrisk.classification_domain_result r SET version = run.version
  FROM creditrisk.classification_run run WHERE run.as_of = r.as_of AND run.version > 1;
ALTER TABLE creditrisk.classification_result ALTER COLUMN version DROP DEFAULT,
    DROP CONSTRAINT classification_result_pkey, ADD CONSTRAINT classification_result_pkey PRIMARY KEY (as_of, version, uscc);
ALTER TABLE creditrisk.classification_domain_result ALTER COLUMN version DROP DEFAULT,
    DROP CONSTRAINT classification_domain_result_pkey,
    ADD CONSTRAINT classification_domain_result_pkey PRIMARY KEY (as_of, version, uscc, domain);
COMMENT ON TABLE creditrisk.classification_run IS
    'Classification runs (分类批次): each version of each classification date, with its knowledge time, the model and its revision, who ran it, when, counts and stage timings; a re-run adds a version, earlier ones stay';
COMMENT ON COLUMN creditrisk.classification_run.version IS 'Version of the classification date: 1 for its first run, then 2, 3, ... (the current views show the latest)';
COMMENT ON COLUMN creditrisk.classification_run.known_at IS
    'Knowledge time T (已知时点) of the run: it used what was valid on as_of and known (recorded_at) by T; refresh_classification(as_of, model_key, known_at) reproduces it row for row';
COMMENT ON COLUMN creditrisk.classification_result.division_code IS 'The enterprise''s division on the run date, from the register version valid then (for division-scoped access)';
COMMENT ON COLUMN creditrisk.classification_result.version IS 'The version of the run (creditrisk.classification_run) the row belongs to';
COMMENT ON COLUMN creditrisk.classification_domain_result.version IS 'The version of the run (creditrisk.classification_run) the row belongs to';

CREATE OR REPLACE FUNCTION creditrisk.classification_run_delete() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    DELETE FROM creditrisk.classification_result r USING deleted_runs d WHERE r.as_of = d.as_of AND r.version = d.version;
    DELETE FROM creditrisk.classification_domain_result r USING deleted_runs d WHERE r.as_of = d.as_of AND r.version = d.version;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION creditrisk.classification_run_delete() IS
    'Trigger: deleting classification runs (分类批次) deletes their results';

-- The current views: the latest version of the latest date.
DROP VIEW creditrisk.enterprise_measures;
DROP MATERIALIZED VIEW creditrisk.classification_current;
DROP MATERIALIZED VIEW creditrisk.classification_domain_current;
CREATE MATERIALIZED VIEW creditrisk.classification_current AS
SELECT r.uscc, r.division_code, r.score, r.score_class, r.final_class, r.overrides, r.override_details, r.reasons
  FROM creditrisk.classification_result r
 WHERE (r.as_of, r.version) = (SELECT run.as_of, run.version FROM creditrisk.classification_run run
                                ORDER BY run.as_of DESC, run.version DESC LIMIT 1);
CREATE UNIQUE INDEX classification_current_uscc ON creditrisk.classification_current (uscc);
CREATE INDEX classification_current_division ON creditrisk.classification_current (division_code);
COMMENT ON MATERIALIZED VIEW creditrisk.classification_current IS
    'The classification of the latest run (最新分类结果: the latest version of the latest date), one row per enterprise; refreshed CONCURRENTLY by refresh_classification(), so reads never wait; the date, version and model are in creditrisk.classification_run';

CREATE MATERIALIZED VIEW creditrisk.classification_domain_current AS
SELECT r.uscc, r.domain, r.division_code, r.general_class, r.professional_class, r.assessed_date, r.method, r.fused_class
  FROM creditrisk.classification_domain_result r
 WHERE (r.as_of, r.version) = (SELECT run.as_of, run.version FROM creditrisk.classification_run run
                                ORDER BY run.as_of DESC, run.version DESC LIMIT 1);
CREATE UNIQUE INDEX classification_domain_current_key ON creditrisk.classification_domain_current (uscc, domain);
COMMENT ON MATERIALIZED VIEW creditrisk.classification_domain_current IS
    'Each enterprise''s class in each domain it belongs to (通用+专业融合, art. 16), latest run; refreshed CONCURRENTLY with classification_current';

CREATE VIEW creditrisk.enterprise_measures WITH (security_invoker = true) AS
SELECT c.uscc, c.division_code, c.final_class AS class, m.min_spot_check_ratio, m.proactive_onsite_inspection,
       m.key_licensing_review, m.key_supervision_target, m.other_measures, m.sources
  FROM creditrisk.classification_current c
  JOIN (SELECT d.division_code, f.*
          FROM (SELECT DISTINCT x.division_code FROM creditrisk.classification_current x) d
         CROSS JOIN LATERAL creditrisk.measures_in_force(d.division_code, current_date) f) m
    ON m.division_code = c.division_code AND m.class = c.final_class;
COMMENT ON VIEW creditrisk.enterprise_measures IS
    'The supervision measures (监管措施) that apply today to each enterprise of the latest run, by its final class and division (strictest of province, city and county)';
REVOKE ALL ON TABLE creditrisk.classification_current, creditrisk.classification_domain_current,
                    creditrisk.enterprise_measures FROM PUBLIC;

DROP FUNCTION creditrisk.refresh_classification(date, text);
DROP FUNCTION creditrisk.active_model(date);
DROP FUNCTION creditrisk.run_pair(date, date);
DROP FUNCTION creditrisk.compute_indicators(text, date);
CREATE FUNCTION creditrisk.active_model(as_of date DEFAULT CURRENT_DATE, known_at timestamptz DEFAULT NULL) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp
    AS $$ SELECT a.model_key FROM creditrisk.model_activation_as_known(active_model.known_at) a
           WHERE a.effective_from <= active_model.as_of ORDER BY a.effective_from DESC LIMIT 1 $$;
COMMENT ON FUNCTION creditrisk.active_model(date, timestamptz) IS
    'The model (启用的指标体系) that classifies on a date, from creditrisk.model_activation as known at known_at (NULL = now); NULL when none is active';
CREATE FUNCTION creditrisk.refresh_classification(as_of date DEFAULT CURRENT_DATE, model text DEFAULT NULL,
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
    --    the population of art. 3.
    ts := clock_timestamp();
    INSERT INTO creditrisk.classification_result (as_of, version, uscc, division_code, score, score_class, final_class, reasons)
    SELECT as_of, v, i.uscc, e.division_code, s.score, creditrisk.classify(s.score), creditrisk.classify(s.score),
           creditrisk.score_reasons(model, i.indicators, 3)
      FROM creditrisk.compute_indicators(model, as_of, known_at) i
      JOIN creditrisk.register_at(as_of, known_at) e ON e.uscc = i.uscc
     CROSS JOIN LATERAL (SELECT creditrisk.score(model, i.indicators) AS score) s
     WHERE creditrisk.in_scope(e.uscc, e.division_code, as_of, known_at);   -- art. 3
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
COMMENT ON FUNCTION creditrisk.refresh_classification(date, text, timestamptz) IS
    'The monthly run (月度分类): classifies every enterprise on as_of with what was valid on that date and known at the knowledge time known_at (default: now, after waiting for writers in progress; READ COMMITTED only): indicators from the register version of that date, scores with the model (default: the one active on that date), override rules (art. 10) and fusion (art. 16) as entered by then; adds a new version of the date to the history (earlier versions stay) and refreshes the current views concurrently; reports progress as NOTICEs and returns the run. Giving an earlier run''s known_at reproduces it row for row';
CREATE FUNCTION creditrisk.run_pair(from_run date, to_run date, OUT from_date date, OUT to_date date,
                                    OUT from_version integer, OUT to_version integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    d date;
BEGIN
    FOREACH d IN ARRAY ARRAY[from_run, to_run] LOOP
        IF d IS NOT NULL AND NOT EXISTS (SELECT 1 FROM creditrisk.classification_run r WHERE r.as_of = d) THEN
            RAISE EXCEPTION 'there is no classification run on %', d
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'SELECT as_of FROM creditrisk.classification_run ORDER BY as_of lists the runs.';
        END IF;
    END LOOP;
    to_date := coalesce(to_run, (SELECT max(r.as_of) FROM creditrisk.classification_run r));
    from_date := coalesce(from_run, (SELECT max(r.as_of) FROM creditrisk.classification_run r WHERE r.as_of < to_date));
    from_version := (SELECT max(r.version) FROM creditrisk.classification_run r WHERE r.as_of = from_date);
    to_version := (SELECT max(r.version) FROM creditrisk.classification_run r WHERE r.as_of = to_date);
END
$$;
COMMENT ON FUNCTION creditrisk.run_pair(date, date) IS
    'The two runs (分类批次) a comparison uses: to_run (default the latest run) and from_run (default the run before it), each in its latest version; unknown dates are an error';
CREATE OR REPLACE FUNCTION creditrisk.class_worsened(from_run date DEFAULT NULL, to_run date DEFAULT NULL)
RETURNS TABLE (uscc creditrisk.uscc, division_code text, from_class creditrisk.riskclass, to_class creditrisk.riskclass,
               steps integer, from_score double precision, to_score double precision, score_change double precision,
               new_overrides text[], reasons text[])
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT b.uscc, b.division_code::text, a.final_class, b.final_class,
           ascii(b.final_class::text) - ascii(a.final_class::text),
           a.score, b.score, b.score - a.score,
           ARRAY(SELECT o FROM unnest(b.overrides) o WHERE o <> ALL (a.overrides)), b.reasons
      FROM creditrisk.run_pair(class_worsened.from_run, class_worsened.to_run) p
      JOIN creditrisk.classification_result a ON a.as_of = p.from_date AND a.version = p.from_version
      JOIN creditrisk.classification_result b ON b.as_of = p.to_date AND b.version = p.to_version AND b.uscc = a.uscc
     WHERE b.final_class > a.final_class
     ORDER BY 5 DESC, 8 DESC, 1
$$;
COMMENT ON FUNCTION creditrisk.class_worsened(date, date) IS
    'Early-warning list (预警名单): enterprises whose final class worsened between two runs (default: the latest and the one before), by how many classes and score points, with the overrides that are new and the score''s reason codes';
CREATE OR REPLACE FUNCTION creditrisk.class_transition(from_run date DEFAULT NULL, to_run date DEFAULT NULL)
RETURNS TABLE (from_class creditrisk.riskclass, to_a bigint, to_b bigint, to_c bigint, to_d bigint, left_population bigint, total bigint)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    WITH p AS (SELECT * FROM creditrisk.run_pair(class_transition.from_run, class_transition.to_run)),
    a AS (SELECT r.uscc, r.final_class FROM creditrisk.classification_result r, p WHERE r.as_of = p.from_date AND r.version = p.from_version),
    b AS (SELECT r.uscc, r.final_class FROM creditrisk.classification_result r, p WHERE r.as_of = p.to_date AND r.version = p.to_version),
    t AS (SELECT a.final_class AS f, b.final_class AS g FROM a FULL JOIN b ON a.uscc = b.uscc),
    k(f) AS (SELECT unnest('{A,B,C,D}'::creditrisk.riskclass[]) UNION ALL SELECT NULL)
    SELECT k.f, count(t.g) FILTER (WHERE t.g = 'A'), count(t.g) FILTER (WHERE t.g = 'B'),
           count(t.g) FILTER (WHERE t.g = 'C'), count(t.g) FILTER (WHERE t.g = 'D'),
           count(*) FILTER (WHERE t.f IS NOT NULL AND t.g IS NULL), count(t.*)
      FROM k LEFT JOIN t ON t.f IS NOT DISTINCT FROM k.f
     WHERE EXISTS (SELECT 1 FROM p WHERE p.from_date IS NOT NULL)
     GROUP BY k.f
     ORDER BY k.f NULLS LAST
$$;
COMMENT ON FUNCTION creditrisk.class_transition(date, date) IS
    'Class transition matrix (迁移矩阵) between two runs (default: the latest and the one before): one row per class in the first run (NULL = enterprises new in the second), counts per class in the second and of those no longer classified';
CREATE OR REPLACE FUNCTION creditrisk.class_distribution(as_of date DEFAULT NULL)
RETURNS TABLE (level text, division_code text, enterprises bigint, a bigint, b bigint, c bigint, d bigint, share_c_d numeric)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    -- Counted per division first (a few hundred rows), then rolled up.
    WITH per_division AS (
        SELECT r.division_code::text AS code,
               count(*) FILTER (WHERE r.final_class = 'A') AS a, count(*) FILTER (WHERE r.final_class = 'B') AS b,
               count(*) FILTER (WHERE r.final_class = 'C') AS c, count(*) FILTER (WHERE r.final_class = 'D') AS d
          FROM creditrisk.classification_result r
         WHERE (r.as_of, r.version) = (SELECT p.to_date, p.to_version FROM creditrisk.run_pair(NULL, class_distribution.as_of) p)
         GROUP BY r.division_code
    ), r AS (
        SELECT creditrisk.division_at(x.code, 'province') AS prov, creditrisk.division_at(x.code, 'city') AS city,
               creditrisk.division_at(x.code, 'county') AS own, x.a, x.b, x.c, x.d
          FROM per_division x
    ), g AS (
        SELECT CASE WHEN GROUPING(prov) = 0 THEN 'province' WHEN GROUPING(city) = 0 THEN 'city' ELSE 'county' END AS level,
               coalesce(prov, city, own) AS division_code,
               sum(r.a)::bigint AS a, sum(r.b)::bigint AS b, sum(r.c)::bigint AS c, sum(r.d)::bigint AS d
          FROM r
         GROUP BY GROUPING SETS ((prov), (city), (own))
    )
    SELECT g.level, g.division_code, g.a + g.b + g.c + g.d, g.a, g.b, g.c, g.d,
           round((g.c + g.d)::numeric / (g.a + g.b + g.c + g.d), 4)
      FROM g
     WHERE g.division_code IS NOT NULL
     ORDER BY CASE g.level WHEN 'province' THEN 1 WHEN 'city' THEN 2 ELSE 3 END, g.division_code
$$;
COMMENT ON FUNCTION creditrisk.class_distribution(date) IS
    'Final-class distribution (分类分布) of a run (default: the latest) by division at province, city and county level (county: the enterprise''s own division below the province, so a city-level code counts as its own county)';
CREATE OR REPLACE FUNCTION creditrisk.score_psi(from_run date DEFAULT NULL, to_run date DEFAULT NULL, bin_width double precision DEFAULT 100)
RETURNS TABLE (bin integer, lower double precision, upper double precision, from_count bigint, to_count bigint,
               from_share double precision, to_share double precision, contribution double precision)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    p record;
    bins integer;
BEGIN
    IF bin_width IS NULL OR NOT (bin_width > 0 AND bin_width <= 1000) THEN
        RAISE EXCEPTION 'bin width % is not in (0, 1000]', bin_width
            USING ERRCODE = 'invalid_parameter_value', HINT = 'The default, 100, gives ten bins of 100 points.';
    END IF;
    SELECT * INTO p FROM creditrisk.run_pair(from_run, to_run);
    IF p.from_date IS NULL THEN
        RETURN;
    END IF;
    bins := ceil(1000 / bin_width)::integer;
    RETURN QUERY
    WITH c AS (
        SELECT least(floor(r.score / bin_width)::integer, bins - 1) AS k,
               count(*) FILTER (WHERE r.as_of = p.from_date AND r.version = p.from_version) AS f,
               count(*) FILTER (WHERE r.as_of = p.to_date AND r.version = p.to_version) AS t
          FROM creditrisk.classification_result r
         WHERE (r.as_of, r.version) IN ((p.from_date, p.from_version), (p.to_date, p.to_version))
         GROUP BY 1
    ), x AS (
        SELECT k.k, coalesce(c.f, 0) AS f, coalesce(c.t, 0) AS t
          FROM generate_series(0, bins - 1) k(k) LEFT JOIN c ON c.k = k.k
    ), s AS (
        SELECT x.*, greatest(x.f::float8 / nullif(sum(x.f) OVER (), 0), 1e-4) AS fs,
                    greatest(x.t::float8 / nullif(sum(x.t) OVER (), 0), 1e-4) AS tsh
          FROM x
    )
    SELECT s.k + 1, s.k * bin_width, least((s.k + 1) * bin_width, 1000), s.f, s.t, s.fs, s.tsh, (s.tsh - s.fs) * ln(s.tsh / s.fs)
      FROM s ORDER BY s.k;
END
$$;
COMMENT ON FUNCTION creditrisk.score_psi(date, date, double precision) IS
    'PSI of the score distribution between two runs (default: the latest and the one before), per score bin of bin_width points: counts, shares (floored at 0.0001) and each bin''s contribution';
CREATE OR REPLACE FUNCTION creditrisk.indicators_to_sql(model text) RETURNS text
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    missing text;
    body text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM creditrisk.model m WHERE m.model_key = model) THEN
        PERFORM creditrisk.model_not_found(model);
    END IF;
    SELECT string_agg(mi.code, ', ' ORDER BY mi.position) INTO missing
      FROM creditrisk.model_indicator mi JOIN creditrisk.indicator i USING (code)
     WHERE mi.model_key = model AND i.definition_sql IS NULL;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'model "%" uses indicators without an SQL definition', model
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('Without a definition: %s.', missing),
                  HINT = 'Set creditrisk.indicator.definition_sql, or load their values into creditrisk.indicator_value and score those.';
    END IF;
    SELECT string_agg(format(E'    /* %s */ (%s)::double precision', mi.code, i.definition_sql), E',\n' ORDER BY mi.position)
      INTO body
      FROM creditrisk.model_indicator mi JOIN creditrisk.indicator i USING (code)
     WHERE mi.model_key = model;
    RETURN format(E'-- indicators of model %s as of the date $1 as known at $2 (NULL = now), in model order\nSELECT e.uscc, ARRAY[\n%s\n  ] AS indicators\n  FROM creditrisk.register_at($1, $2) e\n WHERE creditrisk.in_population(e.established_date, e.status, e.status_date, $1)',
                  model, body);
END
$$;
COMMENT ON FUNCTION creditrisk.indicators_to_sql(text) IS
    'The computation of a model''s indicators as one plain SQL query over the record tables (parameters $1: the as-of date, $2: the knowledge time, NULL = now), from the catalogue''s SQL definitions; for audit and for systems without the extension';
CREATE FUNCTION creditrisk.compute_indicators(model text, as_of date, known_at timestamptz DEFAULT NULL)
RETURNS TABLE (uscc creditrisk.uscc, indicators double precision[])
AS 'MODULE_PATHNAME', 'compute_indicators'
LANGUAGE C STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, creditrisk, pg_temp
COST 1000 ROWS 100000;
COMMENT ON FUNCTION creditrisk.compute_indicators(text, date, timestamptz) IS
    'Indicator values (指标值) of every enterprise in the population on as_of (established, not cancelled), in the model''s order, ready for creditrisk.score(): from the register version valid on as_of and the records, as known at known_at (NULL = now); the same date and knowledge time always give the same values';
REVOKE ALL ON FUNCTION creditrisk.active_model(date, timestamptz), creditrisk.refresh_classification(date, text, timestamptz),
                       creditrisk.run_pair(date, date), creditrisk.compute_indicators(text, date, timestamptz) FROM PUBLIC;

-- The definitions of the built-in indicators read the records as known at
-- $2 and other enterprises in their register version of $1.  (The entries
-- are frozen by indicator_guard; their meaning on current knowledge is
-- unchanged.)
ALTER TABLE creditrisk.indicator DISABLE TRIGGER indicator_guard;
ALTER TABLE creditrisk.indicator DISABLE TRIGGER indicator_shipped;
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.parent_uscc IS NULL THEN e.registered_capital
     ELSE (SELECT pe.registered_capital FROM creditrisk.register_at($1, $2) pe WHERE pe.uscc = e.parent_uscc)
END
$d$ WHERE code = 'registered_capital';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(DISTINCT l.from_uscc)
   FROM creditrisk.related_party_link_as_known($2) l
  WHERE l.to_uscc = e.uscc AND l.kind = 'shareholder'
    AND (l.valid_from IS NULL OR l.valid_from <= $1)
    AND (l.valid_to IS NULL OR l.valid_to > $1))
$d$ WHERE code = 'corporate_shareholder_count';
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.parent_uscc IS NOT NULL THEN 0
     ELSE (SELECT count(*)
             FROM creditrisk.register_at($1, $2) b
            WHERE b.parent_uscc = e.uscc
              AND b.established_date <= $1
              AND NOT (b.status IN ('revoked', 'cancelled') AND b.status_date <= $1))
END
$d$ WHERE code = 'branch_count';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(DISTINCT l.to_uscc)
   FROM creditrisk.related_party_link_as_known($2) l
  WHERE l.from_uscc = e.uscc AND l.kind = 'shareholder'
    AND (l.valid_from IS NULL OR l.valid_from <= $1)
    AND (l.valid_to IS NULL OR l.valid_to > $1))
$d$ WHERE code = 'outbound_investment_count';
UPDATE creditrisk.indicator SET definition_sql = $d$
($1 - e.established_date)::double precision / 365.25
$d$ WHERE code = 'years_in_operation';
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.status = 'revoked' AND e.status_date <= $1 THEN 1 ELSE 0 END
$d$ WHERE code = 'status_revoked';
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.parent_uscc IS NULL THEN e.entity_type
     ELSE (SELECT pe.entity_type FROM creditrisk.register_at($1, $2) pe WHERE pe.uscc = e.parent_uscc)
END
$d$ WHERE code = 'entity_type_class';
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.parent_uscc IS NOT NULL THEN 1 ELSE 0 END
$d$ WHERE code = 'is_branch';
UPDATE creditrisk.indicator SET definition_sql = $d$
ascii(left(e.industry_code, 1)) - 64
$d$ WHERE code = 'industry_section_class';
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.industry_code LIKE ANY (ARRAY['C13%', 'C14%', 'C15%', 'F512%', 'F521%', 'F522%', 'H62%',
                                          'C27%', 'F515%', 'F525%',
                                          'C341%', 'C343%'])
       OR EXISTS (SELECT 1 FROM creditrisk.domain_risk_class_as_known($2) d
                   WHERE d.uscc = e.uscc AND d.assessed_date <= $1)
     THEN 1 ELSE 0
END
$d$ WHERE code = 'key_field_industry';
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN EXISTS (SELECT 1 FROM creditrisk.licence_as_known($2) l
                   WHERE l.uscc = e.uscc AND l.valid_from <= $1)
      AND NOT EXISTS (SELECT 1 FROM creditrisk.licence_as_known($2) l
                       WHERE l.uscc = e.uscc
                         AND l.valid_from <= $1
                         AND (l.valid_to IS NULL OR $1 < l.valid_to)
                         AND (l.revoked_date IS NULL OR l.revoked_date > $1))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'licence_lapsed';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.licence_as_known($2) l
  WHERE l.uscc = e.uscc
    AND l.valid_to > ($1 - interval '1 year')::date AND l.valid_to <= $1
    AND NOT EXISTS (SELECT 1 FROM creditrisk.licence_as_known($2) n
                     WHERE n.uscc = e.uscc AND n.id <> l.id
                       AND (n.kind = l.kind OR n.kind = '' OR l.kind = '')
                       AND n.valid_from >= l.valid_to - 180
                       AND n.valid_from <= $1))
$d$ WHERE code = 'licence_expired_unrenewed_1y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.licence_as_known($2) l
  WHERE l.uscc = e.uscc
    AND l.revoked_date > ($1 - interval '3 years')::date AND l.revoked_date <= $1)
$d$ WHERE code = 'licence_revoked_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(DISTINCT c.change_date)
   FROM creditrisk.registration_change_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'legal_representative'
    AND c.change_date > ($1 - interval '1 year')::date AND c.change_date <= $1)
$d$ WHERE code = 'legal_rep_changes_1y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.registration_change_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'name'
    AND c.change_date > ($1 - interval '1 year')::date AND c.change_date <= $1)
$d$ WHERE code = 'name_changes_1y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.registration_change_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'address'
    AND c.change_date > ($1 - interval '1 year')::date AND c.change_date <= $1)
$d$ WHERE code = 'address_changes_1y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.registration_change_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'scope'
    AND c.change_date > ($1 - interval '1 year')::date AND c.change_date <= $1)
$d$ WHERE code = 'scope_changes_1y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.registration_change_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'capital'
    AND c.change_date > ($1 - interval '1 year')::date AND c.change_date <= $1)
$d$ WHERE code = 'capital_changes_1y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.registration_change_as_known($2) c
  WHERE c.uscc = e.uscc
    AND c.change_date > ($1 - interval '3 years')::date AND c.change_date <= $1)
$d$ WHERE code = 'changes_total_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT CASE WHEN c.registered_capital > 0
             THEN c.paid_in_capital::double precision / c.registered_capital::double precision
        END
   FROM creditrisk.register_at($1, $2) c
  WHERE c.uscc = coalesce(e.parent_uscc, e.uscc))
$d$ WHERE code = 'paid_in_ratio';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT c.registered_capital - c.paid_in_capital
   FROM creditrisk.register_at($1, $2) c
  WHERE c.uscc = coalesce(e.parent_uscc, e.uscc))
$d$ WHERE code = 'unpaid_capital';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT CASE WHEN y.due < extract(year FROM e.established_date)::int THEN 0
             WHEN EXISTS (SELECT 1 FROM creditrisk.annual_report_as_known($2) a
                           WHERE a.uscc = e.uscc AND a.year = y.due AND a.filed_on <= $1) THEN 0
             ELSE 1
        END
   FROM (SELECT CASE WHEN $1 > make_date(extract(year FROM $1)::int, 6, 30)
                     THEN extract(year FROM $1)::int - 1
                     ELSE extract(year FROM $1)::int - 2
                END AS due) y)
$d$ WHERE code = 'annual_report_latest_missing';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM (SELECT CASE WHEN $1 > make_date(extract(year FROM $1)::int, 6, 30)
                     THEN extract(year FROM $1)::int - 1
                     ELSE extract(year FROM $1)::int - 2
                END AS due) y,
        generate_series(y.due - 2, y.due) AS s(year)
  WHERE s.year >= extract(year FROM e.established_date)::int
    AND NOT EXISTS (SELECT 1 FROM creditrisk.annual_report_as_known($2) a
                     WHERE a.uscc = e.uscc AND a.year = s.year AND a.filed_on <= $1))
$d$ WHERE code = 'annual_reports_missing_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM (SELECT CASE WHEN $1 > make_date(extract(year FROM $1)::int, 6, 30)
                     THEN extract(year FROM $1)::int - 1
                     ELSE extract(year FROM $1)::int - 2
                END AS due) y,
        creditrisk.annual_report_as_known($2) a
  WHERE a.uscc = e.uscc
    AND a.year BETWEEN y.due - 2 AND y.due
    AND a.year >= extract(year FROM e.established_date)::int
    AND a.filed_on <= $1
    AND NOT a.on_time)
$d$ WHERE code = 'annual_reports_late_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.equity_pledge_freeze_as_known($2) q
  WHERE q.uscc = e.uscc AND q.kind = 'pledge'
    AND q.start_date <= $1 AND (q.end_date IS NULL OR q.end_date > $1))
$d$ WHERE code = 'equity_pledges_current';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.equity_pledge_freeze_as_known($2) q
  WHERE q.uscc = e.uscc AND q.kind = 'freeze'
    AND q.start_date <= $1 AND (q.end_date IS NULL OR q.end_date > $1))
$d$ WHERE code = 'equity_freezes_current';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.equity_pledge_freeze_as_known($2) q
  WHERE q.uscc = e.uscc AND q.kind = 'pledge'
    AND q.start_date > ($1 - interval '1 year')::date AND q.start_date <= $1)
$d$ WHERE code = 'equity_pledges_1y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.equity_pledge_freeze_as_known($2) q
  WHERE q.uscc = e.uscc AND q.kind = 'freeze'
    AND q.start_date > ($1 - interval '3 years')::date AND q.start_date <= $1)
$d$ WHERE code = 'equity_freezes_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.lawsuit_as_known($2) s
  WHERE s.uscc = e.uscc AND s.role = 'defendant'
    AND s.filed_date > ($1 - interval '1 year')::date AND s.filed_date <= $1)
$d$ WHERE code = 'lawsuits_defendant_1y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.lawsuit_as_known($2) s
  WHERE s.uscc = e.uscc AND s.role = 'defendant'
    AND s.filed_date > ($1 - interval '3 years')::date AND s.filed_date <= $1)
$d$ WHERE code = 'lawsuits_defendant_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.lawsuit_as_known($2) s
  WHERE s.uscc = e.uscc AND s.role = 'defendant' AND s.kind = 'labour'
    AND s.filed_date > ($1 - interval '1 year')::date AND s.filed_date <= $1)
$d$ WHERE code = 'labour_disputes_defendant_1y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.lawsuit_as_known($2) s
  WHERE s.uscc = e.uscc AND s.role = 'defendant' AND s.kind = 'criminal'
    AND s.filed_date > ($1 - interval '3 years')::date AND s.filed_date <= $1)
$d$ WHERE code = 'criminal_defendant_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN EXISTS (SELECT 1 FROM creditrisk.abnormal_listing_as_known($2) a
                   WHERE a.uscc = e.uscc
                     AND a.listed_date <= $1 AND (a.removed_date IS NULL OR a.removed_date > $1))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'abnormal_list_current';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.abnormal_listing_as_known($2) a
  WHERE a.uscc = e.uscc
    AND a.listed_date > ($1 - interval '3 years')::date AND a.listed_date <= $1)
$d$ WHERE code = 'abnormal_list_times_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
coalesce((SELECT a.reason
            FROM creditrisk.abnormal_listing_as_known($2) a
           WHERE a.uscc = e.uscc
             AND a.listed_date <= $1 AND (a.removed_date IS NULL OR a.removed_date > $1)
           ORDER BY CASE a.reason WHEN 1 THEN 1 WHEN 9 THEN 2 WHEN 2 THEN 3 WHEN 3 THEN 4 WHEN 4 THEN 5 END DESC
           LIMIT 1),
         0)
$d$ WHERE code = 'abnormal_list_reason_current';
UPDATE creditrisk.indicator SET definition_sql = $d$
coalesce($1 - (SELECT min(a.listed_date)
                 FROM creditrisk.abnormal_listing_as_known($2) a
                WHERE a.uscc = e.uscc
                  AND a.listed_date <= $1 AND (a.removed_date IS NULL OR a.removed_date > $1)) + 1,
         0)
$d$ WHERE code = 'abnormal_list_current_days';
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN EXISTS (SELECT 1 FROM creditrisk.serious_dishonesty_listing_as_known($2) s
                   WHERE s.uscc = e.uscc
                     AND s.listed_date <= $1 AND (s.removed_date IS NULL OR s.removed_date > $1))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'serious_dishonesty_current';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.serious_dishonesty_listing_as_known($2) s
  WHERE s.uscc = e.uscc
    AND s.listed_date > ($1 - interval '5 years')::date AND s.listed_date <= $1)
$d$ WHERE code = 'serious_dishonesty_listings_5y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.serious_dishonesty_listing_as_known($2) s
  WHERE s.uscc = e.uscc
    AND s.removed_date > ($1 - interval '2 years')::date AND s.removed_date <= $1)
$d$ WHERE code = 'serious_dishonesty_removed_2y';
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN EXISTS (SELECT 1 FROM creditrisk.judgment_debtor_listing_as_known($2) j
                   WHERE j.uscc = e.uscc
                     AND j.listed_date <= $1 AND (j.removed_date IS NULL OR j.removed_date > $1))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'judgment_debtor_current';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.judgment_debtor_listing_as_known($2) j
  WHERE j.uscc = e.uscc
    AND j.listed_date > ($1 - interval '3 years')::date AND j.listed_date <= $1)
$d$ WHERE code = 'judgment_debtor_listings_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.judgment_debtor_listing_as_known($2) j
  WHERE j.uscc = e.uscc
    AND j.removed_date > ($1 - interval '1 year')::date AND j.removed_date <= $1)
$d$ WHERE code = 'judgment_debtor_removed_1y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc
    AND p.decision_date > ($1 - interval '1 year')::date AND p.decision_date <= $1)
$d$ WHERE code = 'penalties_1y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1)
$d$ WHERE code = 'penalties_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc
    AND p.decision_date <= $1 AND p.publicity_end_date > $1)
$d$ WHERE code = 'penalties_in_publicity';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT coalesce(max(CASE p.severity WHEN 'minor' THEN 1 WHEN 'general' THEN 2 WHEN 'serious' THEN 3 END), 0)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1)
$d$ WHERE code = 'penalty_max_severity_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc AND p.severity = 'serious'
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1)
$d$ WHERE code = 'penalties_serious_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc AND p.severity = 'general'
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1)
$d$ WHERE code = 'penalties_general_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT coalesce(sum(p.fine_amount), 0)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1)
$d$ WHERE code = 'penalty_fines_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc AND p.field IN ('food', 'drugs', 'special_equipment')
    AND p.decision_date > ($1 - interval '1 year')::date AND p.decision_date <= $1)
$d$ WHERE code = 'penalties_key_field_1y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc AND p.field IN ('food', 'drugs', 'special_equipment')
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1)
$d$ WHERE code = 'penalties_key_field_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc AND p.field IN ('food', 'drugs', 'special_equipment') AND p.severity = 'serious'
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1)
$d$ WHERE code = 'penalties_key_field_serious_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.spot_check_as_known($2) s
  WHERE s.uscc = e.uscc AND s.refused
    AND s.check_date > ($1 - interval '1 year')::date AND s.check_date <= $1)
$d$ WHERE code = 'spot_check_refused_1y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.spot_check_as_known($2) s
  WHERE s.uscc = e.uscc AND s.outcome = 'problems_found'
    AND s.check_date > ($1 - interval '3 years')::date AND s.check_date <= $1)
$d$ WHERE code = 'spot_check_problems_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.spot_check_as_known($2) s
  WHERE s.uscc = e.uscc AND s.outcome = 'rectification_ordered'
    AND s.check_date > ($1 - interval '1 year')::date AND s.check_date <= $1)
$d$ WHERE code = 'spot_check_rectification_1y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.spot_check_as_known($2) s
  WHERE s.uscc = e.uscc AND s.outcome = 'not_found_at_address'
    AND s.check_date > ($1 - interval '3 years')::date AND s.check_date <= $1)
$d$ WHERE code = 'spot_check_not_found_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT max(CASE WHEN s.refused THEN 5
                 WHEN s.outcome = 'pass' THEN 1
                 WHEN s.outcome = 'problems_found' THEN 2
                 WHEN s.outcome = 'rectification_ordered' THEN 3
                 WHEN s.outcome = 'not_found_at_address' THEN 4
            END)
   FROM creditrisk.spot_check_as_known($2) s
  WHERE s.uscc = e.uscc
    AND s.check_date = (SELECT max(s2.check_date) FROM creditrisk.spot_check_as_known($2) s2
                         WHERE s2.uscc = e.uscc AND s2.check_date <= $1))
$d$ WHERE code = 'spot_check_last_outcome';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT (count(*) FILTER (WHERE s.outcome = 'pass' AND NOT s.refused))::double precision
        / nullif(count(*), 0)
   FROM creditrisk.spot_check_as_known($2) s
  WHERE s.uscc = e.uscc
    AND s.check_date > ($1 - interval '3 years')::date AND s.check_date <= $1)
$d$ WHERE code = 'spot_check_pass_ratio_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(DISTINCT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END)
   FROM creditrisk.related_party_link_as_known($2) l
  WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
    AND (l.valid_from IS NULL OR l.valid_from <= $1)
    AND (l.valid_to IS NULL OR l.valid_to > $1))
$d$ WHERE code = 'related_enterprise_count';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(DISTINCT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END)
   FROM creditrisk.related_party_link_as_known($2) l
  WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc) AND l.kind = 'common_legal_representative'
    AND (l.valid_from IS NULL OR l.valid_from <= $1)
    AND (l.valid_to IS NULL OR l.valid_to > $1))
$d$ WHERE code = 'common_legal_rep_count';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.register_at($1, $2) r
  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link_as_known($2) l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1))
    AND r.status = 'revoked' AND r.status_date <= $1)
$d$ WHERE code = 'related_revoked_count';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT (count(*) FILTER (WHERE r.status = 'revoked' AND r.status_date <= $1))::double precision
        / nullif(count(*), 0)
   FROM creditrisk.register_at($1, $2) r
  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link_as_known($2) l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1)))
$d$ WHERE code = 'related_revoked_ratio';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.register_at($1, $2) r
  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link_as_known($2) l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > ($1 - interval '1 year')::date))
    AND r.status = 'cancelled'
    AND r.status_date > ($1 - interval '1 year')::date AND r.status_date <= $1)
$d$ WHERE code = 'related_cancelled_1y';
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
                   AND a.listed_date <= $1 AND (a.removed_date IS NULL OR a.removed_date > $1)))
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
                   AND s.listed_date <= $1 AND (s.removed_date IS NULL OR s.removed_date > $1)))
$d$ WHERE code = 'related_serious_dishonesty_current';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.register_at($1, $2) r
  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link_as_known($2) l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1))
    AND EXISTS (SELECT 1 FROM creditrisk.judgment_debtor_listing_as_known($2) j
                 WHERE j.uscc = r.uscc
                   AND j.listed_date <= $1 AND (j.removed_date IS NULL OR j.removed_date > $1)))
$d$ WHERE code = 'related_judgment_debtor_current';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link_as_known($2) l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1))
    AND p.decision_date > ($1 - interval '1 year')::date AND p.decision_date <= $1)
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
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1)
$d$ WHERE code = 'related_serious_penalties_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.parent_uscc IS NULL THEN 0
     WHEN EXISTS (SELECT 1 FROM creditrisk.register_at($1, $2) pe
                   WHERE pe.uscc = e.parent_uscc
                     AND pe.status IN ('revoked', 'cancelled') AND pe.status_date <= $1)
       OR EXISTS (SELECT 1 FROM creditrisk.abnormal_listing_as_known($2) a
                   WHERE a.uscc = e.parent_uscc
                     AND a.listed_date <= $1 AND (a.removed_date IS NULL OR a.removed_date > $1))
       OR EXISTS (SELECT 1 FROM creditrisk.serious_dishonesty_listing_as_known($2) s
                   WHERE s.uscc = e.parent_uscc
                     AND s.listed_date <= $1 AND (s.removed_date IS NULL OR s.removed_date > $1))
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
                                     AND s.listed_date <= $1 AND (s.removed_date IS NULL OR s.removed_date > $1))
                          OR EXISTS (SELECT 1 FROM creditrisk.judgment_debtor_listing_as_known($2) j
                                      WHERE j.uscc = l.from_uscc
                                        AND j.listed_date <= $1 AND (j.removed_date IS NULL OR j.removed_date > $1))))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'shareholder_listed_current';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.complaint_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'complaint'
    AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)
$d$ WHERE code = 'complaints_1y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.complaint_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'complaint'
    AND c.received_date > ($1 - interval '3 years')::date AND c.received_date <= $1)
$d$ WHERE code = 'complaints_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.complaint_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'complaint' AND c.substantiated IS TRUE
    AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)
$d$ WHERE code = 'complaints_substantiated_1y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT (count(*) FILTER (WHERE c.received_date > ($1 - interval '3 months')::date)
         - count(*) FILTER (WHERE c.received_date <= ($1 - interval '3 months')::date))::double precision
        / (count(*) FILTER (WHERE c.received_date <= ($1 - interval '3 months')::date) + 1)
   FROM creditrisk.complaint_as_known($2) c
  WHERE c.uscc = e.uscc
    AND c.received_date > ($1 - interval '6 months')::date AND c.received_date <= $1)
$d$ WHERE code = 'complaints_growth_3m';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.complaint_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'report'
    AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)
$d$ WHERE code = 'reports_1y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.complaint_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'report'
    AND c.received_date > ($1 - interval '3 years')::date AND c.received_date <= $1)
$d$ WHERE code = 'reports_3y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.complaint_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'report' AND c.substantiated IS TRUE
    AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)
$d$ WHERE code = 'reports_substantiated_1y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT (count(*) FILTER (WHERE c.substantiated IS TRUE))::double precision / nullif(count(*), 0)
   FROM creditrisk.complaint_as_known($2) c
  WHERE c.uscc = e.uscc
    AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)
$d$ WHERE code = 'substantiated_ratio_1y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.public_opinion_as_known($2) o
  WHERE o.uscc = e.uscc AND o.sentiment = 'negative'
    AND o.published_date > ($1 - interval '1 year')::date AND o.published_date <= $1)
$d$ WHERE code = 'negative_opinion_1y';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.public_opinion_as_known($2) o
  WHERE o.uscc = e.uscc AND o.sentiment = 'negative'
    AND o.published_date > ($1 - interval '3 months')::date AND o.published_date <= $1)
$d$ WHERE code = 'negative_opinion_3m';
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT (count(*) FILTER (WHERE o.sentiment = 'negative'))::double precision / nullif(count(*), 0)
   FROM creditrisk.public_opinion_as_known($2) o
  WHERE o.uscc = e.uscc
    AND o.published_date > ($1 - interval '1 year')::date AND o.published_date <= $1)
$d$ WHERE code = 'negative_opinion_share_1y';
ALTER TABLE creditrisk.indicator ENABLE TRIGGER indicator_guard;
ALTER TABLE creditrisk.indicator ENABLE TRIGGER indicator_shipped;

-- The grants kept above.
DO $grants$
DECLARE
    g jsonb;
BEGIN
    FOR g IN SELECT * FROM jsonb_array_elements(current_setting('creditrisk_upgrade.grants')::jsonb) LOOP
        IF g ->> 'kind' = 'FUNCTION' THEN
            EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s',
                           (SELECT string_agg(p.oid::regprocedure::text, ', ') FROM pg_proc p
                             WHERE p.pronamespace = 'creditrisk'::regnamespace AND p.proname = g ->> 'name'),
                           g ->> 'grantee');
        ELSE
            EXECUTE format('GRANT %s ON creditrisk.%I TO %s', g ->> 'privilege', g ->> 'name', g ->> 'grantee');
        END IF;
    END LOOP;
END
$grants$;

-- ---------------------------------------------------------------------------
-- integb (issue 11 §5), after §4 because it builds on knowledge time
-- (keep_history, known_at) and on the views and functions §4 recreates.
-- ---------------------------------------------------------------------------

-- §5 Art. 3: the population classified.
-- ---------------------------------------------------------------------------
-- The population classified (art. 3): enterprises and their branches
-- (USCC 91..., registered by market regulation as enterprises) registered in
-- Henan (register division 41....).  Individual businesses (个体工商户, USCC
-- 92...), farmers' specialised cooperatives (农民专业合作社, USCC 93...), units
-- registered elsewhere and units of other registration authorities are
-- outside it unless a bureau opts them in: a kind (92, 93) within its
-- jurisdiction, or one unit by USCC.
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.population_opt_in (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    division_code  creditrisk.division_code NOT NULL,
    kind           text CONSTRAINT population_opt_in_kind_valid CHECK (kind IN ('individual_business', 'farmers_cooperative')),
    uscc           creditrisk.uscc,
    effective_from date NOT NULL CONSTRAINT population_opt_in_effective_from_finite CHECK (pg_catalog.isfinite(effective_from)),
    effective_to   date CONSTRAINT population_opt_in_effective_to_finite CHECK (pg_catalog.isfinite(effective_to)),
    note           text NOT NULL DEFAULT '',
    recorded_at    timestamptz NOT NULL,
    CONSTRAINT population_opt_in_kind_or_unit CHECK ((kind IS NULL) <> (uscc IS NULL)),
    CONSTRAINT population_opt_in_dates CHECK (effective_to >= effective_from)
);
COMMENT ON TABLE creditrisk.population_opt_in IS
    'Units a bureau brings into the classified population (art. 3), which is otherwise the enterprises and branches registered in Henan: a kind (individual businesses 个体工商户, farmers'' cooperatives 农民专业合作社) within the bureau''s jurisdiction, or one unit by USCC (also one registered elsewhere), from effective_from to effective_to (inclusive, NULL = open)';
COMMENT ON COLUMN creditrisk.population_opt_in.division_code IS 'The bureau''s jurisdiction (province, city or county code); a kind applies to units registered within it';
COMMENT ON COLUMN creditrisk.population_opt_in.kind IS 'individual_business (USCC 92...) or farmers_cooperative (USCC 93...); NULL when the row names one unit';
COMMENT ON COLUMN creditrisk.population_opt_in.uscc IS 'One unit opted in, wherever registered; NULL when the row names a kind';
SELECT creditrisk.keep_history('creditrisk.population_opt_in');

-- Opted in on a date, as known at a moment (only asked for units outside the
-- default population).
CREATE FUNCTION creditrisk.opted_in(uscc creditrisk.uscc, division_code text, as_of date, known_at timestamptz DEFAULT NULL)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT EXISTS (
        SELECT 1 FROM creditrisk.population_opt_in_as_known(opted_in.known_at) o
         WHERE o.effective_from <= opted_in.as_of AND (o.effective_to IS NULL OR o.effective_to >= opted_in.as_of)
           AND (o.uscc = opted_in.uscc
                OR (o.kind = CASE creditrisk.uscc_entity_type(opted_in.uscc)
                                  WHEN '92' THEN 'individual_business' WHEN '93' THEN 'farmers_cooperative' END
                    AND creditrisk.division_at(opted_in.division_code, creditrisk.division_level(o.division_code))
                        = o.division_code)))
$$;
COMMENT ON FUNCTION creditrisk.opted_in(creditrisk.uscc, text, date, timestamptz) IS
    'Whether a bureau has opted a unit into the classified population on a date (creditrisk.population_opt_in as known at known_at, NULL = now), by its kind and register division or by its USCC';

-- In the population of art. 3 on a date.  A SQL-standard body, so that the
-- planner inlines the common test; opted_in() runs only for the others.
CREATE FUNCTION creditrisk.in_scope(uscc creditrisk.uscc, division_code text, as_of date, known_at timestamptz DEFAULT NULL)
    RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT (pg_catalog.left(division_code, 2) OPERATOR(pg_catalog.=) '41'
            AND creditrisk.uscc_entity_type(uscc) OPERATOR(pg_catalog.=) '91')
        OR creditrisk.opted_in(uscc, division_code, as_of, known_at);
END;
COMMENT ON FUNCTION creditrisk.in_scope(creditrisk.uscc, text, date, timestamptz) IS
    'Whether a unit belongs to the population classified on a date (art. 3): an enterprise or branch (USCC 91...) registered in Henan (division 41....), or opted in by a bureau (population_opt_in as known at known_at, NULL = now): individual businesses (92...), farmers'' cooperatives (93...), units registered elsewhere or by other authorities';

SELECT pg_catalog.pg_extension_config_dump('creditrisk.population_opt_in', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.population_opt_in_id_seq', '');
REVOKE ALL ON TABLE creditrisk.population_opt_in FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.opted_in(creditrisk.uscc, text, date, timestamptz),
                       creditrisk.in_scope(creditrisk.uscc, text, date, timestamptz) FROM PUBLIC;

-- §5 Art. 3 and 10: the run classifies the population of art. 3, and a
-- fusion matrix never gives less than the override class: see the
-- definition of refresh_classification() in the section "one snapshot per
-- run" above (kept equal to the install's current definition).
-- §5 Art. 16: the measures of each domain follow its fused class.
CREATE VIEW creditrisk.enterprise_domain_measures WITH (security_invoker = true) AS
SELECT c.uscc, c.domain, c.division_code, c.fused_class AS class, m.min_spot_check_ratio, m.proactive_onsite_inspection,
       m.key_licensing_review, m.key_supervision_target, m.other_measures, m.sources
  FROM creditrisk.classification_domain_current c
  JOIN (SELECT d.division_code, f.*
          FROM (SELECT DISTINCT x.division_code FROM creditrisk.classification_domain_current x) d
         CROSS JOIN LATERAL creditrisk.measures_in_force(d.division_code, current_date) f) m
    ON m.division_code = c.division_code AND m.class = c.fused_class;
COMMENT ON VIEW creditrisk.enterprise_domain_measures IS
    'The supervision measures (监管措施) that apply today in each domain (food, drugs, special equipment, …) to each enterprise of the latest run: by its fused class (通用+专业, art. 16, never below an art. 10 override) and division';

REVOKE ALL ON TABLE creditrisk.enterprise_domain_measures FROM PUBLIC;

-- §5 Art. 10 (3): the most specific high-concern prefix applies.
ALTER TABLE creditrisk.override_rule DISABLE TRIGGER override_rule_shipped;
UPDATE creditrisk.override_rule
   SET basis = '豫市监办〔2022〕100号 第十条（三）: C or D as configured in creditrisk.high_concern_industry; the most specific prefix applies (a NULL class there is an exception)',
       rule_sql = $rule$SELECT DISTINCT ON (e.uscc) e.uscc, h.class, h.industry_prefix
  FROM creditrisk.register_at($1, $2) e
  JOIN creditrisk.high_concern_industry_as_known($2) h
    ON h.industry_prefix IN (left(e.industry_code, 1), left(e.industry_code, 3),
                             left(e.industry_code, 4), left(e.industry_code, 5))
 WHERE NOT h.example AND h.effective_from <= $1 AND (h.effective_to IS NULL OR h.effective_to >= $1)
 ORDER BY e.uscc, length(h.industry_prefix) DESC, h.effective_from DESC$rule$
 WHERE code = 'high_concern_industry' AND shipped;
ALTER TABLE creditrisk.override_rule ENABLE TRIGGER override_rule_shipped;

-- ===========================================================================
-- Confidentiality and accountability (issue 12)
-- ===========================================================================

-- Confidentiality (conf): the current-classification materialized views
-- become classification_current_mv / classification_domain_current_mv,
-- reachable only by their owner; the old names are security-barrier views
-- applying the reader's jurisdiction; the monthly run refreshes through
-- refresh_current_views().  Then everything of extension/security.sql.
-- A division and everything below it are the codes in [d, division_upper(d)):
-- 410000 -> [410000, 420000), 411600 -> [411600, 411700), 411622 and 419001
-- -> themselves.  Equal-length digit strings sort the same in every collation,
-- so the range is served by a btree index on division_code.
CREATE FUNCTION creditrisk.division_upper(division_code text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    AS $$ SELECT lpad((division_code::integer + CASE WHEN division_code ~ '0000$' THEN 10000
                                                    WHEN division_code ~ '00$' AND substr(division_code, 3, 2) <> '90' THEN 100
                                                    ELSE 1 END)::text, 6, '0') $$;
COMMENT ON FUNCTION creditrisk.division_upper(text) IS
    'The first division code after a division and everything below it (下辖区划): the division''s codes are [division_code, division_upper(division_code))';

-- The jurisdiction (管辖范围) of the current role, as a range of division codes
-- [scope_from(), scope_to()): everything for superusers, roles with BYPASSRLS
-- and creditrisk_owner; the enrolled division and below for an enrolled
-- admin, analyst or auditor (creditrisk.jurisdiction, extension/security.sql);
-- nothing (NULL) for anyone else, partners included.  Policies and views call
-- each once per query, as an InitPlan: (SELECT creditrisk.scope_from()).  In C
-- (src/scope.c): one index probe, no search_path to capture.
CREATE FUNCTION creditrisk.scope_from() RETURNS text
    AS 'MODULE_PATHNAME', 'scope_from' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.scope_from() IS
    'Lowest division code of the current role''s jurisdiction (管辖范围); NULL when it has none (then it sees no enterprise)';

CREATE FUNCTION creditrisk.scope_to() RETURNS text
    AS 'MODULE_PATHNAME', 'scope_to' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.scope_to() IS
    'The first division code after the current role''s jurisdiction (管辖范围); NULL when it has none';

CREATE INDEX classification_result_division_idx ON creditrisk.classification_result (division_code, as_of);

ALTER MATERIALIZED VIEW creditrisk.classification_current RENAME TO classification_current_mv;
ALTER MATERIALIZED VIEW creditrisk.classification_domain_current RENAME TO classification_domain_current_mv;
COMMENT ON MATERIALIZED VIEW creditrisk.classification_current_mv IS
    'The classification of the latest run (最新分类结果: the latest version of the latest date) of every enterprise, refreshed CONCURRENTLY by refresh_classification(); no reader has access: read creditrisk.classification_current, which applies the reader''s jurisdiction';
COMMENT ON MATERIALIZED VIEW creditrisk.classification_domain_current_mv IS
    'Each enterprise''s class in each domain (通用+专业融合, art. 16), latest run, every enterprise; no reader has access: read creditrisk.classification_domain_current';

-- The scoped views: security barrier (a caller's non-leakproof condition is
-- evaluated only on rows of the caller's jurisdiction), owned by the data's
-- owner, the range on division_code served by the index.
CREATE VIEW creditrisk.classification_current WITH (security_barrier = true) AS
SELECT c.uscc, c.division_code, c.score, c.score_class, c.final_class, c.overrides, c.override_details, c.reasons
  FROM creditrisk.classification_current_mv c
 WHERE c.division_code >= (SELECT creditrisk.scope_from()) AND c.division_code < (SELECT creditrisk.scope_to());
COMMENT ON VIEW creditrisk.classification_current IS
    'The classification of the latest run (最新分类结果), one row per enterprise of the reader''s jurisdiction (管辖范围); the date, version and model are in creditrisk.classification_run';

CREATE VIEW creditrisk.classification_domain_current WITH (security_barrier = true) AS
SELECT c.uscc, c.domain, c.division_code, c.general_class, c.professional_class, c.assessed_date, c.method, c.fused_class
  FROM creditrisk.classification_domain_current_mv c
 WHERE c.division_code >= (SELECT creditrisk.scope_from()) AND c.division_code < (SELECT creditrisk.scope_to());
COMMENT ON VIEW creditrisk.classification_domain_current IS
    'Each enterprise''s class in each domain it belongs to (通用+专业融合, art. 16), latest run, enterprises of the reader''s jurisdiction';

-- Refreshing needs the owner's rights; the monthly run calls this, and so may
-- a DBA.  It takes no argument and returns nothing: it cannot read for its
-- caller, and writes only what the views' fixed queries compute.
CREATE FUNCTION creditrisk.refresh_current_views() RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    REFRESH MATERIALIZED VIEW CONCURRENTLY creditrisk.classification_current_mv;
    REFRESH MATERIALIZED VIEW CONCURRENTLY creditrisk.classification_domain_current_mv;
END
$$;
COMMENT ON FUNCTION creditrisk.refresh_current_views() IS
    'Refreshes the current-classification materialized views CONCURRENTLY with their owner''s rights (SECURITY DEFINER, search_path pinned; EXECUTE for creditrisk_admin only)';

CREATE OR REPLACE VIEW creditrisk.enterprise_measures WITH (security_invoker = true) AS
SELECT c.uscc, c.division_code, c.final_class AS class, m.min_spot_check_ratio, m.proactive_onsite_inspection,
       m.key_licensing_review, m.key_supervision_target, m.other_measures, m.sources
  FROM creditrisk.classification_current c
  JOIN (SELECT d.division_code, f.*
          FROM (SELECT DISTINCT x.division_code FROM creditrisk.classification_current x) d
         CROSS JOIN LATERAL creditrisk.measures_in_force(d.division_code, current_date) f) m
    ON m.division_code = c.division_code AND m.class = c.final_class;

REVOKE ALL ON TABLE creditrisk.classification_current, creditrisk.classification_domain_current FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.division_upper(text), creditrisk.scope_from(), creditrisk.scope_to(),
                       creditrisk.refresh_current_views() FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Jurisdictions (管辖范围)
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.jurisdiction (
    role_name     name PRIMARY KEY,
    kind          text NOT NULL
                  CONSTRAINT jurisdiction_kind_valid CHECK (kind IN ('admin', 'analyst', 'partner', 'auditor')),
    division_code creditrisk.division_code NOT NULL,
    enrolled_by   name NOT NULL DEFAULT current_user,
    enrolled_at   timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE creditrisk.jurisdiction IS
    'Jurisdiction (管辖范围) of each enrolled role: its kind (admin, analyst, partner, auditor) and division (410000 province, 411600 city, 411622 county); it sees the enterprises of that division and below. Written by creditrisk.enrol() only';
COMMENT ON COLUMN creditrisk.jurisdiction.role_name IS
    'The enrolled role (a login, normally); a role renamed or dropped loses its jurisdiction, and one of the same name created later has none until enrolled';
COMMENT ON COLUMN creditrisk.jurisdiction.division_code IS
    'The division the role works on (art. 5): province-wide (xx0000), a city (xxxx00, 4190xx) or a county';

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
-- What partners read: only through these views (security barrier, owned by
-- the data's owner), never the tables.
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.shared_fields(division_code text) RETURNS text[]
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT array_agg(DISTINCT f ORDER BY f)
      FROM creditrisk.sharing_agreement s, unnest(s.divisions) d, unnest(s.fields) f
     WHERE s.partner = current_user AND s.valid_until >= current_date AND NOT s.aggregates_only
       AND shared_fields.division_code >= d AND shared_fields.division_code < creditrisk.division_upper(d)
$$;
COMMENT ON FUNCTION creditrisk.shared_fields(text) IS
    'The fields the current role may see of an enterprise of a division under its unexpired sharing agreements (NULL: none)';

CREATE FUNCTION creditrisk.shared_for_aggregates(division_code text) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM creditrisk.sharing_agreement s, unnest(s.divisions) d
                    WHERE s.partner = current_user AND s.valid_until >= current_date
                      AND shared_for_aggregates.division_code >= d
                      AND shared_for_aggregates.division_code < creditrisk.division_upper(d))
$$;
COMMENT ON FUNCTION creditrisk.shared_for_aggregates(text) IS
    'Whether an unexpired sharing agreement of the current role covers a division (for class counts)';

CREATE VIEW creditrisk.shared_classification WITH (security_barrier = true) AS
SELECT c.uscc, c.division_code, c.final_class,
       (SELECT max(run.as_of) FROM creditrisk.classification_run run) AS class_date,
       CASE WHEN 'score' = ANY (g.fields) THEN c.score END AS score,
       CASE WHEN 'score_class' = ANY (g.fields) THEN c.score_class END AS score_class,
       CASE WHEN 'overrides' = ANY (g.fields) THEN c.overrides END AS overrides,
       CASE WHEN 'reasons' = ANY (g.fields) THEN c.reasons END AS reasons
  FROM (SELECT DISTINCT x.division_code, creditrisk.shared_fields(x.division_code) AS fields
          FROM creditrisk.classification_current_mv x) g
  JOIN creditrisk.classification_current_mv c ON c.division_code = g.division_code
 WHERE g.fields IS NOT NULL;
COMMENT ON VIEW creditrisk.shared_classification IS
    'For partner departments (共享部门): the current classification of the enterprises their unexpired sharing agreements cover; fields not granted are NULL';

CREATE VIEW creditrisk.shared_distribution WITH (security_barrier = true) AS
SELECT c.division_code::text AS division_code, count(*) AS enterprises,
       count(*) FILTER (WHERE c.final_class = 'A') AS a, count(*) FILTER (WHERE c.final_class = 'B') AS b,
       count(*) FILTER (WHERE c.final_class = 'C') AS c, count(*) FILTER (WHERE c.final_class = 'D') AS d,
       (SELECT max(run.as_of) FROM creditrisk.classification_run run) AS class_date
  FROM creditrisk.classification_current_mv c
 WHERE c.division_code IN (SELECT x.division_code FROM (SELECT DISTINCT y.division_code FROM creditrisk.classification_current_mv y) x
                            WHERE creditrisk.shared_for_aggregates(x.division_code))
 GROUP BY c.division_code;
COMMENT ON VIEW creditrisk.shared_distribution IS
    'For partner departments (共享部门): final-class counts of the current classification per division their unexpired sharing agreements cover (aggregates-only agreements included)';

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
                             'public_opinion', 'domain_risk_class', 'indicator_value',
                             'classification_run', 'classification_result', 'classification_domain_result',
                             'supervision_measure', 'jurisdiction', 'sharing_agreement',
                             -- superseded versions (extension/knowledge.sql)
                             'enterprise_history', 'licence_history', 'penalty_history', 'spot_check_history',
                             'complaint_history', 'abnormal_listing_history', 'serious_dishonesty_listing_history',
                             'judgment_debtor_listing_history', 'annual_report_history', 'registration_change_history',
                             'related_party_link_history', 'equity_pledge_freeze_history', 'lawsuit_history',
                             'public_opinion_history', 'domain_risk_class_history', 'indicator_value_history']
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
    'Creates (if absent) the group roles creditrisk_owner, _admin, _analyst, _partner, _auditor, gives each exactly the grants its job needs, makes creditrisk_owner own the data and views, and (re)creates the row-level security policies; idempotent, for a superuser; run again after ALTER EXTENSION UPDATE and after a restore';

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
    IF kind NOT IN ('admin', 'analyst', 'partner', 'auditor') THEN
        RAISE EXCEPTION 'unknown kind of creditrisk role "%"', kind
            USING ERRCODE = 'invalid_parameter_value', DETAIL = 'The kinds are admin, analyst, partner and auditor.';
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
    'Makes a role a creditrisk admin, analyst, partner or auditor of a division (410000 province-wide, 411600 a city, 411622 a county) and sets its search_path in this database so that the types'' operators resolve; re-enrolling changes kind and division; for a superuser (or a role with CREATEROLE and the rights on jurisdiction)';

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
REVOKE ALL ON FUNCTION creditrisk.shared_fields(text), creditrisk.shared_for_aggregates(text),
                       creditrisk.create_roles(), creditrisk.enrol(regrole, text, text), creditrisk.unenrol(regrole),
                       creditrisk.share(regrole, text[], text[], date, boolean),
                       creditrisk.guard_views()
    FROM PUBLIC;

-- (audit: the accountability delta of issue 12 follows here)

-- >>> Accountability (issue 12, extension/audit.sql)
-- Accountability: the same objects as a fresh install (extension/audit.sql).

-- ---------------------------------------------------------------------------
-- Refusing changes (generic guards)
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    RAISE EXCEPTION '% on %.% refused: the table is append-only', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              DETAIL = 'Rows of the classification history and of the audit trail are never changed or deleted, not even by their owner.',
              HINT = CASE WHEN TG_TABLE_NAME IN ('classification_result', 'classification_domain_result', 'classification_run')
                          THEN 'Correct a result with creditrisk.correct_result(), or re-run the date: both add a new, logged version.'
                          ELSE 'Nothing may rewrite the audit trail.' END;
END
$$;
COMMENT ON FUNCTION creditrisk.append_only() IS
    'Trigger: refuses UPDATE, DELETE and TRUNCATE on an append-only table (只增不改) of the history or the audit trail';

-- ---------------------------------------------------------------------------
-- The change log (配置变更日志)
-- ---------------------------------------------------------------------------
CREATE SEQUENCE creditrisk.change_log_seq;
COMMENT ON SEQUENCE creditrisk.change_log_seq IS 'Numbers the entries of creditrisk.change_log';

CREATE TABLE creditrisk.change_log (
    seq               bigint NOT NULL DEFAULT pg_catalog.nextval('creditrisk.change_log_seq'),
    logged_at         timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    transaction_id    xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
    session_user_name name NOT NULL,
    current_user_name name NOT NULL,
    client_addr       inet DEFAULT pg_catalog.inet_client_addr(),
    application_name  text DEFAULT pg_catalog.current_setting('application_name', true),
    table_name        text NOT NULL,
    operation         text NOT NULL
                      CONSTRAINT change_log_operation_valid CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')),
    old_value         jsonb,
    new_value         jsonb
);
-- No unique key on seq: a restore adds entries of its own (the restored
-- configuration rows are inserted, and logged) before the sequence is set;
-- order by (logged_at, seq).
CREATE INDEX change_log_logged_at ON creditrisk.change_log (logged_at, seq);
CREATE INDEX change_log_table ON creditrisk.change_log (table_name, logged_at);
COMMENT ON TABLE creditrisk.change_log IS
    'Change log (配置变更日志): every insert, update, delete and truncate of the configuration (models, activations, override rules, high-concern industries, fusion, supervision measures, sealed runs, corrections, jurisdictions and sharing agreements) with who, when and the old and new row; written only by creditrisk.log_change(), never changed';
COMMENT ON COLUMN creditrisk.change_log.seq IS 'Entry number (order by logged_at, seq: entries written during a restore may repeat numbers)';
COMMENT ON COLUMN creditrisk.change_log.logged_at IS 'When the row changed (clock time of the change)';
COMMENT ON COLUMN creditrisk.change_log.transaction_id IS 'The changing transaction: entries with the same id were committed together';
COMMENT ON COLUMN creditrisk.change_log.session_user_name IS 'The login (会话用户) that made the change';
COMMENT ON COLUMN creditrisk.change_log.current_user_name IS 'The role whose rights the change used (当前用户: after SET ROLE, or the owner of a SECURITY DEFINER function)';
COMMENT ON COLUMN creditrisk.change_log.table_name IS 'Qualified name of the changed table';
COMMENT ON COLUMN creditrisk.change_log.old_value IS 'The row before (UPDATE, DELETE), as jsonb';
COMMENT ON COLUMN creditrisk.change_log.new_value IS 'The row after (INSERT, UPDATE), as jsonb';

CREATE FUNCTION creditrisk.log_change() RETURNS trigger
    AS 'MODULE_PATHNAME', 'log_change' LANGUAGE C;
COMMENT ON FUNCTION creditrisk.log_change() IS
    'Trigger (AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW, AFTER TRUNCATE FOR EACH STATEMENT): appends the change to creditrisk.change_log with the session and current user; attach it to any table whose changes must be traceable (变更留痕)';

CREATE FUNCTION creditrisk.change_log_guard() RETURNS trigger
    AS 'MODULE_PATHNAME', 'change_log_guard' LANGUAGE C;
COMMENT ON FUNCTION creditrisk.change_log_guard() IS
    'Trigger: only creditrisk.log_change() adds entries to the change log (and a superuser restoring a dump)';

CREATE TRIGGER change_log_guard BEFORE INSERT ON creditrisk.change_log
    FOR EACH ROW EXECUTE FUNCTION creditrisk.change_log_guard();
CREATE TRIGGER change_log_append_only BEFORE UPDATE OR DELETE ON creditrisk.change_log
    FOR EACH ROW EXECUTE FUNCTION creditrisk.append_only();
CREATE TRIGGER change_log_no_truncate BEFORE TRUNCATE ON creditrisk.change_log
    FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.append_only();

-- Attaches the logging triggers to a table (idempotent).
CREATE FUNCTION creditrisk.log_changes_of(tab regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t WHERE t.tgrelid = tab AND t.tgname = 'zz_log_change') THEN
        EXECUTE format('CREATE TRIGGER zz_log_change AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION creditrisk.log_change()', tab);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t WHERE t.tgrelid = tab AND t.tgname = 'zz_log_truncate') THEN
        EXECUTE format('CREATE TRIGGER zz_log_truncate AFTER TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.log_change()', tab);
    END IF;
END
$$;
COMMENT ON FUNCTION creditrisk.log_changes_of(regclass) IS
    'Attaches creditrisk.log_change() to a table (triggers zz_log_change and zz_log_truncate, fired after the table''s other triggers); idempotent';

SELECT creditrisk.log_changes_of(t::regclass)
  FROM unnest(ARRAY['creditrisk.jurisdiction', 'creditrisk.sharing_agreement', 'creditrisk.indicator', 'creditrisk.model', 'creditrisk.model_dimension', 'creditrisk.model_group',
                    'creditrisk.model_indicator', 'creditrisk.model_bin', 'creditrisk.model_category',
                    'creditrisk.model_floor', 'creditrisk.model_floor_condition',
                    'creditrisk.model_activation', 'creditrisk.override_rule', 'creditrisk.high_concern_industry',
                    'creditrisk.fusion_rule', 'creditrisk.fusion_matrix', 'creditrisk.supervision_measure']) t;

-- ---------------------------------------------------------------------------
-- The classification history is append-only
-- ---------------------------------------------------------------------------
-- A run's rows may change while the run is in progress (the monthly run
-- applies the overrides to the rows it has just inserted); once the run is
-- finished it is sealed, and its rows are frozen.
-- SECURITY DEFINER so that it reads the seals whatever the rights of the
-- role whose change it judges (a trigger function cannot be called directly).
CREATE FUNCTION creditrisk.history_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM creditrisk.classification_seal s WHERE s.as_of = OLD.as_of AND s.version = OLD.version) THEN
        RAISE EXCEPTION '% on %.% refused: the run of % (version %) is sealed', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME,
                        OLD.as_of, OLD.version
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'The classification history (分类结果历史) is append-only: a finished run is never updated or deleted, not even by its owner.',
                  HINT = 'Correct a result with creditrisk.correct_result(run, uscc, new_class, reason); it is logged as a new version.';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION creditrisk.history_guard() IS
    'Trigger: rows of a sealed (finished) classification run cannot be updated or deleted';

CREATE TRIGGER classification_run_append_only BEFORE UPDATE OR DELETE ON creditrisk.classification_run
    FOR EACH ROW EXECUTE FUNCTION creditrisk.history_guard();
CREATE TRIGGER classification_result_append_only BEFORE UPDATE OR DELETE ON creditrisk.classification_result
    FOR EACH ROW EXECUTE FUNCTION creditrisk.history_guard();
CREATE TRIGGER classification_domain_result_append_only BEFORE UPDATE OR DELETE ON creditrisk.classification_domain_result
    FOR EACH ROW EXECUTE FUNCTION creditrisk.history_guard();
CREATE TRIGGER classification_run_no_truncate BEFORE TRUNCATE ON creditrisk.classification_run
    FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.append_only();
CREATE TRIGGER classification_result_no_truncate BEFORE TRUNCATE ON creditrisk.classification_result
    FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.append_only();
CREATE TRIGGER classification_domain_result_no_truncate BEFORE TRUNCATE ON creditrisk.classification_domain_result
    FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.append_only();

-- ---------------------------------------------------------------------------
-- The hash chain (防篡改哈希链)
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.history_row_hashes(query text)
RETURNS TABLE (row_key text, row_hash bytea)
    AS 'MODULE_PATHNAME', 'history_row_hashes' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION creditrisk.history_row_hashes(text) IS
    'Internal: SHA-256 of each row of a query in the canonical serialisation (binary COPY tuple of every column but the first, which is the row''s key)';

CREATE FUNCTION creditrisk.history_blocks(query text, seed bytea, block_rows integer)
RETURNS TABLE (block integer, row_keys text[], row_hashes bytea, link bytea)
    AS 'MODULE_PATHNAME', 'history_blocks' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION creditrisk.history_blocks(text, bytea, integer) IS
    'Internal: the rows of a query chained from a seed in the order of their keys (the query''s first column, C collation), link = SHA-256(link || row hash), in blocks: keys, row hashes and the link after each block';

CREATE FUNCTION creditrisk.history_link(seed bytea, row_hashes bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'history_link' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.history_link(bytea, bytea) IS
    'The hash chain''s link after a sequence of 32-byte SHA-256 row hashes: link = SHA-256(link || hash) for each, from the seed';

-- The canonical serialisation of each history table: the columns hashed,
-- in this order (doc/AUDIT.md).  The first column is the row's key; rows are
-- chained in the order of their keys' bytes (C collation), whatever order
-- the query returns them in.
CREATE FUNCTION creditrisk.history_query(tab text, run date, version integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE tab
    WHEN 'classification_run' THEN format(
        'SELECT r.as_of::text || ''/'' || r.version, r.as_of, r.version, r.known_at, r.model_key, r.model_revision,'
        ' r.started_at, r.finished_at, r.run_by, r.enterprises, r.score_classes, r.final_classes, r.overridden,'
        ' r.overrides, r.domain_results, r.stages'
        ' FROM creditrisk.classification_run r WHERE r.as_of = %L AND r.version = %s', run, version)
    WHEN 'classification_result' THEN format(
        'SELECT r.uscc::text, r.as_of, r.version, r.uscc, r.division_code, r.score, r.score_class, r.final_class,'
        ' r.overrides, r.override_details, r.reasons'
        ' FROM creditrisk.classification_result r WHERE r.as_of = %L AND r.version = %s', run, version)
    WHEN 'classification_domain_result' THEN format(
        'SELECT r.uscc::text || ''/'' || r.domain, r.as_of, r.version, r.uscc, r.domain, r.division_code, r.general_class,'
        ' r.professional_class, r.assessed_date, r.method, r.fused_class'
        ' FROM creditrisk.classification_domain_result r WHERE r.as_of = %L AND r.version = %s', run, version)
    END
$$;
COMMENT ON FUNCTION creditrisk.history_query(text, date, integer) IS
    'Internal: the query whose rows are hashed for a history table and run version (the canonical column list and order, format 1)';

CREATE TABLE creditrisk.classification_seal (
    seq          bigint PRIMARY KEY CONSTRAINT classification_seal_seq_positive CHECK (seq > 0),
    as_of        date NOT NULL,
    version      integer NOT NULL,
    hash_format  smallint NOT NULL DEFAULT 1,
    prev_digest  bytea NOT NULL,
    run_hash     bytea NOT NULL,
    result_rows  bigint NOT NULL,
    domain_rows  bigint NOT NULL,
    digest       bytea NOT NULL,
    sealed_at    timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    sealed_by    name NOT NULL DEFAULT session_user,
    CONSTRAINT classification_seal_run UNIQUE (as_of, version)
);
COMMENT ON TABLE creditrisk.classification_seal IS
    'Seals of finished classification runs (分类批次封存), in the order they were sealed: each run''s digest chains the previous run''s digest, the run row and every result and fused-class row in key order (SHA-256)';
COMMENT ON COLUMN creditrisk.classification_seal.version IS 'The run sealed: as_of and version (creditrisk.classification_run)';
COMMENT ON COLUMN creditrisk.classification_seal.seq IS 'Order of sealing: 1, 2, ... without gaps';
COMMENT ON COLUMN creditrisk.classification_seal.prev_digest IS 'Digest of the run sealed before (seq - 1); 32 zero bytes for the first';
COMMENT ON COLUMN creditrisk.classification_seal.run_hash IS 'SHA-256 of the run row (classification_run) in the canonical serialisation';
COMMENT ON COLUMN creditrisk.classification_seal.digest IS
    'history_link(prev_digest, run_hash || the result rows'' hashes in uscc order || the fused-class rows'' hashes in (uscc, domain) order): write it down elsewhere to anchor the chain';

CREATE TABLE creditrisk.classification_seal_block (
    seq        bigint NOT NULL,
    table_name text NOT NULL
               CONSTRAINT classification_seal_block_table CHECK (table_name IN ('classification_result', 'classification_domain_result')),
    block      integer NOT NULL,
    row_keys   text[] NOT NULL,
    row_hashes bytea NOT NULL,
    link       bytea NOT NULL,
    PRIMARY KEY (seq, table_name, block)
);
ALTER TABLE creditrisk.classification_seal_block ALTER COLUMN row_hashes SET STORAGE EXTERNAL;
COMMENT ON TABLE creditrisk.classification_seal_block IS
    'The hash chain of a sealed run in blocks of 1000 rows: the rows'' keys, their SHA-256 hashes (32 bytes each, concatenated) and the chain''s link after the block; lets creditrisk.verify_history() name the row that changed';

CREATE TRIGGER classification_seal_append_only BEFORE UPDATE OR DELETE ON creditrisk.classification_seal
    FOR EACH ROW EXECUTE FUNCTION creditrisk.append_only();
CREATE TRIGGER classification_seal_no_truncate BEFORE TRUNCATE ON creditrisk.classification_seal
    FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.append_only();
CREATE TRIGGER classification_seal_block_append_only BEFORE UPDATE OR DELETE ON creditrisk.classification_seal_block
    FOR EACH ROW EXECUTE FUNCTION creditrisk.append_only();
CREATE TRIGGER classification_seal_block_no_truncate BEFORE TRUNCATE ON creditrisk.classification_seal_block
    FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.append_only();
SELECT creditrisk.log_changes_of('creditrisk.classification_seal');

-- Seals a finished run (the trigger below calls it when the run finishes,
-- with its owner's rights; ALTER EXTENSION ... UPDATE calls it for the runs
-- of earlier versions).  Nobody else needs it.
-- (enable_indexscan off: inside the run's transaction the statistics do not
-- know the run's rows yet, and an index scan of a run bigger than
-- shared_buffers reads the heap at random; the rows are sorted in memory.)
CREATE FUNCTION creditrisk.seal_run(run date, version integer) RETURNS creditrisk.classification_seal
LANGUAGE plpgsql VOLATILE STRICT SET search_path = pg_catalog, creditrisk, pg_temp SET enable_indexscan = off AS $$
DECLARE
    s creditrisk.classification_seal;
    prev creditrisk.classification_seal;
    link bytea;
    last_link bytea;
    t text;
    n bigint;
BEGIN
    -- Runs are sealed one at a time, in order.
    LOCK TABLE creditrisk.classification_seal IN EXCLUSIVE MODE;
    IF NOT EXISTS (SELECT 1 FROM creditrisk.classification_run r
                    WHERE r.as_of = run AND r.version = seal_run.version AND r.finished_at IS NOT NULL) THEN
        RAISE EXCEPTION 'there is no finished classification run on % (version %)', run, version
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Runs are sealed when refresh_classification() finishes them.';
    END IF;
    IF EXISTS (SELECT 1 FROM creditrisk.classification_seal x WHERE x.as_of = run AND x.version = seal_run.version) THEN
        RAISE EXCEPTION 'the classification run of % (version %) is already sealed', run, version
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    SELECT * INTO prev FROM creditrisk.classification_seal x ORDER BY x.seq DESC LIMIT 1;
    s.seq := coalesce(prev.seq, 0) + 1;
    s.as_of := run;
    s.version := version;
    s.hash_format := 1;
    s.prev_digest := coalesce(prev.digest, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
    SELECT h.row_hash INTO s.run_hash FROM creditrisk.history_row_hashes(creditrisk.history_query('classification_run', run, version)) h;
    link := creditrisk.history_link(s.prev_digest, s.run_hash);
    FOREACH t IN ARRAY ARRAY['classification_result', 'classification_domain_result'] LOOP
        INSERT INTO creditrisk.classification_seal_block (seq, table_name, block, row_keys, row_hashes, link)
        SELECT s.seq, t, b.block, b.row_keys, b.row_hashes, b.link
          FROM creditrisk.history_blocks(creditrisk.history_query(t, run, version), link, 1000) b;
        SELECT b.link INTO last_link
          FROM creditrisk.classification_seal_block b WHERE b.seq = s.seq AND b.table_name = t
         ORDER BY b.block DESC LIMIT 1;
        IF FOUND THEN
            link := last_link;
        END IF;
        SELECT coalesce(sum(cardinality(b.row_keys)), 0) INTO n
          FROM creditrisk.classification_seal_block b WHERE b.seq = s.seq AND b.table_name = t;
        IF t = 'classification_result' THEN s.result_rows := n; ELSE s.domain_rows := n; END IF;
    END LOOP;
    s.digest := link;
    s.sealed_at := clock_timestamp();
    s.sealed_by := session_user;
    INSERT INTO creditrisk.classification_seal SELECT s.*;
    RETURN s;
END
$$;
COMMENT ON FUNCTION creditrisk.seal_run(date, integer) IS
    'Seals a finished classification run (分类批次封存): hashes its rows, chains them to the run sealed before and records the seal; from then on the run is frozen. Called when a run finishes';

-- SECURITY DEFINER: the seal covers every row of the run whatever the row-
-- level security of the role running it, and is written to tables nobody
-- else may write; a trigger function cannot be called directly.
CREATE FUNCTION creditrisk.seal_finished_run() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    PERFORM creditrisk.seal_run(NEW.as_of, NEW.version);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION creditrisk.seal_finished_run() IS
    'Trigger: seals a classification run when its finished_at is set (creditrisk.seal_run)';
CREATE TRIGGER classification_run_seal AFTER UPDATE OF finished_at ON creditrisk.classification_run
    FOR EACH ROW WHEN (OLD.finished_at IS NULL AND NEW.finished_at IS NOT NULL)
    EXECUTE FUNCTION creditrisk.seal_finished_run();

-- ---------------------------------------------------------------------------
-- Corrections (更正): a new, logged version of the run, never an UPDATE
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.classification_correction (
    as_of             date NOT NULL,
    version           integer NOT NULL,
    corrected_version integer NOT NULL,
    uscc              creditrisk.uscc NOT NULL,
    division_code     creditrisk.division_code NOT NULL,
    previous_class    creditrisk.riskclass NOT NULL,
    new_class         creditrisk.riskclass NOT NULL,
    reason            text NOT NULL CONSTRAINT classification_correction_reason CHECK (btrim(reason) <> ''),
    corrected_at      timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    session_user_name name NOT NULL DEFAULT session_user,
    current_user_name name NOT NULL DEFAULT current_user,
    PRIMARY KEY (as_of, version, uscc)
);
COMMENT ON TABLE creditrisk.classification_correction IS
    'Corrections of results (分类结果更正): each correction made a new version of the run (version) from the version corrected, with the enterprise''s new final class, why, who and when; append-only';
COMMENT ON COLUMN creditrisk.classification_correction.version IS 'The version of the run the correction created (creditrisk.classification_run)';
COMMENT ON COLUMN creditrisk.classification_correction.corrected_version IS 'The version it corrected (stays in the history)';
COMMENT ON COLUMN creditrisk.classification_correction.division_code IS 'The enterprise''s division in the run (for division-scoped access, as the results)';
COMMENT ON COLUMN creditrisk.classification_correction.reason IS 'Why (更正理由): the decision, document or error it rests on';
CREATE TRIGGER classification_correction_append_only BEFORE UPDATE OR DELETE ON creditrisk.classification_correction
    FOR EACH ROW EXECUTE FUNCTION creditrisk.append_only();
CREATE TRIGGER classification_correction_no_truncate BEFORE TRUNCATE ON creditrisk.classification_correction
    FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.append_only();
-- (Not in the change log, which holds no enterprise data: the correction is
-- this row, scoped like the results (row-level security; the policy comes
-- from create_roles()), and the sealed version it made.)
ALTER TABLE creditrisk.classification_correction ENABLE ROW LEVEL SECURITY;
ALTER TABLE creditrisk.classification_correction FORCE ROW LEVEL SECURITY;

CREATE FUNCTION creditrisk.correct_result(run date, uscc creditrisk.uscc, new_class creditrisk.riskclass, reason text)
RETURNS creditrisk.classification_run
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    v integer;
    nv integer;
    r creditrisk.classification_result;
    src creditrisk.classification_run;
    result creditrisk.classification_run;
    latest record;
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
    -- The current views show the latest version of the latest date.
    SELECT x.as_of, x.version INTO latest FROM creditrisk.classification_run x ORDER BY x.as_of DESC, x.version DESC LIMIT 1;
    IF latest.as_of = run AND latest.version = nv THEN
        PERFORM creditrisk.refresh_current_views();
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION creditrisk.correct_result(date, creditrisk.uscc, creditrisk.riskclass, text) IS
    'Corrects one enterprise''s final class (分类结果更正) in the run of a date: adds a new version of the run with that result changed (override "correction", with the reason and who) and its fused classes recomputed, records the correction (who, when, why) in creditrisk.classification_correction, seals the version and refreshes the current views if it is the latest; earlier versions stay. Returns the new version';

CREATE FUNCTION creditrisk.history_unnest(row_keys text[], row_hashes bytea)
RETURNS TABLE (row_key text, row_hash bytea)
    AS 'MODULE_PATHNAME', 'history_unnest' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.history_unnest(text[], bytea) IS
    'Internal: a stored block of the hash chain as (row key, row hash) rows';

-- ---------------------------------------------------------------------------
-- Verification (核验)
-- ---------------------------------------------------------------------------
-- SECURITY DEFINER: it must see every row of the history, whatever the
-- row-level security of the auditor running it; it returns only keys and
-- what happened to them.
CREATE FUNCTION creditrisk.verify_history(anchor bytea DEFAULT NULL, all_problems boolean DEFAULT false)
RETURNS TABLE (run date, version integer, seal_seq bigint, table_name text, row_key text, problem text, detail text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_column
DECLARE
    zero CONSTANT bytea := '\x0000000000000000000000000000000000000000000000000000000000000000';
    s creditrisk.classification_seal;
    b record;
    prev bytea := zero;
    expected bigint := 1;
    link bytea;
    h bytea;
    t text;
    n bigint;
    problems bigint := 0;
BEGIN
    FOR s IN SELECT * FROM creditrisk.classification_seal x ORDER BY x.seq LOOP
        -- 1. The chain of runs.
        IF s.seq <> expected THEN
            RETURN QUERY SELECT NULL::date, NULL::integer, expected, 'classification_run'::text, NULL::text, 'run deleted'::text,
                format('seals %s to %s are missing: the runs sealed between %s and %s were deleted', expected, s.seq - 1,
                       coalesce((SELECT p.as_of || ' (version ' || p.version || ')' FROM creditrisk.classification_seal p WHERE p.seq = expected - 1), 'the start'),
                       s.as_of || ' (version ' || s.version || ')');
            problems := problems + 1;
        ELSIF s.prev_digest IS DISTINCT FROM prev THEN
            RETURN QUERY SELECT s.as_of, s.version, s.seq, 'classification_seal'::text, NULL::text, 'seal altered'::text,
                format('the seal''s predecessor digest is not the digest of seal %s', s.seq - 1);
            problems := problems + 1;
        END IF;
        IF problems > 0 AND NOT all_problems THEN RETURN; END IF;

        -- 2. The stored chain: blocks chain to the seal's digest.
        link := creditrisk.history_link(s.prev_digest, s.run_hash);
        FOR b IN SELECT x.* FROM creditrisk.classification_seal_block x WHERE x.seq = s.seq
                  ORDER BY CASE x.table_name WHEN 'classification_result' THEN 1 ELSE 2 END, x.block LOOP
            IF octet_length(b.row_hashes) <> 32 * cardinality(b.row_keys)
               OR creditrisk.history_link(link, b.row_hashes) IS DISTINCT FROM b.link THEN
                RETURN QUERY SELECT s.as_of, s.version, s.seq, b.table_name, b.row_keys[1], 'seal altered'::text,
                    format('the stored hashes of block %s (from row %s) no longer chain to the block''s link', b.block, b.row_keys[1]);
                problems := problems + 1;
                IF NOT all_problems THEN RETURN; END IF;
            END IF;
            link := b.link;
        END LOOP;
        IF link IS DISTINCT FROM s.digest
           OR (SELECT coalesce(sum(cardinality(x.row_keys)), 0) FROM creditrisk.classification_seal_block x
                WHERE x.seq = s.seq AND x.table_name = 'classification_result') <> s.result_rows
           OR (SELECT coalesce(sum(cardinality(x.row_keys)), 0) FROM creditrisk.classification_seal_block x
                WHERE x.seq = s.seq AND x.table_name = 'classification_domain_result') <> s.domain_rows THEN
            RETURN QUERY SELECT s.as_of, s.version, s.seq, 'classification_seal'::text, NULL::text, 'seal altered'::text,
                'the seal''s blocks do not chain to its digest (a block was deleted or added, or the digest rewritten)'::text;
            problems := problems + 1;
            IF NOT all_problems THEN RETURN; END IF;
        END IF;

        -- 3. The run row.
        SELECT x.row_hash INTO h FROM creditrisk.history_row_hashes(creditrisk.history_query('classification_run', s.as_of, s.version)) x;
        IF NOT FOUND THEN
            RETURN QUERY SELECT s.as_of, s.version, s.seq, 'classification_run'::text, NULL::text, 'run deleted'::text,
                format('the run sealed as %s is gone from creditrisk.classification_run', s.seq);
            problems := problems + 1;
        ELSIF h IS DISTINCT FROM s.run_hash THEN
            RETURN QUERY SELECT s.as_of, s.version, s.seq, 'classification_run'::text, s.as_of || '/' || s.version, 'altered'::text,
                'the run row differs from the row sealed'::text;
            problems := problems + 1;
        END IF;
        IF problems > 0 AND NOT all_problems THEN RETURN; END IF;

        -- 4. The rows, as they are now, against the hashes sealed.
        FOREACH t IN ARRAY ARRAY['classification_result', 'classification_domain_result'] LOOP
            RETURN QUERY
            WITH stored AS (
                SELECT u.row_key AS k, u.row_hash AS h
                  FROM creditrisk.classification_seal_block x
                 CROSS JOIN LATERAL creditrisk.history_unnest(x.row_keys, x.row_hashes) u
                 WHERE x.seq = s.seq AND x.table_name = t
            ), actual AS (
                SELECT a.row_key AS k, a.row_hash AS h FROM creditrisk.history_row_hashes(creditrisk.history_query(t, s.as_of, s.version)) a
            )
            SELECT s.as_of, s.version, s.seq, t, coalesce(st.k, ac.k),
                   CASE WHEN ac.k IS NULL THEN 'deleted' WHEN st.k IS NULL THEN 'inserted' ELSE 'altered' END,
                   CASE WHEN ac.k IS NULL THEN 'a row sealed with the run is gone'
                        WHEN st.k IS NULL THEN 'a row that was not in the run when it was sealed'
                        ELSE 'the row differs from the row sealed' END
              FROM stored st FULL JOIN actual ac ON ac.k = st.k
             WHERE st.h IS DISTINCT FROM ac.h
             ORDER BY coalesce(st.k, ac.k) COLLATE "C"
             LIMIT CASE WHEN all_problems THEN NULL ELSE 1 END;
            GET DIAGNOSTICS n = ROW_COUNT;
            problems := problems + n;
            IF problems > 0 AND NOT all_problems THEN RETURN; END IF;
        END LOOP;
        prev := s.digest;
        expected := s.seq + 1;
    END LOOP;

    -- 5. History that no seal covers: runs and rows inserted behind the
    -- triggers' back (the run in progress in this transaction is skipped).
    RETURN QUERY
    SELECT x.as_of, x.version, NULL::bigint, x.tab, x.k, 'inserted'::text, x.why
      FROM (SELECT r.as_of, r.version, 'classification_run'::text AS tab, NULL::text AS k, 'a run that was never sealed'::text AS why
              FROM creditrisk.classification_run r
             WHERE r.finished_at IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM creditrisk.classification_seal z WHERE z.as_of = r.as_of AND z.version = r.version)
            UNION ALL
            SELECT r.as_of, r.version, 'classification_result', min(r.uscc::text COLLATE "C"), 'rows of a run that was never sealed'
              FROM creditrisk.classification_result r
             WHERE NOT EXISTS (SELECT 1 FROM creditrisk.classification_seal z WHERE z.as_of = r.as_of AND z.version = r.version)
               AND NOT EXISTS (SELECT 1 FROM creditrisk.classification_run q
                                WHERE q.as_of = r.as_of AND q.version = r.version AND q.finished_at IS NULL)
             GROUP BY r.as_of, r.version
            UNION ALL
            SELECT r.as_of, r.version, 'classification_domain_result', min(r.uscc::text || '/' || r.domain COLLATE "C"),
                   'rows of a run that was never sealed'
              FROM creditrisk.classification_domain_result r
             WHERE NOT EXISTS (SELECT 1 FROM creditrisk.classification_seal z WHERE z.as_of = r.as_of AND z.version = r.version)
               AND NOT EXISTS (SELECT 1 FROM creditrisk.classification_run q
                                WHERE q.as_of = r.as_of AND q.version = r.version AND q.finished_at IS NULL)
             GROUP BY r.as_of, r.version) x
     ORDER BY x.as_of, x.version, x.tab
     LIMIT CASE WHEN all_problems OR problems = 0 THEN NULL ELSE 0 END;
    GET DIAGNOSTICS n = ROW_COUNT;
    problems := problems + n;
    IF problems > 0 AND NOT all_problems THEN RETURN; END IF;

    -- 6. The change log remembers every seal: a seal gone (the last run
    -- deleted with its seal) or rewritten shows here.
    RETURN QUERY
    SELECT DISTINCT ON ((l.new_value ->> 'seq')::bigint)
           (l.new_value ->> 'as_of')::date, (l.new_value ->> 'version')::integer, (l.new_value ->> 'seq')::bigint,
           'classification_seal'::text, NULL::text,
           'run deleted'::text,
           format('the change log records seal %s (sealed %s by %s), which is gone or differs',
                  l.new_value ->> 'seq', l.new_value ->> 'sealed_at', l.session_user_name)
      FROM creditrisk.change_log l
     WHERE l.table_name = 'creditrisk.classification_seal' AND l.operation = 'INSERT'
       AND NOT EXISTS (SELECT 1 FROM creditrisk.classification_seal z
                        WHERE z.seq = (l.new_value ->> 'seq')::bigint AND z.digest = (l.new_value ->> 'digest')::bytea)
     ORDER BY (l.new_value ->> 'seq')::bigint
     LIMIT CASE WHEN all_problems THEN NULL ELSE 1 END;
    GET DIAGNOSTICS n = ROW_COUNT;
    problems := problems + n;
    IF problems > 0 AND NOT all_problems THEN RETURN; END IF;

    -- 7. An anchor written down earlier must still be in the chain.
    IF anchor IS NOT NULL AND NOT EXISTS (SELECT 1 FROM creditrisk.classification_seal z WHERE z.digest = anchor) THEN
        RETURN QUERY SELECT NULL::date, NULL::integer, NULL::bigint, 'classification_seal'::text, NULL::text, 'anchor missing'::text,
            format('no sealed run has the digest %s: the chain was rewritten or cut back since it was written down', anchor);
    END IF;
END
$$;
COMMENT ON FUNCTION creditrisk.verify_history(bytea, boolean) IS
    'Verifies the classification history (历史核验) against its hash chain: returns the first run and row that was altered, inserted or deleted behind the triggers'' back (all of them with all_problems), nothing when intact; anchor: a digest from creditrisk.history_head() kept elsewhere, which must still be in the chain';

CREATE FUNCTION creditrisk.history_head(OUT seq bigint, OUT run date, OUT version integer, OUT sealed_at timestamptz, OUT digest text)
LANGUAGE sql STABLE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT s.seq, s.as_of, s.version, s.sealed_at, pg_catalog.encode(s.digest, 'hex')
      FROM creditrisk.classification_seal s ORDER BY s.seq DESC LIMIT 1
$$;
COMMENT ON FUNCTION creditrisk.history_head() IS
    'The head of the history''s hash chain (the latest seal): keep its digest outside the database (a signed report, another department) and pass it to verify_history(decode(digest, ''hex'')) later, which then also notices the chain rewritten or cut back';

-- ---------------------------------------------------------------------------
-- Dump and restore; privileges
-- ---------------------------------------------------------------------------
SELECT pg_catalog.pg_extension_config_dump('creditrisk.change_log', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.change_log_seq', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.classification_seal', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.classification_seal_block', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.classification_correction', '');

REVOKE ALL ON TABLE creditrisk.change_log, creditrisk.classification_seal, creditrisk.classification_seal_block,
                    creditrisk.classification_correction FROM PUBLIC;
REVOKE ALL ON SEQUENCE creditrisk.change_log_seq FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.append_only(), creditrisk.log_change(), creditrisk.change_log_guard(),
                       creditrisk.log_changes_of(regclass), creditrisk.history_guard(),
                       creditrisk.history_row_hashes(text), creditrisk.history_blocks(text, bytea, integer),
                       creditrisk.history_link(bytea, bytea), creditrisk.history_query(text, date, integer),
                       creditrisk.history_unnest(text[], bytea), creditrisk.seal_run(date, integer), creditrisk.seal_finished_run(),
                       creditrisk.verify_history(bytea, boolean), creditrisk.history_head(),
                       creditrisk.correct_result(date, creditrisk.uscc, creditrisk.riskclass, text)
    FROM PUBLIC;

-- The runs of 1.3 are sealed as found now, oldest first: from here on a
-- change to them is detected (a change made before the upgrade is not).
SELECT creditrisk.seal_run(r.as_of, r.version) FROM creditrisk.classification_run r
 WHERE r.finished_at IS NOT NULL ORDER BY r.started_at, r.as_of, r.version;
-- <<< Accountability

-- ===========================================================================
-- Spot-check plans, draws, inspectors (issue 13)
-- ===========================================================================

-- New in 1.4: the whole of extension/supervision.sql (kept identical to it).
-- ===========================================================================
-- 1.4 Applying the classes (issue 13): 双随机、一公开 spot-check tasks with
-- verifiable draws, the inspectors' library, outcomes, licensing review and
-- coverage (Henan measures art. 12-15; Zhoukou notice).
--
--   spot_check_task           抽查任务: organising division, scope, period,
--                             commitment to a seed (SHA-256), then the seed
--   spot_check_task_class     per class: ratio (never below the measures in
--                             force), population, quota = ceil(ratio × N), drawn
--   spot_check_population     the population snapshot the draw is a function of
--   spot_check_draw           the drawn enterprises (at most once per task),
--                             their outcome and publication deadline
--   inspector, inspector_conflict   执法检查人员名录库 and declared conflicts
--   spot_check_task_inspector / _task_conflict   snapshots taken at the draw
--   spot_check_assignment     ≥ 2 inspectors per drawn enterprise
-- The sampler and the assignment run in C (src/sampling.c); verify_draw()
-- re-derives the sample in plain SQL.  doc/spotcheck.md has the algorithm.
-- Every table carries a division_code (the task's organising division or the
-- enterprise's / inspector's division) for division-scoped access.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.jurisdiction_prefix(division_code text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN division_code ~ '0000$' THEN left(division_code, 2)
                WHEN substr(division_code, 3, 2) = '90' THEN division_code
                WHEN division_code ~ '00$' THEN left(division_code, 4)
                ELSE division_code END
$$;
COMMENT ON FUNCTION creditrisk.jurisdiction_prefix(text) IS
    'The code prefix that every division within a jurisdiction (辖区) starts with: 410000 → 41, 411600 → 4116, 411622 → 411622, 419001 → 419001';

CREATE FUNCTION creditrisk.current_classification(OUT as_of date, OUT version integer)
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT r.as_of, r.version FROM creditrisk.classification_run r ORDER BY r.as_of DESC, r.version DESC LIMIT 1
$$;
COMMENT ON FUNCTION creditrisk.current_classification() IS
    'The run classification_current and classification_domain_current hold (最新分类): the latest version of the latest date';

CREATE FUNCTION creditrisk.seed_commitment(seed text) RETURNS bytea
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_catalog.sha256(pg_catalog.convert_to(seed, 'UTF8'))
$$;
COMMENT ON FUNCTION creditrisk.seed_commitment(text) IS
    'The commitment to a draw''s seed (随机种子承诺值): SHA-256 of its UTF-8 bytes; record it in the task before the draw, reveal the seed at the draw';

CREATE FUNCTION creditrisk.spot_key(seed text, uscc creditrisk.uscc) RETURNS bytea
    AS 'MODULE_PATHNAME', 'spot_key' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 10;
COMMENT ON FUNCTION creditrisk.spot_key(text, creditrisk.uscc) IS
    'An enterprise''s draw key (抽取键值) for a seed: sha256(convert_to(seed, ''UTF8'') || ''\x00'' || convert_to(uscc::text, ''UTF8'')); per class the k smallest keys are drawn';

CREATE FUNCTION creditrisk.spot_sample_trans(internal, text, creditrisk.uscc, bigint) RETURNS internal
    AS 'MODULE_PATHNAME', 'spot_sample_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.spot_sample_trans(internal, text, creditrisk.uscc, bigint) IS
    'Transition function of spot_sample (bounded heap of the k smallest draw keys)';
CREATE FUNCTION creditrisk.spot_sample_final(internal) RETURNS creditrisk.uscc[]
    AS 'MODULE_PATHNAME', 'spot_sample_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.spot_sample_final(internal) IS
    'Final function of spot_sample: the kept enterprises in key order';
CREATE FUNCTION creditrisk.spot_sample_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'spot_sample_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.spot_sample_combine(internal, internal) IS
    'Combine function of spot_sample (parallel aggregation: the k smallest keys of two partial heaps)';
CREATE FUNCTION creditrisk.spot_sample_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'spot_sample_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.spot_sample_serialize(internal) IS 'Serialization function of spot_sample';
CREATE FUNCTION creditrisk.spot_sample_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'spot_sample_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.spot_sample_deserialize(bytea, internal) IS 'Deserialization function of spot_sample';
CREATE AGGREGATE creditrisk.spot_sample(seed text, uscc creditrisk.uscc, k bigint) (
    SFUNC = creditrisk.spot_sample_trans,
    STYPE = internal,
    FINALFUNC = creditrisk.spot_sample_final,
    COMBINEFUNC = creditrisk.spot_sample_combine,
    SERIALFUNC = creditrisk.spot_sample_serialize,
    DESERIALFUNC = creditrisk.spot_sample_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE creditrisk.spot_sample(text, creditrisk.uscc, bigint) IS
    'Verifiable sample (可验证抽样): the k enterprises of the group with the smallest spot_key(seed, uscc), in key order (rank = position); O(N log k)';

CREATE FUNCTION creditrisk.spot_assign(seed text, drawn creditrisk.uscc[], inspectors text[],
                                       conflict_uscc creditrisk.uscc[], conflict_inspector text[], per_check integer)
RETURNS TABLE (uscc creditrisk.uscc, certificate_no text, seq integer)
    AS 'MODULE_PATHNAME', 'spot_assign' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 1000 ROWS 1000;
COMMENT ON FUNCTION creditrisk.spot_assign(text, creditrisk.uscc[], text[], creditrisk.uscc[], text[], integer) IS
    'Inspector assignment (随机选派执法检查人员): drawn enterprises in key order each get per_check inspectors, each time the least-loaded one not conflicted with it (ties: smallest sha256(seed || ''\x01'' || certificate_no)); an enterprise with fewer eligible inspectors gets none';

-- The draw leaves out cancelled and revoked enterprises: they are few, so an
-- index of them spares the draw a scan of the whole register.
CREATE INDEX enterprise_closed_idx ON creditrisk.enterprise (uscc) WHERE status <> 'in_business';

-- ---------------------------------------------------------------------------
-- Inspectors (执法检查人员名录库)
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.inspector (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    certificate_no text NOT NULL UNIQUE
                   CONSTRAINT inspector_certificate_format CHECK (certificate_no ~ '^[0-9A-Za-z][0-9A-Za-z-]{3,39}$'),
    name           text NOT NULL CONSTRAINT inspector_name_nonempty CHECK (name <> ''),
    unit           text NOT NULL CONSTRAINT inspector_unit_nonempty CHECK (unit <> ''),
    division_code  creditrisk.division_code NOT NULL,
    competence     text[] NOT NULL DEFAULT '{general}'
                   CONSTRAINT inspector_competence_format
                   CHECK (array_to_string(competence, ',', '?') ~ '^[a-z][a-z_]{1,39}(,[a-z][a-z_]{1,39})*$'),
    active_from    date NOT NULL,
    active_to      date,
    CONSTRAINT inspector_active_period CHECK (active_to >= active_from)
);
CREATE INDEX inspector_division_idx ON creditrisk.inspector (division_code);
COMMENT ON TABLE creditrisk.inspector IS
    'Library of enforcement inspectors (执法检查人员名录库): who may be drawn to inspect, where, in which fields, when';
COMMENT ON COLUMN creditrisk.inspector.certificate_no IS 'Enforcement certificate number (执法证号); its key orders ties in the assignment';
COMMENT ON COLUMN creditrisk.inspector.unit IS 'The inspector''s unit (所属单位)';
COMMENT ON COLUMN creditrisk.inspector.division_code IS 'Division of the unit; the inspector serves tasks organised by it or a level above';
COMMENT ON COLUMN creditrisk.inspector.competence IS 'Fields of competence (执法领域): general (通用), and domains such as food, drugs, special_equipment';
COMMENT ON COLUMN creditrisk.inspector.active_from IS 'First day the inspector may be drawn (在岗起始)';
COMMENT ON COLUMN creditrisk.inspector.active_to IS 'Last day the inspector may be drawn; NULL = open';

CREATE TABLE creditrisk.inspector_conflict (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    inspector_id    bigint NOT NULL,
    uscc            creditrisk.uscc NOT NULL,
    include_related boolean NOT NULL DEFAULT true,
    reason          text NOT NULL CONSTRAINT inspector_conflict_reason_nonempty CHECK (reason <> ''),
    declared_on     date NOT NULL,
    ended_on        date,
    division_code   creditrisk.division_code NOT NULL,
    CONSTRAINT inspector_conflict_period CHECK (ended_on >= declared_on),
    CONSTRAINT inspector_conflict_once UNIQUE (inspector_id, uscc, declared_on)
);
CREATE INDEX inspector_conflict_uscc_idx ON creditrisk.inspector_conflict (uscc);
COMMENT ON TABLE creditrisk.inspector_conflict IS
    'Declared conflicts of interest (利害关系回避, 行政处罚法 art. 43): the inspector is never drawn for the enterprise, nor, with include_related, for its related parties (关联方, related_party_link valid at the task''s start)';
COMMENT ON COLUMN creditrisk.inspector_conflict.include_related IS 'Also withdraw from the enterprise''s related parties (shareholders, branches, common legal representative)';
COMMENT ON COLUMN creditrisk.inspector_conflict.ended_on IS 'Last day the conflict applies; NULL = open';
COMMENT ON COLUMN creditrisk.inspector_conflict.division_code IS 'The inspector''s division (filled in), for division-scoped access';

CREATE FUNCTION creditrisk.inspector_conflict_division() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    d text;
BEGIN
    SELECT i.division_code INTO d FROM creditrisk.inspector i WHERE i.id = NEW.inspector_id;
    IF FOUND THEN
        NEW.division_code := d;
    ELSIF NEW.division_code IS NULL THEN
        RAISE EXCEPTION 'inspector % is not in the library', NEW.inspector_id
            USING ERRCODE = 'foreign_key_violation', HINT = 'Declare conflicts of inspectors listed in creditrisk.inspector.';
    END IF;                  -- else: restored from a dump before its inspector, as it was
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION creditrisk.inspector_conflict_division() IS
    'Trigger: a conflict of interest (利害关系) names an inspector of the library and carries its division';
CREATE TRIGGER inspector_conflict_division BEFORE INSERT OR UPDATE OF inspector_id ON creditrisk.inspector_conflict
    FOR EACH ROW EXECUTE FUNCTION creditrisk.inspector_conflict_division();

-- ---------------------------------------------------------------------------
-- Tasks (抽查任务)
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.spot_check_task (
    id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                     text NOT NULL CONSTRAINT spot_check_task_name_nonempty CHECK (name <> ''),
    division_code            creditrisk.division_code NOT NULL,
    scope_divisions          creditrisk.division_code[] NOT NULL,
    industries               text[] NOT NULL DEFAULT '{}',
    domain                   text CONSTRAINT spot_check_task_domain_format CHECK (domain ~ '^[a-z][a-z_]{1,39}$'),
    check_items              text[] NOT NULL DEFAULT '{}',
    period_start             date NOT NULL,
    period_end               date NOT NULL,
    exclude_inspected_within interval DEFAULT '1 year'
                             CONSTRAINT spot_check_task_exclusion_nonnegative CHECK (exclude_inspected_within >= '0'),
    inspectors_per_check     integer NOT NULL DEFAULT 2
                             CONSTRAINT spot_check_task_two_inspectors CHECK (inspectors_per_check BETWEEN 2 AND 10),
    publication_working_days integer NOT NULL DEFAULT 20
                             CONSTRAINT spot_check_task_publication_days CHECK (publication_working_days BETWEEN 1 AND 250),
    seed_commitment          bytea NOT NULL CONSTRAINT spot_check_task_commitment_sha256 CHECK (length(seed_commitment) = 32),
    seed                     text,
    status                   text NOT NULL DEFAULT 'planned' CONSTRAINT spot_check_task_status_valid CHECK (status IN ('planned', 'drawn')),
    classification_as_of     date,
    classification_version   integer,
    drawn_at                 timestamptz,
    drawn_by                 text,
    created_by               text NOT NULL DEFAULT current_user,
    created_at               timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT spot_check_task_period CHECK (period_end >= period_start),
    CONSTRAINT spot_check_task_scope_nonempty CHECK (cardinality(scope_divisions) > 0),
    CONSTRAINT spot_check_task_industries_format
        CHECK (array_to_string(industries, ',', '?') ~ '^([A-T]([0-9]{2}([0-9]{1,2})?)?(,[A-T]([0-9]{2}([0-9]{1,2})?)?)*)?$'),
    CONSTRAINT spot_check_task_drawn
        CHECK ((status = 'drawn') = (seed IS NOT NULL AND classification_as_of IS NOT NULL
                                     AND classification_version IS NOT NULL AND drawn_at IS NOT NULL)),
    CONSTRAINT spot_check_task_seed_matches
        CHECK (seed IS NULL OR pg_catalog.sha256(pg_catalog.convert_to(seed, 'UTF8')) = seed_commitment)
);
CREATE INDEX spot_check_task_division_idx ON creditrisk.spot_check_task (division_code);
COMMENT ON TABLE creditrisk.spot_check_task IS
    'Spot-check tasks (双随机抽查任务): who organises, whom (scope), when, with which ratios; the draw is committed to a seed before it is made';
COMMENT ON COLUMN creditrisk.spot_check_task.division_code IS 'Organising bureau''s division (组织实施机关); ratios may not be below the measures in force for it at period_start';
COMMENT ON COLUMN creditrisk.spot_check_task.scope_divisions IS 'Divisions in scope (抽查范围), each within the organising division; an enterprise is in scope when its division lies within one of them';
COMMENT ON COLUMN creditrisk.spot_check_task.industries IS 'Industry code prefixes in scope (GB/T 4754, e.g. C27, H62); empty = all industries';
COMMENT ON COLUMN creditrisk.spot_check_task.domain IS 'NULL: general task by the final class; food, drugs, special_equipment…: domain task by the fused class (通用+专业, art. 16) and inspectors competent in it';
COMMENT ON COLUMN creditrisk.spot_check_task.check_items IS 'Check items (抽查事项清单, “一单”) of the task, as listed';
COMMENT ON COLUMN creditrisk.spot_check_task.exclude_inspected_within IS 'Enterprises with a spot check dated after period_start minus this are left out of the population; NULL = none left out';
COMMENT ON COLUMN creditrisk.spot_check_task.inspectors_per_check IS 'Inspectors drawn per enterprise (at least two, 行政处罚法 art. 42)';
COMMENT ON COLUMN creditrisk.spot_check_task.publication_working_days IS 'Results are published within this many working days after the check ends (公示时限)';
COMMENT ON COLUMN creditrisk.spot_check_task.seed_commitment IS 'SHA-256 of the seed, recorded before the draw (seed_commitment(seed))';
COMMENT ON COLUMN creditrisk.spot_check_task.seed IS 'The seed revealed at the draw (随机种子): a secret, or a named public value such as a lottery result';
COMMENT ON COLUMN creditrisk.spot_check_task.classification_as_of IS 'Date of the classification run the population was taken from';
COMMENT ON COLUMN creditrisk.spot_check_task.classification_version IS 'Version of that run (a re-run of a date adds a version)';

CREATE TABLE creditrisk.spot_check_task_class (
    task_id            bigint NOT NULL,
    class              creditrisk.riskclass NOT NULL,
    division_code      creditrisk.division_code NOT NULL,
    ratio              numeric(5, 4) NOT NULL CONSTRAINT spot_check_task_class_ratio_range CHECK (ratio > 0 AND ratio <= 1),
    min_ratio          numeric(5, 4),
    min_sources        text[],
    population         bigint,
    excluded_closed    bigint,
    excluded_inspected bigint,
    quota              bigint,
    drawn              bigint,
    PRIMARY KEY (task_id, class),
    CONSTRAINT spot_check_task_class_not_below_minimum CHECK (ratio >= min_ratio),
    CONSTRAINT spot_check_task_class_quota CHECK (quota = ceil(ratio * population))
);
COMMENT ON TABLE creditrisk.spot_check_task_class IS
    'A task''s ratio per class (抽查比例) and, after the draw, its population, exclusions, quota = ceil(ratio × population) and number drawn';
COMMENT ON COLUMN creditrisk.spot_check_task_class.division_code IS 'The task''s organising division';
COMMENT ON COLUMN creditrisk.spot_check_task_class.min_ratio IS 'Minimum in force for the organising division at period_start (measures_in_force, art. 12-15)';
COMMENT ON COLUMN creditrisk.spot_check_task_class.min_sources IS 'The measure versions the minimum comes from (division@effective_from)';
COMMENT ON COLUMN creditrisk.spot_check_task_class.excluded_closed IS 'Classified enterprises in scope left out because cancelled (注销) or revoked (吊销)';
COMMENT ON COLUMN creditrisk.spot_check_task_class.excluded_inspected IS 'Left out because inspected within exclude_inspected_within';
COMMENT ON COLUMN creditrisk.spot_check_task_class.quota IS 'Enterprises to draw: ceil(ratio × population), rounded up per class over the whole scope';

CREATE TABLE creditrisk.spot_check_population (
    task_id       bigint NOT NULL,
    division_code creditrisk.division_code NOT NULL,
    class         creditrisk.riskclass NOT NULL,
    enterprises   bigint NOT NULL,
    usccs         creditrisk.uscc[] NOT NULL,
    PRIMARY KEY (task_id, division_code, class),
    CONSTRAINT spot_check_population_count CHECK (enterprises = cardinality(usccs))
);
COMMENT ON TABLE creditrisk.spot_check_population IS
    'Population snapshot of a draw (抽查对象名录库快照), per division and class: the enterprises the sample was drawn from (in no particular order)';

CREATE TABLE creditrisk.spot_check_draw (
    task_id              bigint NOT NULL,
    uscc                 creditrisk.uscc NOT NULL,
    division_code        creditrisk.division_code NOT NULL,
    class                creditrisk.riskclass NOT NULL,
    rank                 integer NOT NULL CONSTRAINT spot_check_draw_rank_positive CHECK (rank > 0),
    check_end            date,
    outcome              text,
    refused              boolean,
    spot_check_id        bigint UNIQUE,
    publication_deadline date,
    publication_deadline_provisional boolean,
    PRIMARY KEY (task_id, uscc),
    CONSTRAINT spot_check_draw_rank_unique UNIQUE (task_id, class, rank),
    CONSTRAINT spot_check_draw_outcome_complete
        CHECK ((spot_check_id IS NULL) = (check_end IS NULL) AND (check_end IS NULL) = (outcome IS NULL)
               AND (outcome IS NULL) = (refused IS NULL))
);
CREATE INDEX spot_check_draw_division_idx ON creditrisk.spot_check_draw (division_code);
COMMENT ON TABLE creditrisk.spot_check_draw IS
    'Enterprises drawn in a task (抽取结果), at most once per task, with their rank within the class and, once inspected, the outcome';
COMMENT ON COLUMN creditrisk.spot_check_draw.division_code IS 'The enterprise''s division in the classification drawn from';
COMMENT ON COLUMN creditrisk.spot_check_draw.class IS 'The stratum it was drawn in: final class, or fused class for a domain task';
COMMENT ON COLUMN creditrisk.spot_check_draw.rank IS 'Position in its class by draw key (1 = smallest spot_key)';
COMMENT ON COLUMN creditrisk.spot_check_draw.spot_check_id IS 'The spot_check record created by record_spot_check_outcome() (the one the indicators read)';
COMMENT ON COLUMN creditrisk.spot_check_draw.publication_deadline IS 'Publish the result by this day: publication_working_days after check_end (公示时限)';
COMMENT ON COLUMN creditrisk.spot_check_draw.publication_deadline_provisional IS 'true: the deadline falls in a year whose holiday schedule (工作日历) is not loaded yet (is_provisional)';

CREATE TABLE creditrisk.spot_check_task_inspector (
    task_id        bigint NOT NULL,
    inspector_id   bigint NOT NULL,
    certificate_no text NOT NULL,
    division_code  creditrisk.division_code NOT NULL,
    PRIMARY KEY (task_id, inspector_id),
    CONSTRAINT spot_check_task_inspector_certificate UNIQUE (task_id, certificate_no)
);
COMMENT ON TABLE creditrisk.spot_check_task_inspector IS
    'The pool of a draw (检查人员库快照): inspectors active over the whole period, of the organising division, competent in the task''s field';
COMMENT ON COLUMN creditrisk.spot_check_task_inspector.division_code IS 'The inspector''s division';

CREATE TABLE creditrisk.spot_check_task_conflict (
    task_id       bigint NOT NULL,
    uscc          creditrisk.uscc NOT NULL,
    inspector_id  bigint NOT NULL,
    declared_uscc creditrisk.uscc NOT NULL,
    division_code creditrisk.division_code NOT NULL,
    PRIMARY KEY (task_id, uscc, inspector_id)
);
COMMENT ON TABLE creditrisk.spot_check_task_conflict IS
    'Conflicts of interest that applied at the draw (回避), per drawn enterprise and pool inspector; declared_uscc is the enterprise named in the declaration (another one: a related party)';
COMMENT ON COLUMN creditrisk.spot_check_task_conflict.division_code IS 'The drawn enterprise''s division';

CREATE TABLE creditrisk.spot_check_assignment (
    task_id       bigint NOT NULL,
    uscc          creditrisk.uscc NOT NULL,
    inspector_id  bigint NOT NULL,
    seq           integer NOT NULL CONSTRAINT spot_check_assignment_seq_positive CHECK (seq > 0),
    division_code creditrisk.division_code NOT NULL,
    PRIMARY KEY (task_id, uscc, inspector_id),
    CONSTRAINT spot_check_assignment_seq_unique UNIQUE (task_id, uscc, seq)
);
CREATE INDEX spot_check_assignment_inspector_idx ON creditrisk.spot_check_assignment (task_id, inspector_id);
COMMENT ON TABLE creditrisk.spot_check_assignment IS
    'Inspectors drawn for each drawn enterprise (随机选派的执法检查人员), at least inspectors_per_check each';
COMMENT ON COLUMN creditrisk.spot_check_assignment.division_code IS 'The drawn enterprise''s division';

-- ---------------------------------------------------------------------------
-- Integrity: scope within the organising division; ratios never below the
-- minimum in force; nothing of a drawn task changes (verify_draw() catches
-- what a trigger cannot, e.g. a superuser with triggers off).
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.spot_check_task_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    outside text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'drawn' THEN
        RAISE EXCEPTION 'spot-check task % has been drawn and cannot change', OLD.id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'A drawn task is a record of what was drawn and why; verify_draw() re-derives it.',
                  HINT = 'Plan a new task instead.';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF NEW.status = 'drawn' AND TG_OP = 'INSERT' THEN
        RETURN NEW;          -- restored from a dump as it was
    END IF;
    SELECT string_agg(s, ', ') INTO outside
      FROM unnest(NEW.scope_divisions) s
     WHERE NOT starts_with(s, creditrisk.jurisdiction_prefix(NEW.division_code));
    IF outside IS NOT NULL THEN
        RAISE EXCEPTION 'scope divisions % lie outside the organising division %', outside, NEW.division_code
            USING ERRCODE = 'check_violation',
                  HINT = 'A bureau plans checks within its own jurisdiction; the province or city organises wider tasks.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION creditrisk.spot_check_task_check() IS
    'Trigger: a task''s scope lies within its organising division (辖区); a drawn task (已抽取) never changes';
CREATE TRIGGER spot_check_task_check BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.spot_check_task
    FOR EACH ROW EXECUTE FUNCTION creditrisk.spot_check_task_check();

-- No foreign keys among these tables (nor to the register and the records):
-- pg_restore -j loads extension tables in parallel, in any order.  Only
-- draw_spot_check() writes a draw; the triggers below freeze it; deleting a
-- planned task or an inspector removes what belongs to it.
CREATE FUNCTION creditrisk.spot_check_deleted() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    IF TG_TABLE_NAME = 'spot_check_task' THEN
        DELETE FROM creditrisk.spot_check_task_class q WHERE q.task_id IN (SELECT o.id FROM gone o);
    ELSE
        DELETE FROM creditrisk.inspector_conflict c WHERE c.inspector_id IN (SELECT o.id FROM gone o);
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION creditrisk.spot_check_deleted() IS
    'Trigger: deleting a planned spot-check task (抽查任务) deletes its ratios; deleting an inspector deletes the conflicts declared';
CREATE TRIGGER spot_check_task_deleted AFTER DELETE ON creditrisk.spot_check_task
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.spot_check_deleted();
CREATE TRIGGER inspector_deleted AFTER DELETE ON creditrisk.inspector
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.spot_check_deleted();

CREATE FUNCTION creditrisk.spot_check_task_class_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    t creditrisk.spot_check_task;
    m record;
BEGIN
    SELECT * INTO t FROM creditrisk.spot_check_task WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.task_id ELSE NEW.task_id END;
    IF t.status = 'drawn' THEN
        IF TG_OP = 'INSERT' THEN
            RETURN NEW;      -- restored from a dump as it was
        END IF;
        RAISE EXCEPTION 'spot-check task % has been drawn and cannot change', t.id
            USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'Plan a new task instead.';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' AND NEW.min_sources IS NOT NULL THEN
        RETURN NEW;          -- restored from a dump, as it was (the draw checks the ratios again)
    END IF;
    IF t.id IS NULL THEN
        RAISE EXCEPTION 'spot-check task % does not exist', NEW.task_id
            USING ERRCODE = 'foreign_key_violation', HINT = 'Plan the task with creditrisk.create_spot_check_task().';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.ratio = OLD.ratio THEN
        RETURN NEW;          -- counts after the draw, or the minimum refreshed by the draw
    END IF;
    SELECT f.min_spot_check_ratio, f.sources INTO m
      FROM creditrisk.measures_in_force(t.division_code, t.period_start) f WHERE f.class = NEW.class;
    NEW.division_code := t.division_code;
    NEW.min_ratio := m.min_spot_check_ratio;
    NEW.min_sources := m.sources;
    IF NEW.ratio < m.min_spot_check_ratio THEN
        RAISE EXCEPTION 'ratio % for class % is below the minimum % in force', NEW.ratio, NEW.class, m.min_spot_check_ratio
            USING ERRCODE = 'check_violation',
                  DETAIL = format('The measures in force for %s on %s (%s) require at least %s of class %s.',
                                  t.division_code, t.period_start, array_to_string(m.sources, ', '),
                                  m.min_spot_check_ratio, NEW.class),
                  HINT = 'A plan may draw more than the minimum, never less (art. 12-15); omit the class to use the minimum.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION creditrisk.spot_check_task_class_check() IS
    'Trigger: a task''s ratio per class (抽查比例) is never below the minimum in force for its division at period_start; fills min_ratio and min_sources';
CREATE TRIGGER spot_check_task_class_check BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.spot_check_task_class
    FOR EACH ROW EXECUTE FUNCTION creditrisk.spot_check_task_class_check();

CREATE FUNCTION creditrisk.spot_check_frozen() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    IF TG_TABLE_NAME = 'spot_check_draw' AND TG_OP = 'UPDATE' THEN
        IF (NEW.task_id, NEW.uscc, NEW.division_code, NEW.class, NEW.rank)
           IS NOT DISTINCT FROM (OLD.task_id, OLD.uscc, OLD.division_code, OLD.class, OLD.rank) THEN
            RETURN NEW;      -- recording an outcome
        END IF;
    END IF;
    IF EXISTS (SELECT 1 FROM creditrisk.spot_check_task t WHERE t.id = OLD.task_id AND t.status = 'drawn') THEN
        RAISE EXCEPTION 'the draw of spot-check task % cannot change', OLD.task_id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('%s of %s is part of the record of the draw.', TG_OP, TG_TABLE_NAME),
                  HINT = 'Outcomes are recorded with creditrisk.record_spot_check_outcome().';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION creditrisk.spot_check_frozen() IS
    'Trigger: the record of a draw (population, sample, pool, conflicts, assignment) never changes once drawn; only outcomes are added';
CREATE TRIGGER spot_check_population_frozen BEFORE UPDATE OR DELETE ON creditrisk.spot_check_population
    FOR EACH ROW EXECUTE FUNCTION creditrisk.spot_check_frozen();
CREATE TRIGGER spot_check_draw_frozen BEFORE UPDATE OR DELETE ON creditrisk.spot_check_draw
    FOR EACH ROW EXECUTE FUNCTION creditrisk.spot_check_frozen();
CREATE TRIGGER spot_check_task_inspector_frozen BEFORE UPDATE OR DELETE ON creditrisk.spot_check_task_inspector
    FOR EACH ROW EXECUTE FUNCTION creditrisk.spot_check_frozen();
CREATE TRIGGER spot_check_task_conflict_frozen BEFORE UPDATE OR DELETE ON creditrisk.spot_check_task_conflict
    FOR EACH ROW EXECUTE FUNCTION creditrisk.spot_check_frozen();
CREATE TRIGGER spot_check_assignment_frozen BEFORE UPDATE OR DELETE ON creditrisk.spot_check_assignment
    FOR EACH ROW EXECUTE FUNCTION creditrisk.spot_check_frozen();

-- ---------------------------------------------------------------------------
-- Planning a task
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.create_spot_check_task(
    name text, division_code text, period_start date, period_end date, seed_commitment bytea,
    scope_divisions text[] DEFAULT NULL, industries text[] DEFAULT '{}', domain text DEFAULT NULL,
    ratios jsonb DEFAULT NULL, exclude_inspected_within interval DEFAULT '1 year',
    check_items text[] DEFAULT '{}', inspectors_per_check integer DEFAULT 2, publication_working_days integer DEFAULT 20)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    task bigint;
    bad text;
    r numeric;
BEGIN
    IF name IS NULL OR division_code IS NULL OR period_start IS NULL OR period_end IS NULL OR seed_commitment IS NULL THEN
        RAISE EXCEPTION 'name, division_code, period_start, period_end and seed_commitment are required'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Commit to the seed first: creditrisk.seed_commitment(''<secret seed>'').';
    END IF;
    IF period_end < period_start THEN
        RAISE EXCEPTION 'the period ends (%) before it starts (%)', period_end, period_start
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF length(seed_commitment) <> 32 THEN
        RAISE EXCEPTION 'the seed commitment must be a SHA-256 digest (32 bytes), not % bytes', length(seed_commitment)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use creditrisk.seed_commitment(''<seed>''), i.e. sha256(convert_to(''<seed>'', ''UTF8'')).';
    END IF;
    IF inspectors_per_check NOT BETWEEN 2 AND 10 THEN
        RAISE EXCEPTION '% inspectors per check is out of range', inspectors_per_check
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'At least two inspectors take part in each inspection (行政处罚法 art. 42); at most 10.';
    END IF;
    IF ratios IS NOT NULL THEN
        IF jsonb_typeof(ratios) <> 'object' THEN
            RAISE EXCEPTION 'ratios must be a JSON object such as {"A": 0.02, "C": 0.15}'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT string_agg(k, ', ') INTO bad FROM jsonb_object_keys(ratios) k WHERE k NOT IN ('A', 'B', 'C', 'D');
        IF bad IS NOT NULL THEN
            RAISE EXCEPTION 'unknown class in ratios: %', bad
                USING ERRCODE = 'invalid_parameter_value', HINT = 'The classes are A, B, C and D.';
        END IF;
        SELECT string_agg(format('%s: %s', e.key, e.value), ', ') INTO bad FROM jsonb_each(ratios) e
         WHERE jsonb_typeof(e.value) <> 'number' OR (e.value)::numeric <= 0 OR (e.value)::numeric > 1;
        IF bad IS NOT NULL THEN
            RAISE EXCEPTION 'ratios must be numbers in (0, 1]: %', bad
                USING ERRCODE = 'invalid_parameter_value', HINT = 'For example {"A": 0.02} draws 2% of class A.';
        END IF;
    END IF;
    INSERT INTO creditrisk.spot_check_task AS t (name, division_code, scope_divisions, industries, domain, check_items,
            period_start, period_end, exclude_inspected_within, inspectors_per_check, publication_working_days, seed_commitment)
    VALUES (name, division_code, coalesce(scope_divisions, ARRAY[division_code])::creditrisk.division_code[],
            coalesce(industries, '{}'), domain, coalesce(check_items, '{}'), period_start, period_end,
            exclude_inspected_within, coalesce(inspectors_per_check, 2), coalesce(publication_working_days, 20),
            seed_commitment)
    RETURNING t.id INTO task;
    INSERT INTO creditrisk.spot_check_task_class (task_id, class, division_code, ratio)
    SELECT task, f.class, division_code, coalesce((ratios ->> f.class::text)::numeric, f.min_spot_check_ratio)
      FROM creditrisk.measures_in_force(division_code, period_start) f
     WHERE coalesce((ratios ->> f.class::text)::numeric, f.min_spot_check_ratio) IS NOT NULL;
    IF (SELECT count(*) FROM creditrisk.spot_check_task_class q WHERE q.task_id = task) < 4 THEN
        RAISE EXCEPTION 'no spot-check ratio for every class of task "%"', name
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('No supervision measures are in force for %s on %s.', division_code, period_start),
                  HINT = 'Give every class a ratio, e.g. ratios => ''{"A": 0.01, "B": 0.03, "C": 0.1, "D": 0.2}''.';
    END IF;
    RETURN task;
END
$$;
COMMENT ON FUNCTION creditrisk.create_spot_check_task(text, text, date, date, bytea, text[], text[], text, jsonb, interval, text[], integer, integer) IS
    'Plans a spot-check task (制定抽查计划): ratios default to the minimums in force for the division at period_start; a ratio below them is refused (23514); returns the task id';

-- ---------------------------------------------------------------------------
-- The draw
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.draw_spot_check(task bigint, seed text)
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

    -- 1. the population snapshot, and the counts per class
    SELECT array_agg(creditrisk.jurisdiction_prefix(s) || '%') INTO patterns FROM unnest(t.scope_divisions) s;
    -- one pass over the classification: per division and class, the
    -- population (an array) and what was left out.  Hash joins and hash
    -- aggregation whatever the statistics say: the current views are often
    -- freshly refreshed and not analyzed, and a nested loop or a sort chosen
    -- on a guess of 200 rows costs seconds at a million.
    planner := ARRAY[current_setting('enable_nestloop'), current_setting('enable_mergejoin'), current_setting('enable_sort')];
    PERFORM set_config('enable_nestloop', 'off', true), set_config('enable_mergejoin', 'off', true),
            set_config('enable_sort', 'off', true);
    WITH agg AS (
        SELECT c.division_code, c.class,
               array_agg(c.uscc) FILTER (WHERE z.uscc IS NULL AND r.uscc IS NULL) AS usccs,
               count(*) FILTER (WHERE z.uscc IS NOT NULL) AS closed,
               count(*) FILTER (WHERE z.uscc IS NULL AND r.uscc IS NOT NULL) AS inspected
          FROM (SELECT x.uscc, x.division_code, x.final_class AS class
                  FROM creditrisk.classification_current x WHERE t.domain IS NULL
                UNION ALL
                SELECT y.uscc, y.division_code, y.fused_class
                  FROM creditrisk.classification_domain_current y WHERE y.domain = t.domain) c
          LEFT JOIN (SELECT e.uscc FROM creditrisk.enterprise e WHERE e.status <> 'in_business') z ON z.uscc = c.uscc
          LEFT JOIN (SELECT DISTINCT s.uscc FROM creditrisk.spot_check s
                      WHERE s.check_date > t.period_start - t.exclude_inspected_within) r ON r.uscc = c.uscc
         WHERE c.division_code::text LIKE ANY (patterns)
           AND (cardinality(t.industries) = 0
                OR EXISTS (SELECT 1 FROM creditrisk.enterprise e, unnest(t.industries) i
                            WHERE e.uscc = c.uscc AND starts_with(e.industry_code, i)))
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
    PERFORM set_config('enable_nestloop', planner[1], true), set_config('enable_mergejoin', planner[2], true),
            set_config('enable_sort', planner[3], true);

    -- 2. the sample: per class the quota enterprises with the smallest keys
    INSERT INTO creditrisk.spot_check_draw (task_id, uscc, division_code, class, rank)
    SELECT t.id, s.uscc, c.division_code, x.class, s.rank
      FROM (SELECT p.class, creditrisk.spot_sample(seed, u.uscc, q.quota) AS picked
              FROM creditrisk.spot_check_population p
              JOIN creditrisk.spot_check_task_class q ON q.task_id = p.task_id AND q.class = p.class
             CROSS JOIN LATERAL unnest(p.usccs) u(uscc)
             WHERE p.task_id = t.id
             GROUP BY p.class) x
     CROSS JOIN LATERAL unnest(x.picked) WITH ORDINALITY s(uscc, rank)
     CROSS JOIN LATERAL (SELECT y.division_code FROM creditrisk.classification_current y
                          WHERE t.domain IS NULL AND y.uscc = s.uscc
                         UNION ALL
                         SELECT z.division_code FROM creditrisk.classification_domain_current z
                          WHERE z.uscc = s.uscc AND z.domain = t.domain
                         LIMIT 1) c;
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

-- ---------------------------------------------------------------------------
-- Verification: re-derive the draw from its stored inputs
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.verify_draw(task bigint)
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
$$;
COMMENT ON FUNCTION creditrisk.verify_draw(bigint) IS
    'Verifies a draw (抽取结果验证): the seed matches its commitment, the population snapshot is consistent, quotas are ceil(ratio × population), the sample re-derived in plain SQL (sha256) equals the stored one, the assignment re-runs identically, no conflicted or short assignment, loads within one of the mean';

-- ---------------------------------------------------------------------------
-- Outcomes (检查结果)
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.record_spot_check_outcome(task bigint, uscc creditrisk.uscc, check_end date, outcome text,
                                                     refused boolean DEFAULT false, reported_by text DEFAULT NULL)
RETURNS creditrisk.spot_check_draw
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    t creditrisk.spot_check_task;
    d creditrisk.spot_check_draw;
    sc bigint;
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
    INSERT INTO creditrisk.spot_check (uscc, check_date, outcome, refused, reported_by)
    VALUES (uscc, check_end, outcome, refused, coalesce(reported_by, t.division_code || ' spot-check task ' || t.id))
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
    'Records a drawn enterprise''s inspection outcome (录入检查结果): creates the spot_check record the indicators read and sets the publication deadline, publication_working_days working days after the check (add_working_days; provisional for a year whose schedule is not loaded)';

-- ---------------------------------------------------------------------------
-- Reports
-- ---------------------------------------------------------------------------
CREATE VIEW creditrisk.spot_check_task_summary WITH (security_invoker = true) AS
SELECT t.id AS task_id, t.name, t.division_code, t.domain, t.period_start, t.period_end, t.status, t.classification_as_of,
       q.class, q.ratio, q.min_ratio, 'ceil(ratio × population)'::text AS rounding,
       q.population, q.excluded_closed, q.excluded_inspected, q.quota, q.drawn,
       (SELECT count(*) FROM creditrisk.spot_check_draw d WHERE d.task_id = t.id AND d.class = q.class
           AND EXISTS (SELECT 1 FROM creditrisk.spot_check_assignment a WHERE a.task_id = d.task_id AND a.uscc = d.uscc)) AS assigned,
       (SELECT count(*) FROM creditrisk.spot_check_draw d WHERE d.task_id = t.id AND d.class = q.class
           AND NOT EXISTS (SELECT 1 FROM creditrisk.spot_check_assignment a WHERE a.task_id = d.task_id AND a.uscc = d.uscc)) AS unassignable,
       (SELECT count(*) FROM creditrisk.spot_check_draw d WHERE d.task_id = t.id AND d.class = q.class AND d.outcome IS NOT NULL) AS inspected,
       (SELECT count(*) FROM creditrisk.spot_check_draw d WHERE d.task_id = t.id AND d.class = q.class
           AND (d.outcome <> 'pass' OR d.refused)) AS non_compliant
  FROM creditrisk.spot_check_task t JOIN creditrisk.spot_check_task_class q ON q.task_id = t.id;
COMMENT ON VIEW creditrisk.spot_check_task_summary IS
    'Each task per class (抽查任务汇总): ratio and minimum, the rounding rule, population, exclusions, quota, drawn, assigned, unassignable, inspected, non-compliant';

CREATE VIEW creditrisk.spot_check_unassignable WITH (security_invoker = true) AS
SELECT d.task_id, d.uscc, d.division_code, d.class, d.rank,
       (SELECT count(*) FROM creditrisk.spot_check_task_inspector p WHERE p.task_id = d.task_id) AS pool,
       (SELECT count(*) FROM creditrisk.spot_check_task_conflict c WHERE c.task_id = d.task_id AND c.uscc = d.uscc) AS conflicted,
       t.inspectors_per_check AS needed
  FROM creditrisk.spot_check_draw d JOIN creditrisk.spot_check_task t ON t.id = d.task_id
 WHERE NOT EXISTS (SELECT 1 FROM creditrisk.spot_check_assignment a WHERE a.task_id = d.task_id AND a.uscc = d.uscc);
COMMENT ON VIEW creditrisk.spot_check_unassignable IS
    'Drawn enterprises without an eligible set of inspectors (无法选派): pool size, conflicted pool inspectors, inspectors needed; never skipped silently';

CREATE VIEW creditrisk.spot_check_inspector_load WITH (security_invoker = true) AS
SELECT p.task_id, p.inspector_id, p.certificate_no, p.division_code, count(a.uscc) AS assigned
  FROM creditrisk.spot_check_task_inspector p
  LEFT JOIN creditrisk.spot_check_assignment a ON a.task_id = p.task_id AND a.inspector_id = p.inspector_id
 GROUP BY p.task_id, p.inspector_id, p.certificate_no, p.division_code;
COMMENT ON VIEW creditrisk.spot_check_inspector_load IS
    'Inspections per pool inspector and task (检查任务量): within one of the mean when conflicts allow';

CREATE FUNCTION creditrisk.licensing_review(enterprise_uscc creditrisk.uscc, as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (uscc creditrisk.uscc, division_code text, classified_on date, class creditrisk.riskclass,
               domain_classes jsonb, key_review boolean, key_supervision boolean, reasons text[])
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    r creditrisk.classification_result;
    run date;
    run_version integer;
    m record;
    dm record;
    why text[] := '{}';
    domains jsonb;
BEGIN
    IF enterprise_uscc IS NULL OR as_of IS NULL THEN
        RAISE EXCEPTION 'uscc and as_of are required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT x.as_of, x.version INTO run, run_version FROM creditrisk.classification_run x
     WHERE x.as_of <= licensing_review.as_of ORDER BY x.as_of DESC, x.version DESC LIMIT 1;
    SELECT * INTO r FROM creditrisk.classification_result x
     WHERE x.as_of = run AND x.version = run_version AND x.uscc = enterprise_uscc;
    IF NOT FOUND THEN
        IF NOT EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc = enterprise_uscc)
           AND NOT EXISTS (SELECT 1 FROM creditrisk.classification_result x WHERE x.uscc = enterprise_uscc) THEN
            RAISE EXCEPTION 'enterprise % is neither registered nor classified', enterprise_uscc
                USING ERRCODE = 'no_data_found', HINT = 'Check the code; creditrisk.uscc_is_valid() only checks its form.';
        END IF;
        licensing_review.uscc := enterprise_uscc;
        classified_on := run;
        key_review := NULL;
        key_supervision := NULL;
        reasons := ARRAY[format('not classified on or before %s (%s)', as_of,
                                CASE WHEN run IS NULL THEN 'no classification run' ELSE 'not in the run of ' || run END)];
        RETURN NEXT;
        RETURN;
    END IF;
    SELECT * INTO m FROM creditrisk.measures_in_force(r.division_code, as_of) f WHERE f.class = r.final_class;
    IF m.key_licensing_review THEN
        why := why || format('class %s: key review in licensing (行政许可重点审查) by %s', r.final_class, array_to_string(m.sources, ', '));
    END IF;
    IF m.key_supervision_target THEN
        why := why || format('class %s: key supervision target (重点监管对象) by %s', r.final_class, array_to_string(m.sources, ', '));
    END IF;
    IF cardinality(r.overrides) > 0 THEN
        why := why || format('classified directly (直接定性, art. 10): %s', array_to_string(r.overrides, ', '));
    END IF;
    domains := '{}';
    key_review := coalesce(m.key_licensing_review, false);
    key_supervision := coalesce(m.key_supervision_target, false);
    FOR dm IN
        SELECT x.domain, x.fused_class, f.key_licensing_review, f.key_supervision_target, f.sources
          FROM creditrisk.classification_domain_result x
          JOIN creditrisk.measures_in_force(r.division_code, as_of) f ON f.class = x.fused_class
         WHERE x.as_of = run AND x.version = run_version AND x.uscc = enterprise_uscc
         ORDER BY x.domain
    LOOP
        domains := domains || jsonb_build_object(dm.domain, dm.fused_class::text);
        IF dm.key_licensing_review THEN
            key_review := true;
            why := why || format('%s class %s (通用+专业): key review in licensing by %s', dm.domain, dm.fused_class,
                                 array_to_string(dm.sources, ', '));
        END IF;
        key_supervision := key_supervision OR coalesce(dm.key_supervision_target, false);
    END LOOP;
    IF cardinality(r.reasons) > 0 THEN
        why := why || format('score %s; riskiest indicators: %s', round(r.score::numeric, 1), array_to_string(r.reasons, ', '));
    END IF;
    licensing_review.uscc := r.uscc;
    division_code := r.division_code;
    classified_on := run;
    class := r.final_class;
    domain_classes := domains;
    reasons := why;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION creditrisk.licensing_review(creditrisk.uscc, date) IS
    'Licensing-window check (行政许可重点审查, art. 14): the enterprise''s class in the latest run on or before as_of, its fused domain classes, whether key review and key supervision apply under the measures in force, and why';

CREATE FUNCTION creditrisk.spot_check_coverage(in_year integer)
RETURNS TABLE (division_code text, class creditrisk.riskclass, year integer, classified_on date,
               population bigint, drawn bigint, inspected bigint, non_compliant bigint,
               drawn_ratio numeric, min_ratio numeric, required bigint, below_minimum boolean, a_outside_draw bigint)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    run date;
    run_version integer;
    year_end date;
BEGIN
    IF in_year IS NULL OR in_year NOT BETWEEN 2000 AND 2100 THEN
        RAISE EXCEPTION 'year % is out of range', in_year USING ERRCODE = 'invalid_parameter_value', HINT = 'A year such as 2026.';
    END IF;
    year_end := make_date(in_year, 12, 31);
    SELECT x.as_of, x.version INTO run, run_version FROM creditrisk.classification_run x
     WHERE x.as_of <= year_end ORDER BY x.as_of DESC, x.version DESC LIMIT 1;
    RETURN QUERY
    WITH pop AS (
        SELECT r.uscc, r.division_code, r.final_class AS class
          FROM creditrisk.classification_result r WHERE r.as_of = run AND r.version = run_version
    ), drawn AS (
        SELECT DISTINCT ON (d.uscc) d.uscc, d.outcome, d.refused
          FROM creditrisk.spot_check_draw d JOIN creditrisk.spot_check_task t ON t.id = d.task_id
         WHERE t.period_start BETWEEN make_date(in_year, 1, 1) AND year_end
         ORDER BY d.uscc, d.outcome IS NULL, d.outcome = 'pass' AND NOT d.refused
    ), outside AS (
        SELECT s.uscc
          FROM creditrisk.spot_check s
          CROSS JOIN LATERAL (SELECT x.final_class FROM creditrisk.classification_result x
                               WHERE x.uscc = s.uscc AND x.as_of <= s.check_date
                               ORDER BY x.as_of DESC, x.version DESC LIMIT 1) c
         WHERE s.check_date BETWEEN make_date(in_year, 1, 1) AND year_end AND c.final_class = 'A'
           AND NOT EXISTS (SELECT 1 FROM creditrisk.spot_check_draw d WHERE d.spot_check_id = s.id)
    ), agg AS (
        SELECT p.division_code, p.class, count(*) AS population, count(d.uscc) AS drawn,
               count(d.outcome) AS inspected, count(*) FILTER (WHERE d.outcome <> 'pass' OR d.refused) AS non_compliant
          FROM pop p LEFT JOIN drawn d ON d.uscc = p.uscc
         GROUP BY p.division_code, p.class
    ), outside_by_division AS (
        SELECT e.division_code, count(*) AS n FROM outside o JOIN creditrisk.enterprise e ON e.uscc = o.uscc GROUP BY 1
    )
    SELECT a.division_code::text, a.class, in_year, run, a.population, a.drawn, a.inspected, a.non_compliant,
           round(a.drawn::numeric / a.population, 4), f.min_spot_check_ratio,
           ceil(f.min_spot_check_ratio * a.population)::bigint,
           a.drawn < ceil(f.min_spot_check_ratio * a.population),
           CASE WHEN a.class = 'A' THEN coalesce(o.n, 0) END
      FROM agg a
      CROSS JOIN LATERAL creditrisk.measures_in_force(a.division_code, year_end) f
      LEFT JOIN outside_by_division o ON o.division_code = a.division_code
     WHERE f.class = a.class
     ORDER BY 1, 2;
END
$$;
COMMENT ON FUNCTION creditrisk.spot_check_coverage(integer) IS
    'Spot-check coverage (抽查覆盖率) per division and class for a year: population (the last run of the year), drawn in tasks starting that year, inspected, non-compliant, against ceil(minimum ratio × population); below_minimum strata; A-class enterprises inspected outside any draw (art. 12)';

CREATE FUNCTION creditrisk.spot_check_outside_draw(year integer)
RETURNS TABLE (spot_check_id bigint, uscc creditrisk.uscc, division_code text, check_date date, outcome text,
               class creditrisk.riskclass, classified_on date)
LANGUAGE sql STABLE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT s.id, s.uscc, e.division_code, s.check_date, s.outcome, c.final_class, c.as_of
      FROM creditrisk.spot_check s
      JOIN creditrisk.enterprise e ON e.uscc = s.uscc
     CROSS JOIN LATERAL (SELECT x.final_class, x.as_of FROM creditrisk.classification_result x
                          WHERE x.uscc = s.uscc AND x.as_of <= s.check_date
                          ORDER BY x.as_of DESC, x.version DESC LIMIT 1) c
     WHERE s.check_date BETWEEN make_date(spot_check_outside_draw.year, 1, 1) AND make_date(spot_check_outside_draw.year, 12, 31)
       AND c.final_class = 'A'
       AND NOT EXISTS (SELECT 1 FROM creditrisk.spot_check_draw d WHERE d.spot_check_id = s.id)
     ORDER BY s.check_date, s.uscc::text COLLATE "C", s.id
$$;
COMMENT ON FUNCTION creditrisk.spot_check_outside_draw(integer) IS
    'Art. 12 flag (A类企业无事不扰): checks in a year of enterprises whose class on the check date was A and that no draw produced; each should be justified by a complaint, big-data alert or referral';

-- ---------------------------------------------------------------------------
-- pg_dump keeps the tasks, draws and the inspectors' library.
-- ---------------------------------------------------------------------------
SELECT pg_catalog.pg_extension_config_dump('creditrisk.inspector', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.inspector_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.inspector_conflict', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.inspector_conflict_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.spot_check_task', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.spot_check_task_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.spot_check_task_class', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.spot_check_population', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.spot_check_draw', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.spot_check_task_inspector', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.spot_check_task_conflict', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.spot_check_assignment', '');

REVOKE ALL ON TABLE creditrisk.inspector, creditrisk.inspector_conflict, creditrisk.spot_check_task,
                    creditrisk.spot_check_task_class, creditrisk.spot_check_population, creditrisk.spot_check_draw,
                    creditrisk.spot_check_task_inspector, creditrisk.spot_check_task_conflict, creditrisk.spot_check_assignment,
                    creditrisk.spot_check_task_summary, creditrisk.spot_check_unassignable, creditrisk.spot_check_inspector_load
    FROM PUBLIC;
REVOKE ALL ON SEQUENCE creditrisk.inspector_id_seq, creditrisk.inspector_conflict_id_seq, creditrisk.spot_check_task_id_seq
    FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.jurisdiction_prefix(text), creditrisk.current_classification(),
                       creditrisk.seed_commitment(text), creditrisk.spot_key(text, creditrisk.uscc),
                       creditrisk.spot_sample_trans(internal, text, creditrisk.uscc, bigint),
                       creditrisk.spot_sample_final(internal), creditrisk.spot_sample_combine(internal, internal),
                       creditrisk.spot_sample_serialize(internal), creditrisk.spot_sample_deserialize(bytea, internal),
                       creditrisk.spot_sample(text, creditrisk.uscc, bigint),
                       creditrisk.spot_assign(text, creditrisk.uscc[], text[], creditrisk.uscc[], text[], integer),
                       creditrisk.inspector_conflict_division(), creditrisk.spot_check_task_check(),
                       creditrisk.spot_check_task_class_check(), creditrisk.spot_check_frozen(), creditrisk.spot_check_deleted(),
                       creditrisk.create_spot_check_task(text, text, date, date, bytea, text[], text[], text, jsonb, interval, text[], integer, integer),
                       creditrisk.draw_spot_check(bigint, text), creditrisk.verify_draw(bigint),
                       creditrisk.record_spot_check_outcome(bigint, creditrisk.uscc, date, text, boolean, text),
                       creditrisk.licensing_review(creditrisk.uscc, date), creditrisk.spot_check_coverage(integer),
                       creditrisk.spot_check_outside_draw(integer)
    FROM PUBLIC;

-- ===========================================================================
-- Working-day calendar, reporting units, credit repair, commitments (issue 14)
-- ===========================================================================

-- ===========================================================================
-- Working days (工作日): the State Council's holiday schedules and the
-- functions that count working days (src/calendar.c)
--
-- A day is a working day if it is Monday to Friday, unless the year's
-- schedule (国务院办公厅关于部分节假日安排的通知) makes it an off day, or a
-- weekend day that the schedule makes an adjusted working day (调休上班).
-- "Within N working days" of a decision: the start day is not counted; the
-- deadline is the N-th working day after it (add_working_days).
-- ===========================================================================

CREATE TABLE creditrisk.calendar_day (
    day          date PRIMARY KEY,
    kind         text NOT NULL,
    holiday      text NOT NULL,
    notice_year  integer NOT NULL,
    notice_url   text NOT NULL DEFAULT '',
    shipped      boolean NOT NULL DEFAULT false,
    CONSTRAINT calendar_day_finite CHECK (pg_catalog.isfinite(day)),
    CONSTRAINT calendar_day_kind CHECK (kind IN ('off', 'work')),
    CONSTRAINT calendar_day_adjusted_on_weekend CHECK (kind = 'off' OR pg_catalog.date_part('isodow', day) IN (6, 7)),
    CONSTRAINT calendar_day_notice_year CHECK (notice_year BETWEEN 1949 AND 9999
        AND pg_catalog.date_part('year', day) IN (notice_year - 1, notice_year)),
    CONSTRAINT calendar_day_holiday CHECK (holiday <> '')
);
COMMENT ON TABLE creditrisk.calendar_day IS
    'Working-day calendar (节假日安排): every off day and adjusted working day (调休上班) of the State Council''s yearly holiday schedules; 2022-2026 are shipped, a bureau adds each new year with one INSERT';
COMMENT ON COLUMN creditrisk.calendar_day.day IS 'The day';
COMMENT ON COLUMN creditrisk.calendar_day.kind IS '''off'': no work that day (休); ''work'': a weekend day made a working day (调休上班)';
COMMENT ON COLUMN creditrisk.calendar_day.holiday IS 'The holiday it belongs to (元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节)';
COMMENT ON COLUMN creditrisk.calendar_day.notice_year IS 'The year whose schedule (notice) fixed the day; a notice can fix days of the previous year (2022-12-31 comes from the 2023 notice). A year with a notice is no longer provisional';
COMMENT ON COLUMN creditrisk.calendar_day.notice_url IS 'Where the notice was published';
COMMENT ON COLUMN creditrisk.calendar_day.shipped IS 'Shipped with the extension (the 2022-2026 schedules); frozen';

INSERT INTO creditrisk.calendar_day (day, kind, holiday, notice_year, notice_url, shipped)
SELECT v.day::date, v.kind, v.holiday, v.notice_year, v.notice_url, true FROM (VALUES
    ('2022-01-01', 'off', '元旦', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-01-02', 'off', '元旦', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-01-03', 'off', '元旦', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-01-29', 'work', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-01-30', 'work', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-01-31', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-02-01', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-02-02', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-02-03', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-02-04', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-02-05', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-02-06', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-04-02', 'work', '清明节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-04-03', 'off', '清明节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-04-04', 'off', '清明节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-04-05', 'off', '清明节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-04-24', 'work', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-04-30', 'off', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-05-01', 'off', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-05-02', 'off', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-05-03', 'off', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-05-04', 'off', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-05-07', 'work', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-06-03', 'off', '端午节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-06-04', 'off', '端午节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-06-05', 'off', '端午节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-09-10', 'off', '中秋节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-09-11', 'off', '中秋节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-09-12', 'off', '中秋节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-01', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-02', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-03', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-04', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-05', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-06', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-07', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-08', 'work', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-09', 'work', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-12-31', 'off', '元旦', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-01', 'off', '元旦', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-02', 'off', '元旦', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-21', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-22', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-23', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-24', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-25', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-26', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-27', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-28', 'work', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-29', 'work', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-04-05', 'off', '清明节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-04-23', 'work', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-04-29', 'off', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-04-30', 'off', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-05-01', 'off', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-05-02', 'off', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-05-03', 'off', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-05-06', 'work', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-06-22', 'off', '端午节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-06-23', 'off', '端午节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-06-24', 'off', '端午节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-06-25', 'work', '端午节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-09-29', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-09-30', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-01', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-02', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-03', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-04', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-05', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-06', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-07', 'work', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-08', 'work', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2024-01-01', 'off', '元旦', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-04', 'work', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-10', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-11', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-12', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-13', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-14', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-15', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-16', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-17', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-18', 'work', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-04-04', 'off', '清明节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-04-05', 'off', '清明节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-04-06', 'off', '清明节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-04-07', 'work', '清明节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-04-28', 'work', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-05-01', 'off', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-05-02', 'off', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-05-03', 'off', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-05-04', 'off', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-05-05', 'off', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-05-11', 'work', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-06-10', 'off', '端午节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-09-14', 'work', '中秋节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-09-15', 'off', '中秋节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-09-16', 'off', '中秋节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-09-17', 'off', '中秋节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-09-29', 'work', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-01', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-02', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-03', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-04', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-05', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-06', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-07', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-12', 'work', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2025-01-01', 'off', '元旦', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-01-26', 'work', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-01-28', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-01-29', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-01-30', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-01-31', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-02-01', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-02-02', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-02-03', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-02-04', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-02-08', 'work', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-04-04', 'off', '清明节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-04-05', 'off', '清明节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-04-06', 'off', '清明节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-04-27', 'work', '劳动节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-05-01', 'off', '劳动节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-05-02', 'off', '劳动节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-05-03', 'off', '劳动节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-05-04', 'off', '劳动节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-05-05', 'off', '劳动节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-05-31', 'off', '端午节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-06-01', 'off', '端午节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-06-02', 'off', '端午节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-09-28', 'work', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-01', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-02', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-03', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-04', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-05', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-06', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-07', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-08', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-11', 'work', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2026-01-01', 'off', '元旦', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-01-02', 'off', '元旦', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-01-03', 'off', '元旦', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-01-04', 'work', '元旦', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-14', 'work', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-15', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-16', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-17', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-18', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-19', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-20', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-21', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-22', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-23', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-28', 'work', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-04-04', 'off', '清明节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-04-05', 'off', '清明节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-04-06', 'off', '清明节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-05-01', 'off', '劳动节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-05-02', 'off', '劳动节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-05-03', 'off', '劳动节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-05-04', 'off', '劳动节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-05-05', 'off', '劳动节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-05-09', 'work', '劳动节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-06-19', 'off', '端午节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-06-20', 'off', '端午节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-06-21', 'off', '端午节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-09-20', 'work', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-09-25', 'off', '中秋节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-09-26', 'off', '中秋节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-09-27', 'off', '中秋节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-01', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-02', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-03', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-04', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-05', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-06', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-07', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-10', 'work', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm')
) AS v(day, kind, holiday, notice_year, notice_url);

CREATE TRIGGER calendar_day_shipped BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.calendar_day
    FOR EACH ROW EXECUTE FUNCTION creditrisk.shipped_row_guard('shipped',
        'Add the days of a new year''s schedule with shipped = false: INSERT INTO creditrisk.calendar_day (day, kind, holiday, notice_year, notice_url) VALUES (...);');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.calendar_day', 'WHERE NOT shipped');

CREATE FUNCTION creditrisk.is_working_day(day date) RETURNS boolean
    AS 'MODULE_PATHNAME', 'creditrisk_is_working_day'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.is_working_day(date) IS
    'Is the day a working day (工作日): Monday to Friday unless the schedule makes it an off day, or a weekend day made a working day (调休上班). Without a schedule for its year, the fixed-date statutory holidays (Jan 1, May 1-2, Oct 1-3) still apply and the answer is provisional';

CREATE FUNCTION creditrisk.add_working_days(day date, n integer) RETURNS date
    AS 'MODULE_PATHNAME', 'creditrisk_add_working_days'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.add_working_days(date, integer) IS
    'The n-th working day after the day (n > 0) or before it (n < 0); the day itself is not counted and n = 0 gives it back: the deadline of "within n working days" (N个工作日内) of a decision';

CREATE FUNCTION creditrisk.working_days_between(a date, b date) RETURNS integer
    AS 'MODULE_PATHNAME', 'creditrisk_working_days_between'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.working_days_between(date, date) IS
    'The working days after a up to and including b (negative when b < a: minus those from b up to but excluding a), so that add_working_days(a, working_days_between(a, b)) = b when b is a working day';

CREATE FUNCTION creditrisk.is_provisional(day date) RETURNS boolean
    AS 'MODULE_PATHNAME', 'creditrisk_is_provisional'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.is_provisional(date) IS
    'True when the schedule of the day''s year is not loaded: only weekends and the fixed-date statutory holidays are known, so working-day answers about it are provisional (暂定)';

CREATE FUNCTION creditrisk.is_provisional(a date, b date) RETURNS boolean
    AS 'MODULE_PATHNAME', 'creditrisk_is_provisional_range'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.is_provisional(date, date) IS
    'True when any day from a to b lies in a year whose schedule is not loaded: a deadline add_working_days(a, n) = b is provisional when is_provisional(a, b)';

REVOKE ALL ON TABLE creditrisk.calendar_day FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.is_working_day(date), creditrisk.add_working_days(date, integer),
    creditrisk.working_days_between(date, date), creditrisk.is_provisional(date),
    creditrisk.is_provisional(date, date) FROM PUBLIC;

-- ===========================================================================
-- Divisions, explain_enterprise, schedule, model performance (issue 15)
-- ===========================================================================

-- ===========================================================================
-- Administrative divisions (行政区划) of Henan: codes, names, levels, parents
--
-- Reference data shipped with the extension (GB/T 2260 codes): the province,
-- its 17 prefecture-level cities and 济源 (419001, province-administered and
-- treated as a city, as division_level() does), and their county-level
-- units, including Zhengzhou's three functional zones (410171-410173), which
-- the provincial systems code like counties.  Codes that a change of
-- division replaced are kept with the period they were valid and their
-- successor, so records dated before a change still find a name.  Change
-- dates are given to the year (1 January of the year of the first year-end
-- code list of the Ministry of Civil Affairs that shows the change); a
-- bureau that knows the day corrects them with a row of its own.
-- ===========================================================================

CREATE TABLE creditrisk.division (
    code         creditrisk.division_code PRIMARY KEY,
    name         text NOT NULL CONSTRAINT division_name_nonempty CHECK (name <> ''),
    level        text NOT NULL CONSTRAINT division_level_known CHECK (level IN ('province', 'city', 'county')),
    parent_code  creditrisk.division_code REFERENCES creditrisk.division (code),
    valid_from   date,
    valid_to     date,
    successor    creditrisk.division_code REFERENCES creditrisk.division (code),
    shipped      boolean NOT NULL DEFAULT false,
    CONSTRAINT division_parent CHECK ((level = 'province') = (parent_code IS NULL)),
    CONSTRAINT division_period CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from < valid_to),
    CONSTRAINT division_finite CHECK (pg_catalog.isfinite(valid_from) AND pg_catalog.isfinite(valid_to)),
    CONSTRAINT division_successor CHECK (successor IS NULL OR valid_to IS NOT NULL)
);
COMMENT ON TABLE creditrisk.division IS
    'Administrative divisions (行政区划, GB/T 2260) of Henan: code, name, level (省/市/县) and parent; codes replaced by a change of division keep their period of validity and successor';
COMMENT ON COLUMN creditrisk.division.code IS 'Six-digit division code (行政区划代码)';
COMMENT ON COLUMN creditrisk.division.name IS 'Official name, e.g. 西华县';
COMMENT ON COLUMN creditrisk.division.level IS 'province (省), city (地级市; also 济源 419001) or county (县级: 县, 区, 县级市, functional zones)';
COMMENT ON COLUMN creditrisk.division.parent_code IS 'The division it belongs to (NULL for the province)';
COMMENT ON COLUMN creditrisk.division.valid_from IS 'First day the code is valid (NULL: long before any record)';
COMMENT ON COLUMN creditrisk.division.valid_to IS 'First day the code is no longer valid (NULL: still valid)';
COMMENT ON COLUMN creditrisk.division.successor IS 'The code that replaced it';
COMMENT ON COLUMN creditrisk.division.shipped IS 'Shipped with the extension; frozen';
CREATE INDEX division_parent_code ON creditrisk.division (parent_code);

INSERT INTO creditrisk.division (code, name, level, parent_code, valid_from, valid_to, successor, shipped)
SELECT v.code, v.name, v.level, v.parent_code, v.valid_from::date, v.valid_to::date, v.successor, true FROM (VALUES
    ('410000', '河南省', 'province', NULL, NULL, NULL, NULL),
    ('410100', '郑州市', 'city', '410000', NULL, NULL, NULL),
    ('410200', '开封市', 'city', '410000', NULL, NULL, NULL),
    ('410300', '洛阳市', 'city', '410000', NULL, NULL, NULL),
    ('410400', '平顶山市', 'city', '410000', NULL, NULL, NULL),
    ('410500', '安阳市', 'city', '410000', NULL, NULL, NULL),
    ('410600', '鹤壁市', 'city', '410000', NULL, NULL, NULL),
    ('410700', '新乡市', 'city', '410000', NULL, NULL, NULL),
    ('410800', '焦作市', 'city', '410000', NULL, NULL, NULL),
    ('410900', '濮阳市', 'city', '410000', NULL, NULL, NULL),
    ('411000', '许昌市', 'city', '410000', NULL, NULL, NULL),
    ('411100', '漯河市', 'city', '410000', NULL, NULL, NULL),
    ('411200', '三门峡市', 'city', '410000', NULL, NULL, NULL),
    ('411300', '南阳市', 'city', '410000', NULL, NULL, NULL),
    ('411400', '商丘市', 'city', '410000', NULL, NULL, NULL),
    ('411500', '信阳市', 'city', '410000', NULL, NULL, NULL),
    ('411600', '周口市', 'city', '410000', NULL, NULL, NULL),
    ('411700', '驻马店市', 'city', '410000', NULL, NULL, NULL),
    ('419001', '济源市', 'city', '410000', NULL, NULL, NULL),
    ('410102', '中原区', 'county', '410100', NULL, NULL, NULL),
    ('410103', '二七区', 'county', '410100', NULL, NULL, NULL),
    ('410104', '管城回族区', 'county', '410100', NULL, NULL, NULL),
    ('410105', '金水区', 'county', '410100', NULL, NULL, NULL),
    ('410106', '上街区', 'county', '410100', NULL, NULL, NULL),
    ('410108', '惠济区', 'county', '410100', NULL, NULL, NULL),
    ('410122', '中牟县', 'county', '410100', NULL, NULL, NULL),
    ('410171', '郑州经济技术开发区', 'county', '410100', NULL, NULL, NULL),
    ('410172', '郑州高新技术产业开发区', 'county', '410100', NULL, NULL, NULL),
    ('410173', '郑州航空港经济综合实验区', 'county', '410100', NULL, NULL, NULL),
    ('410181', '巩义市', 'county', '410100', NULL, NULL, NULL),
    ('410182', '荥阳市', 'county', '410100', NULL, NULL, NULL),
    ('410183', '新密市', 'county', '410100', NULL, NULL, NULL),
    ('410184', '新郑市', 'county', '410100', NULL, NULL, NULL),
    ('410185', '登封市', 'county', '410100', NULL, NULL, NULL),
    ('410202', '龙亭区', 'county', '410200', NULL, NULL, NULL),
    ('410203', '顺河回族区', 'county', '410200', NULL, NULL, NULL),
    ('410204', '鼓楼区', 'county', '410200', NULL, NULL, NULL),
    ('410205', '禹王台区', 'county', '410200', NULL, NULL, NULL),
    ('410212', '祥符区', 'county', '410200', '2014-01-01', NULL, NULL),
    ('410221', '杞县', 'county', '410200', NULL, NULL, NULL),
    ('410222', '通许县', 'county', '410200', NULL, NULL, NULL),
    ('410223', '尉氏县', 'county', '410200', NULL, NULL, NULL),
    ('410225', '兰考县', 'county', '410200', NULL, NULL, NULL),
    ('410302', '老城区', 'county', '410300', NULL, NULL, NULL),
    ('410303', '西工区', 'county', '410300', NULL, NULL, NULL),
    ('410304', '瀍河回族区', 'county', '410300', NULL, NULL, NULL),
    ('410305', '涧西区', 'county', '410300', NULL, NULL, NULL),
    ('410307', '偃师区', 'county', '410300', '2021-01-01', NULL, NULL),
    ('410308', '孟津区', 'county', '410300', '2021-01-01', NULL, NULL),
    ('410311', '洛龙区', 'county', '410300', NULL, NULL, NULL),
    ('410323', '新安县', 'county', '410300', NULL, NULL, NULL),
    ('410324', '栾川县', 'county', '410300', NULL, NULL, NULL),
    ('410325', '嵩县', 'county', '410300', NULL, NULL, NULL),
    ('410326', '汝阳县', 'county', '410300', NULL, NULL, NULL),
    ('410327', '宜阳县', 'county', '410300', NULL, NULL, NULL),
    ('410328', '洛宁县', 'county', '410300', NULL, NULL, NULL),
    ('410329', '伊川县', 'county', '410300', NULL, NULL, NULL),
    ('410402', '新华区', 'county', '410400', NULL, NULL, NULL),
    ('410403', '卫东区', 'county', '410400', NULL, NULL, NULL),
    ('410404', '石龙区', 'county', '410400', NULL, NULL, NULL),
    ('410411', '湛河区', 'county', '410400', NULL, NULL, NULL),
    ('410421', '宝丰县', 'county', '410400', NULL, NULL, NULL),
    ('410422', '叶县', 'county', '410400', NULL, NULL, NULL),
    ('410423', '鲁山县', 'county', '410400', NULL, NULL, NULL),
    ('410425', '郏县', 'county', '410400', NULL, NULL, NULL),
    ('410481', '舞钢市', 'county', '410400', NULL, NULL, NULL),
    ('410482', '汝州市', 'county', '410400', NULL, NULL, NULL),
    ('410502', '文峰区', 'county', '410500', NULL, NULL, NULL),
    ('410503', '北关区', 'county', '410500', NULL, NULL, NULL),
    ('410505', '殷都区', 'county', '410500', NULL, NULL, NULL),
    ('410506', '龙安区', 'county', '410500', NULL, NULL, NULL),
    ('410522', '安阳县', 'county', '410500', NULL, NULL, NULL),
    ('410523', '汤阴县', 'county', '410500', NULL, NULL, NULL),
    ('410526', '滑县', 'county', '410500', NULL, NULL, NULL),
    ('410527', '内黄县', 'county', '410500', NULL, NULL, NULL),
    ('410581', '林州市', 'county', '410500', NULL, NULL, NULL),
    ('410602', '鹤山区', 'county', '410600', NULL, NULL, NULL),
    ('410603', '山城区', 'county', '410600', NULL, NULL, NULL),
    ('410611', '淇滨区', 'county', '410600', NULL, NULL, NULL),
    ('410621', '浚县', 'county', '410600', NULL, NULL, NULL),
    ('410622', '淇县', 'county', '410600', NULL, NULL, NULL),
    ('410702', '红旗区', 'county', '410700', NULL, NULL, NULL),
    ('410703', '卫滨区', 'county', '410700', NULL, NULL, NULL),
    ('410704', '凤泉区', 'county', '410700', NULL, NULL, NULL),
    ('410711', '牧野区', 'county', '410700', NULL, NULL, NULL),
    ('410721', '新乡县', 'county', '410700', NULL, NULL, NULL),
    ('410724', '获嘉县', 'county', '410700', NULL, NULL, NULL),
    ('410725', '原阳县', 'county', '410700', NULL, NULL, NULL),
    ('410726', '延津县', 'county', '410700', NULL, NULL, NULL),
    ('410727', '封丘县', 'county', '410700', NULL, NULL, NULL),
    ('410781', '卫辉市', 'county', '410700', NULL, NULL, NULL),
    ('410782', '辉县市', 'county', '410700', NULL, NULL, NULL),
    ('410783', '长垣市', 'county', '410700', '2019-01-01', NULL, NULL),
    ('410802', '解放区', 'county', '410800', NULL, NULL, NULL),
    ('410803', '中站区', 'county', '410800', NULL, NULL, NULL),
    ('410804', '马村区', 'county', '410800', NULL, NULL, NULL),
    ('410811', '山阳区', 'county', '410800', NULL, NULL, NULL),
    ('410821', '修武县', 'county', '410800', NULL, NULL, NULL),
    ('410822', '博爱县', 'county', '410800', NULL, NULL, NULL),
    ('410823', '武陟县', 'county', '410800', NULL, NULL, NULL),
    ('410825', '温县', 'county', '410800', NULL, NULL, NULL),
    ('410882', '沁阳市', 'county', '410800', NULL, NULL, NULL),
    ('410883', '孟州市', 'county', '410800', NULL, NULL, NULL),
    ('410902', '华龙区', 'county', '410900', NULL, NULL, NULL),
    ('410922', '清丰县', 'county', '410900', NULL, NULL, NULL),
    ('410923', '南乐县', 'county', '410900', NULL, NULL, NULL),
    ('410926', '范县', 'county', '410900', NULL, NULL, NULL),
    ('410927', '台前县', 'county', '410900', NULL, NULL, NULL),
    ('410928', '濮阳县', 'county', '410900', NULL, NULL, NULL),
    ('411002', '魏都区', 'county', '411000', NULL, NULL, NULL),
    ('411003', '建安区', 'county', '411000', NULL, NULL, NULL),
    ('411024', '鄢陵县', 'county', '411000', NULL, NULL, NULL),
    ('411025', '襄城县', 'county', '411000', NULL, NULL, NULL),
    ('411081', '禹州市', 'county', '411000', NULL, NULL, NULL),
    ('411082', '长葛市', 'county', '411000', NULL, NULL, NULL),
    ('411102', '源汇区', 'county', '411100', NULL, NULL, NULL),
    ('411103', '郾城区', 'county', '411100', NULL, NULL, NULL),
    ('411104', '召陵区', 'county', '411100', NULL, NULL, NULL),
    ('411121', '舞阳县', 'county', '411100', NULL, NULL, NULL),
    ('411122', '临颍县', 'county', '411100', NULL, NULL, NULL),
    ('411202', '湖滨区', 'county', '411200', NULL, NULL, NULL),
    ('411203', '陕州区', 'county', '411200', '2015-01-01', NULL, NULL),
    ('411221', '渑池县', 'county', '411200', NULL, NULL, NULL),
    ('411224', '卢氏县', 'county', '411200', NULL, NULL, NULL),
    ('411281', '义马市', 'county', '411200', NULL, NULL, NULL),
    ('411282', '灵宝市', 'county', '411200', NULL, NULL, NULL),
    ('411302', '宛城区', 'county', '411300', NULL, NULL, NULL),
    ('411303', '卧龙区', 'county', '411300', NULL, NULL, NULL),
    ('411321', '南召县', 'county', '411300', NULL, NULL, NULL),
    ('411322', '方城县', 'county', '411300', NULL, NULL, NULL),
    ('411323', '西峡县', 'county', '411300', NULL, NULL, NULL),
    ('411324', '镇平县', 'county', '411300', NULL, NULL, NULL),
    ('411325', '内乡县', 'county', '411300', NULL, NULL, NULL),
    ('411326', '淅川县', 'county', '411300', NULL, NULL, NULL),
    ('411327', '社旗县', 'county', '411300', NULL, NULL, NULL),
    ('411328', '唐河县', 'county', '411300', NULL, NULL, NULL),
    ('411329', '新野县', 'county', '411300', NULL, NULL, NULL),
    ('411330', '桐柏县', 'county', '411300', NULL, NULL, NULL),
    ('411381', '邓州市', 'county', '411300', NULL, NULL, NULL),
    ('411402', '梁园区', 'county', '411400', NULL, NULL, NULL),
    ('411403', '睢阳区', 'county', '411400', NULL, NULL, NULL),
    ('411421', '民权县', 'county', '411400', NULL, NULL, NULL),
    ('411422', '睢县', 'county', '411400', NULL, NULL, NULL),
    ('411423', '宁陵县', 'county', '411400', NULL, NULL, NULL),
    ('411424', '柘城县', 'county', '411400', NULL, NULL, NULL),
    ('411425', '虞城县', 'county', '411400', NULL, NULL, NULL),
    ('411426', '夏邑县', 'county', '411400', NULL, NULL, NULL),
    ('411481', '永城市', 'county', '411400', NULL, NULL, NULL),
    ('411502', '浉河区', 'county', '411500', NULL, NULL, NULL),
    ('411503', '平桥区', 'county', '411500', NULL, NULL, NULL),
    ('411521', '罗山县', 'county', '411500', NULL, NULL, NULL),
    ('411522', '光山县', 'county', '411500', NULL, NULL, NULL),
    ('411523', '新县', 'county', '411500', NULL, NULL, NULL),
    ('411524', '商城县', 'county', '411500', NULL, NULL, NULL),
    ('411525', '固始县', 'county', '411500', NULL, NULL, NULL),
    ('411526', '潢川县', 'county', '411500', NULL, NULL, NULL),
    ('411527', '淮滨县', 'county', '411500', NULL, NULL, NULL),
    ('411528', '息县', 'county', '411500', NULL, NULL, NULL),
    ('411602', '川汇区', 'county', '411600', NULL, NULL, NULL),
    ('411603', '淮阳区', 'county', '411600', '2019-01-01', NULL, NULL),
    ('411621', '扶沟县', 'county', '411600', NULL, NULL, NULL),
    ('411622', '西华县', 'county', '411600', NULL, NULL, NULL),
    ('411623', '商水县', 'county', '411600', NULL, NULL, NULL),
    ('411624', '沈丘县', 'county', '411600', NULL, NULL, NULL),
    ('411625', '郸城县', 'county', '411600', NULL, NULL, NULL),
    ('411627', '太康县', 'county', '411600', NULL, NULL, NULL),
    ('411628', '鹿邑县', 'county', '411600', NULL, NULL, NULL),
    ('411681', '项城市', 'county', '411600', NULL, NULL, NULL),
    ('411702', '驿城区', 'county', '411700', NULL, NULL, NULL),
    ('411721', '西平县', 'county', '411700', NULL, NULL, NULL),
    ('411722', '上蔡县', 'county', '411700', NULL, NULL, NULL),
    ('411723', '平舆县', 'county', '411700', NULL, NULL, NULL),
    ('411724', '正阳县', 'county', '411700', NULL, NULL, NULL),
    ('411725', '确山县', 'county', '411700', NULL, NULL, NULL),
    ('411726', '泌阳县', 'county', '411700', NULL, NULL, NULL),
    ('411727', '汝南县', 'county', '411700', NULL, NULL, NULL),
    ('411728', '遂平县', 'county', '411700', NULL, NULL, NULL),
    ('411729', '新蔡县', 'county', '411700', NULL, NULL, NULL),
    ('410224', '开封县', 'county', '410200', NULL, '2014-01-01', '410212'),
    ('411222', '陕县', 'county', '411200', NULL, '2015-01-01', '411203'),
    ('410728', '长垣县', 'county', '410700', NULL, '2019-01-01', '410783'),
    ('411626', '淮阳县', 'county', '411600', NULL, '2019-01-01', '411603'),
    ('410381', '偃师市', 'county', '410300', NULL, '2021-01-01', '410307'),
    ('410322', '孟津县', 'county', '410300', NULL, '2021-01-01', '410308'),
    ('410306', '吉利区', 'county', '410300', NULL, '2021-01-01', '410308')
) AS v(code, name, level, parent_code, valid_from, valid_to, successor)
ORDER BY v.level = 'county', v.level = 'city', v.successor IS NOT NULL, v.code;

CREATE TRIGGER division_shipped BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.division
    FOR EACH ROW EXECUTE FUNCTION creditrisk.shipped_row_guard('shipped',
        'Add a division of your own with shipped = false (a new code after a change of division, with its valid_from).');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.division', 'WHERE NOT shipped');

CREATE FUNCTION creditrisk.division_name(code text) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    AS $$ SELECT d.name FROM creditrisk.division d WHERE d.code OPERATOR(pg_catalog.=) division_name.code $$;
COMMENT ON FUNCTION creditrisk.division_name(text) IS
    'The name of a division code (行政区划名称), e.g. division_name(''411622'') = 西华县; NULL for a code not in creditrisk.division';

REVOKE ALL ON TABLE creditrisk.division FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.division_name(text) FROM PUBLIC;

-- ===========================================================================
-- The monthly run at speed (issue 16)
-- ===========================================================================
