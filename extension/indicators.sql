-- ===========================================================================
-- Indicator derivation (指标计算) as of a date (since 1.2).
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

-- ---------------------------------------------------------------------------
-- Stored SQL and its author (1.4, issue 11).  SQL stored as data is code:
-- it runs with its author's rights, never with those of whoever runs it
-- (src/stored_sql.c).  Each row records its author; the C functions parse
-- it (a definition must be one expression, a rule one SELECT query) and
-- analyse it, never executing it, on insert, on update and during a
-- restore.
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.stored_sql_check(kind text, code text, sql text) RETURNS void
    AS 'MODULE_PATHNAME', 'stored_sql_check' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED
    SET search_path = pg_catalog, creditrisk, pg_temp;
COMMENT ON FUNCTION creditrisk.stored_sql_check(text, text, text) IS
    'Refuses stored SQL (kind definition: one expression over e, the date $1 and the knowledge time $2; kind rule: one SELECT query over $1 and $2) that is not of its kind or does not compile, by parsing and analysing it without executing it';

-- The trigger (C, src/stored_sql.c) records the author of the SQL and
-- checks it: a new text is its writer's; naming another role as author
-- needs membership in it; shipped rows have none.
CREATE FUNCTION creditrisk.indicator_definition_check() RETURNS trigger
    AS 'MODULE_PATHNAME', 'stored_sql_trigger' LANGUAGE C;
COMMENT ON FUNCTION creditrisk.indicator_definition_check() IS
    'Trigger: records the author of a catalogue entry''s SQL definition and refuses a definition that is not one expression compiling to a number (parsed and analysed, never executed)';
CREATE TRIGGER indicator_definition_check BEFORE INSERT OR UPDATE ON creditrisk.indicator
    FOR EACH ROW EXECUTE FUNCTION creditrisk.indicator_definition_check('definition', 'definition_sql');

-- The population scored on a date.  A SQL-standard body, like
-- is_current()'s (see collection.sql): inlined by the planner, immune to the
-- caller's search_path.
CREATE FUNCTION creditrisk.in_population(established date, status text, status_date date, as_of date)
    RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT established OPERATOR(pg_catalog.<=) as_of
       AND NOT (status OPERATOR(pg_catalog.=) 'cancelled'
                AND status_date OPERATOR(pg_catalog.<=) as_of);
END;
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
    RETURN format(E'-- indicators of model %s as of the date $1 as known at $2 (NULL = now), in model order\nSELECT e.uscc, ARRAY[\n%s\n  ] AS indicators\n  FROM creditrisk.register_at($1, $2) e\n WHERE creditrisk.in_population(e.established_date, e.status, e.status_date, $1)',
                  model, body);
END
$$;
COMMENT ON FUNCTION creditrisk.indicators_to_sql(text) IS
    'The computation of a model''s indicators as one plain SQL query over the record tables (parameters $1: the as-of date, $2: the knowledge time, NULL = now), from the catalogue''s SQL definitions; for audit and for systems without the extension';

-- The C engine: built-in entries in streaming passes over the record
-- tables, the others by their SQL definitions (see src/compute.c).
CREATE FUNCTION creditrisk.compute_indicators(model text, as_of date, known_at timestamptz DEFAULT NULL)
RETURNS TABLE (uscc creditrisk.uscc, indicators double precision[])
AS 'MODULE_PATHNAME', 'compute_indicators'
LANGUAGE C STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, creditrisk, pg_temp
COST 1000 ROWS 100000;
COMMENT ON FUNCTION creditrisk.compute_indicators(text, date, timestamptz) IS
    'Indicator values (指标值) of every enterprise in the population on as_of (established, not cancelled), in the model''s order, ready for creditrisk.score(): from the register version valid on as_of and the records, as known at known_at (NULL = now); the same date and knowledge time always give the same values. Rows come in USCC order (统一社会信用代码 order: the uscc type''s btree order), whatever the register''s physical order';

-- The monthly run's first stage in one pass of the engine (src/compute.c):
-- each enterprise's division, score, class and reasons straight from the
-- engine's state (no array of values per row, no second read of the register).
CREATE FUNCTION creditrisk.score_population(model text, as_of date, known_at timestamptz DEFAULT NULL,
                                            nreasons integer DEFAULT 3)
RETURNS TABLE (uscc creditrisk.uscc, division_code creditrisk.division_code, score double precision,
               score_class creditrisk.riskclass, reasons text[])
AS 'MODULE_PATHNAME', 'score_population'
LANGUAGE C STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, creditrisk, pg_temp
COST 1000 ROWS 100000;
COMMENT ON FUNCTION creditrisk.score_population(text, date, timestamptz, integer) IS
    'The scores (风险评分) of every enterprise in the population on as_of with a published model, in one pass of the C engine: its division on as_of, score, score class (art. 9) and the nreasons reason codes, as known at known_at (NULL = now); row for row what compute_indicators() joined with register_at(), score(), classify() and score_reasons() give, in USCC order (统一社会信用代码 order: the uscc type''s btree order) whatever the register''s physical order. The monthly run''s first stage';

-- The same rows, streamed (src/compute.c, src/parallel.c): one per call, as
-- they are computed, so that the monthly run writes each row while the next
-- ones are computed (by parallel workers: creditrisk.run_workers).  In a
-- SELECT list (a FROM clause collects every row first).  No SET clause: it
-- would be applied on every call; the function pins the search_path itself
-- for its queries.
CREATE FUNCTION creditrisk.score_population_stream(model text, as_of date, known_at timestamptz DEFAULT NULL,
                                                   nreasons integer DEFAULT 3,
                                                   OUT uscc creditrisk.uscc, OUT division_code creditrisk.division_code,
                                                   OUT score double precision, OUT score_class creditrisk.riskclass,
                                                   OUT reasons text[])
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'score_population_stream'
LANGUAGE C STABLE PARALLEL RESTRICTED
COST 1000 ROWS 100000;
COMMENT ON FUNCTION creditrisk.score_population_stream(text, date, timestamptz, integer) IS
    'score_population()''s rows (风险评分), the same rows in the same order, streamed: returned one per call as they are computed (by creditrisk.run_workers parallel workers, while the caller writes them), for a SELECT list: SELECT (s.r).* FROM (SELECT creditrisk.score_population_stream(m, d, t, 3) AS r OFFSET 0) s. The monthly run''s first stage. While workers run, the statement is in parallel mode: what it calls on the rows may read but not write';

-- The codes the C engine computes: its registry (src/indicator_registry.h).
-- The install script checks them against the catalogue's built-in entries.
CREATE FUNCTION creditrisk.engine_indicator_codes()
RETURNS SETOF text
AS 'MODULE_PATHNAME', 'engine_indicator_codes'
LANGUAGE C IMMUTABLE PARALLEL SAFE COST 1 ROWS 100;
COMMENT ON FUNCTION creditrisk.engine_indicator_codes() IS
    'Codes of the catalogue entries that compute_indicators() computes in C (内置指标), in the order of its registry; every other entry is computed by its SQL definition';

REVOKE ALL ON FUNCTION creditrisk.indicator_definition_check() FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.stored_sql_check(text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.in_population(date, text, date, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.indicators_to_sql(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.compute_indicators(text, date, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.engine_indicator_codes() FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.score_population(text, date, timestamptz, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.score_population_stream(text, date, timestamptz, integer) FROM PUBLIC;
