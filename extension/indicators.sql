-- ===========================================================================
-- 1.2 Indicator derivation (指标计算) as of a date.
--
-- Every catalogue entry may carry an SQL definition: a scalar expression
-- over the enterprise row `e` (creditrisk.enterprise) and the as-of date
-- `$1`, giving the value as a number or NULL (missing).  Definitions are
-- compiled and run with search_path = pg_catalog, creditrisk, pg_temp, so
-- that the operators of the uscc type need no schema (p.uscc = e.uscc).
-- The definitions of the built-in entries are the reference for what the C
-- engine computes (compute_indicators() computes built-in entries in a few
-- streaming passes over the record tables and evaluates the SQL definitions
-- of the others); indicators_to_sql() assembles them into one plain query
-- for audit.
--
-- The population on a date D: enterprises established on or before D and
-- not cancelled (注销) on or before D.  Revoked ones are included.
-- ===========================================================================

ALTER TABLE creditrisk.indicator ADD COLUMN definition_sql text
    CONSTRAINT indicator_definition_sql_nonempty CHECK (definition_sql <> '');
COMMENT ON COLUMN creditrisk.indicator.definition_sql IS
    'The indicator as SQL: a scalar expression over the enterprise row e (creditrisk.enterprise) and the as-of date $1, giving a number or NULL (missing)';

-- The indicators read a licence as valid on [valid_from, valid_to).
COMMENT ON COLUMN creditrisk.licence.valid_to IS
    'End of validity: the licence is valid on the days before it, [valid_from, valid_to); NULL = open-ended';

-- A definition must compile to a number before it enters the catalogue.
CREATE FUNCTION creditrisk.indicator_definition_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    IF NEW.definition_sql IS NOT NULL THEN
        BEGIN
            EXECUTE format('SELECT (%s)::double precision FROM creditrisk.enterprise e LIMIT 0', NEW.definition_sql)
              USING current_date;
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION 'SQL definition of indicator "%" does not compile', NEW.code
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = SQLERRM,
                      HINT = 'Write a scalar expression over the enterprise row e and the as-of date $1, e.g. (SELECT count(*) FROM creditrisk.penalty p WHERE p.uscc = e.uscc AND p.decision_date <= $1).';
        END;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION creditrisk.indicator_definition_check() IS
    'Trigger: refuses a catalogue entry whose SQL definition does not compile to a number';
CREATE TRIGGER indicator_definition_check BEFORE INSERT OR UPDATE OF definition_sql ON creditrisk.indicator
    FOR EACH ROW EXECUTE FUNCTION creditrisk.indicator_definition_check();

-- Frozen entries: a definition may be filled in where there was none, but
-- never changed once a published model uses the entry.
CREATE OR REPLACE FUNCTION creditrisk.indicator_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    user_model text;
BEGIN
    SELECT mi.model_key INTO user_model
      FROM creditrisk.model_indicator mi JOIN creditrisk.model m USING (model_key)
     WHERE mi.code = OLD.code AND m.status <> 'draft'
     ORDER BY mi.model_key LIMIT 1;
    IF FOUND AND (TG_OP = 'DELETE'
                  OR ROW(OLD.name, OLD.name_en, OLD.unit, OLD.definition, OLD.source)
                     IS DISTINCT FROM ROW(NEW.name, NEW.name_en, NEW.unit, NEW.definition, NEW.source)
                  OR (OLD.definition_sql IS NOT NULL AND OLD.definition_sql IS DISTINCT FROM NEW.definition_sql)) THEN
        RAISE EXCEPTION 'indicator "%" is used by published model "%" and cannot be changed', OLD.code, user_model
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Add a new catalogue entry with another code for a changed definition.';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

-- Model documents carry the catalogue's SQL definitions, so that a model
-- moved to another database computes there too: model_export() adds each
-- entry's definition_sql, model_import() fills it in (or refuses a
-- different one).  The 1.1 functions stay, renamed, and do the rest.
ALTER FUNCTION creditrisk.model_export_indicator(creditrisk.model_indicator) RENAME TO model_export_indicator_rule;
COMMENT ON FUNCTION creditrisk.model_export_indicator_rule(creditrisk.model_indicator) IS
    'One indicator of model_export(), without its SQL definition';
