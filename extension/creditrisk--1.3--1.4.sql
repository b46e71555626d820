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


-- ===========================================================================
-- Integrity: stored SQL, models, exact bands, seed rules, dates (issue 11)
-- ===========================================================================

-- ===========================================================================
-- Integrity: one snapshot per run, bitemporal records and register (issue 11 §4)
-- ===========================================================================

-- ===========================================================================
-- Confidentiality and accountability (issue 12)
-- ===========================================================================

-- ===========================================================================
-- Spot-check plans, draws, inspectors (issue 13)
-- ===========================================================================

-- ===========================================================================
-- Working-day calendar, reporting units, credit repair, commitments (issue 14)
-- ===========================================================================

-- ===========================================================================
-- Divisions, explain_enterprise, schedule, model performance (issue 15)
-- ===========================================================================

-- ===========================================================================
-- The monthly run at speed (issue 16)
-- ===========================================================================
