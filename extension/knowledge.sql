-- ===========================================================================
-- Knowledge time (since 1.4): when each row became known, what it replaced,
-- and the fence that gives every classification run one moment of knowledge.
--
-- Every table a classification reads (the register, the credit records, the
-- configuration) has a column recorded_at: when the row became known to this
-- database.  The trigger record_arrival() sets it (one value per writing
-- transaction: the moment it passed the fence) and keeps each superseded
-- version, with superseded_at, in <table>_history; <table>_as_known(T) is the
-- table as it was known at T.  The register also has valid time (valid_from,
-- see collection.sql): creditrisk.register_at(D, T).
--
-- The fence: writers take ROW SHARE on creditrisk.classification_run (in the
-- trigger), a run takes EXCLUSIVE (knowledge_fence()) before it fixes its
-- knowledge time T, so no row stamped at or before T can commit after it.
-- A run of date D with knowledge T therefore reads exactly what
-- "valid on D and known by T" means, and so does any later re-run with T.
-- ===========================================================================

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