CREATE FUNCTION creditrisk.model_export_indicator(i creditrisk.model_indicator) RETURNS jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT creditrisk.model_export_indicator_rule(i)
           || CASE WHEN c.definition_sql IS NULL THEN '{}'::jsonb
                   ELSE jsonb_build_object('definition_sql', c.definition_sql) END
      FROM creditrisk.indicator c WHERE c.code = i.code
$$;
COMMENT ON FUNCTION creditrisk.model_export_indicator(creditrisk.model_indicator) IS
    'One indicator of model_export(), with the SQL definition of its catalogue entry';

ALTER FUNCTION creditrisk.model_import(jsonb, text) RENAME TO model_import_tree;
COMMENT ON FUNCTION creditrisk.model_import_tree(jsonb, text) IS
    'model_import() without the SQL definitions: the model, its tree and the catalogue entries';
CREATE FUNCTION creditrisk.model_import(doc jsonb, new_key text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    key text := creditrisk.model_import_tree(doc, new_key);
    i jsonb;
    current_sql text;
BEGIN
    FOR i IN SELECT x FROM jsonb_array_elements(doc -> 'dimensions') d,
                           jsonb_array_elements(coalesce(d -> 'groups', '[]')) g,
                           jsonb_array_elements(coalesce(g -> 'indicators', '[]')) x
              WHERE x ? 'definition_sql' LOOP
        SELECT c.definition_sql INTO current_sql FROM creditrisk.indicator c WHERE c.code = i ->> 'code';
        IF current_sql IS NULL THEN
            UPDATE creditrisk.indicator SET definition_sql = i ->> 'definition_sql' WHERE code = i ->> 'code';
        ELSIF current_sql IS DISTINCT FROM i ->> 'definition_sql' THEN
            RAISE EXCEPTION 'indicator "%" differs from the catalogue entry of the same code', i ->> 'code'
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'A catalogue code always means the same fact; the document gives another SQL definition.',
                      HINT = 'Give the indicator a new code in the document.';
        END IF;
    END LOOP;
    RETURN key;
END
$$;
COMMENT ON FUNCTION creditrisk.model_import(jsonb, text) IS
    'Creates a model from a model_export() document (under new_key if given), with its status and the SQL definitions of its catalogue entries: a published document is validated and published';

-- The population scored on a date (since 1.3 with an inlinable body:
-- extension/inline-helpers.sql).
CREATE FUNCTION creditrisk.in_population(established date, status text, status_date date, as_of date) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    AS $$ SELECT established <= as_of AND NOT (status = 'cancelled' AND status_date <= as_of) $$;
COMMENT ON FUNCTION creditrisk.in_population(date, text, date, date) IS
    'Whether an enterprise is classified on as_of: established on or before it and not cancelled (注销) by it';

-- The whole computation of a model's indicators as one plain SQL query.
CREATE FUNCTION creditrisk.indicators_to_sql(model text) RETURNS text
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
    RETURN format(E'-- indicators of model %s as of the date $1, in model order\nSELECT e.uscc, ARRAY[\n%s\n  ] AS indicators\n  FROM creditrisk.enterprise e\n WHERE creditrisk.in_population(e.established_date, e.status, e.status_date, $1)',
                  model, body);
END
$$;
COMMENT ON FUNCTION creditrisk.indicators_to_sql(text) IS
    'The computation of a model''s indicators as one plain SQL query over the record tables (parameter $1: the as-of date), from the catalogue''s SQL definitions; for audit and for systems without the extension';

-- The C engine: built-in entries in streaming passes over the record
-- tables, the others by their SQL definitions (see src/indicators.c).
CREATE FUNCTION creditrisk.compute_indicators(model text, as_of date)
RETURNS TABLE (uscc creditrisk.uscc, indicators double precision[])
AS 'MODULE_PATHNAME', 'compute_indicators'
LANGUAGE C STABLE STRICT PARALLEL RESTRICTED SET search_path = pg_catalog, creditrisk, pg_temp
COST 1000 ROWS 100000;
COMMENT ON FUNCTION creditrisk.compute_indicators(text, date) IS
    'Indicator values (指标值) of every enterprise in the population on as_of (established, not cancelled), in the model''s order, ready for creditrisk.score(); the same date always gives the same values';

REVOKE ALL ON FUNCTION creditrisk.indicator_definition_check() FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.model_export_indicator(creditrisk.model_indicator) FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.model_import(jsonb, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.in_population(date, text, date, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.indicators_to_sql(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.compute_indicators(text, date) FROM PUBLIC;
