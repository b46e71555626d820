-- ===========================================================================
-- References between the extension's tables (1.5, issue 11 §2)
-- ===========================================================================
-- A credit record refers to its enterprise on the register, an indicator
-- value to its catalogue entry, a fusion matrix to its rule.  These are not
-- foreign keys: the extension's constraints exist before pg_restore loads
-- any data, and pg_dump records no order between the data of extension
-- tables (each TABLE DATA entry depends on its own table only; the order
-- pg_dump chooses by the foreign keys is the archive's, which pg_restore -j
-- does not follow), so a foreign key between two of them makes a parallel
-- restore fail whenever a record is loaded before the register.  Each
-- reference is instead three C triggers (src/references.c) that check what a
-- foreign key checks, with the same queries, locks, messages and SQLSTATE
-- (23503), as the owner of the table read and exempt from FORCEd row-level
-- security as PostgreSQL's own checks are; a superuser's row carrying a
-- knowledge time of its own (recorded_at, as a restore writes it) written
-- while the referenced table has no row (but the shipped ones) is checked
-- when that table is loaded instead.  A self-reference (enterprise.parent_uscc,
-- division.parent_code) stays a foreign key: one table's data is one load.
-- ---------------------------------------------------------------------------

CREATE FUNCTION creditrisk.reference_check() RETURNS trigger
    AS 'MODULE_PATHNAME', 'reference_check' LANGUAGE C;
COMMENT ON FUNCTION creditrisk.reference_check() IS
    'Trigger on a referring table (AFTER INSERT OR UPDATE, each row): the row it refers to must exist (23503, as a foreign key); a superuser''s restored row (its own recorded_at) written while the referenced table holds no data yet (a parallel restore) is checked by that table''s load';
CREATE FUNCTION creditrisk.reference_load() RETURNS trigger
    AS 'MODULE_PATHNAME', 'reference_load' LANGUAGE C;
COMMENT ON FUNCTION creditrisk.reference_load() IS
    'Trigger on a referenced table (AFTER INSERT OR TRUNCATE, each statement): its first load checks every referring row (as ALTER TABLE … ADD FOREIGN KEY does); TRUNCATE may not leave referring rows';
CREATE FUNCTION creditrisk.reference_guard() RETURNS trigger
    AS 'MODULE_PATHNAME', 'reference_guard' LANGUAGE C;
COMMENT ON FUNCTION creditrisk.reference_guard() IS
    'Trigger on a referenced table (AFTER UPDATE OR DELETE, each row): a key still referred to cannot change or go (NO ACTION), or its referring rows follow (CASCADE)';

-- Installer helper (used by the install and upgrade scripts only): the three
-- triggers of one reference.  name is the foreign key's name it stands for
-- (the trigger on the referring table; <name>_guard and <name>_load on the
-- referenced one); shipped names a boolean column of the referenced table
-- marking the rows CREATE EXTENSION installs, which pg_dump leaves out and
-- which therefore do not make the table "loaded".
CREATE FUNCTION creditrisk.add_reference(name text, referring regclass, columns text,
                                         referenced regclass, referenced_columns text,
                                         action text DEFAULT 'restrict', shipped text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    args text;
    f text;
    t text;
    cols text;
    refcols text;
BEGIN
    SELECT c.relname INTO f FROM pg_class c WHERE c.oid = referring;
    SELECT c.relname INTO t FROM pg_class c WHERE c.oid = referenced;
    SELECT string_agg(format('%I', btrim(c)), ', ') INTO cols FROM unnest(string_to_array(columns, ',')) c;
    SELECT string_agg(format('%I', btrim(c)), ', ') INTO refcols FROM unnest(string_to_array(referenced_columns, ',')) c;
    args := format('%L, %L, %L, %L, %L, %L', name, f, columns, t, referenced_columns, action)
            || CASE WHEN shipped IS NULL THEN '' ELSE format(', %L', shipped) END;
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OF %s ON creditrisk.%I FOR EACH ROW EXECUTE FUNCTION creditrisk.reference_check(%s)',
                   name, cols, f, args);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE OF %s OR DELETE ON creditrisk.%I FOR EACH ROW EXECUTE FUNCTION creditrisk.reference_guard(%s)',
                   name || '_guard', refcols, t, args);
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR TRUNCATE ON creditrisk.%I FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.reference_load(%s)',
                   name || '_load', t, args);
END
$$;
COMMENT ON FUNCTION creditrisk.add_reference(text, regclass, text, regclass, text, text, text) IS
    'Used by the install and upgrade scripts only: the triggers reference_check, reference_guard and reference_load that make referring(columns) refer to referenced(referenced_columns), restrict or cascade (shipped: the referenced rows installed with the extension, which do not count as its loaded data)';

REVOKE ALL ON FUNCTION creditrisk.reference_check(), creditrisk.reference_load(), creditrisk.reference_guard(),
                       creditrisk.add_reference(text, regclass, text, regclass, text, text, text) FROM PUBLIC;
