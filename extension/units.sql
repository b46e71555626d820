-- ===========================================================================
-- Reporting units (报送单位, issue 14; since 1.5): the register of the units
-- that report credit records, referenced by every record instead of free
-- text.
--
-- Every record's reported_by is the code of a unit on this register, active
-- on the record's date (the trigger reporting_unit_check, attached to every
-- record table in collection.sql, with the table's date); a loader (enrolled
-- with kind 'loader', see security.sql) reports only as a unit whose
-- reporter_role it is a member of, and sees and changes only that unit's
-- records.  A unit that records name cannot be deleted or renamed
-- (reporting_unit_referenced).
--
-- The reference is checked by triggers, not by a foreign key: pg_restore -j
-- loads the data of an extension's tables in parallel, in no order, while
-- its foreign keys exist, so a record could be restored before its unit
-- (test/shell/upgrade_data.sh, parallel_restore.sh).  Rows that arrive with
-- a knowledge time of their own (a restore, an imported history: recorded_at
-- before the transaction) were checked when they became known and are not
-- checked again.
--
-- A unit has a division (行政区划), so that it falls in a jurisdiction like
-- everything else: every enrolled role reads the whole register (it names
-- government units, not enterprises), each writes the units of its own
-- jurisdiction (create_roles()).
--
-- The 1.4 -> 1.5 update registers one unit per distinct spelling found in
-- the records (reporting_units_from_records()), flagged needs_review; a
-- bureau then merges the spellings of one unit (reporting_unit_merge()).
-- ===========================================================================

CREATE TABLE creditrisk.reporting_unit (
    code          text PRIMARY KEY
                  CONSTRAINT reporting_unit_code_format
                  CHECK (code <> '' AND code !~ '[[:cntrl:]]' AND length(code) <= 200),
    name          text NOT NULL CONSTRAINT reporting_unit_name_nonempty CHECK (name <> ''),
    bureau        text NOT NULL CONSTRAINT reporting_unit_bureau_nonempty CHECK (bureau <> ''),
    division_code creditrisk.division_code NOT NULL,
    kind          text NOT NULL
                  CONSTRAINT reporting_unit_kind_valid
                  CHECK (kind IN ('market_regulation', 'other_department', 'court', 'platform', 'unknown')),
    active_from   date NOT NULL DEFAULT '-infinity'
                  CONSTRAINT reporting_unit_active_from_finite CHECK (active_from < 'infinity'),
    active_to     date
                  CONSTRAINT reporting_unit_active_to_finite CHECK (pg_catalog.isfinite(active_to)),
    reporter_role name,
    needs_review  boolean NOT NULL DEFAULT false,
    note          text NOT NULL DEFAULT '',
    recorded_at   timestamptz NOT NULL,
    CONSTRAINT reporting_unit_active_period CHECK (active_to > active_from)
);
CREATE INDEX reporting_unit_division_idx ON creditrisk.reporting_unit (division_code);
COMMENT ON TABLE creditrisk.reporting_unit IS
    'Reporting units (报送单位): the departments and platforms that report credit records, each with its bureau, division, kind, active period and the role whose members may report as it; every record''s reported_by is a code of this register';
COMMENT ON COLUMN creditrisk.reporting_unit.code IS
    'The unit''s code, as records name it in reported_by (e.g. 411622-scjgj): not empty, no control characters, at most 200 characters (a spelling registered by the 1.5 update is kept as it was, blanks included)';
COMMENT ON COLUMN creditrisk.reporting_unit.name IS 'The unit''s name (单位名称), e.g. 西华县市场监督管理局登记注册股';
COMMENT ON COLUMN creditrisk.reporting_unit.bureau IS 'The bureau or department the unit belongs to (所属部门), e.g. 西华县市场监督管理局';
COMMENT ON COLUMN creditrisk.reporting_unit.division_code IS
    'The division (行政区划) the unit belongs to: its jurisdiction decides who may register or change it';
COMMENT ON COLUMN creditrisk.reporting_unit.kind IS
    'market_regulation (市场监管部门), other_department (其他行政机关), court (人民法院), platform (信用平台、热线、公示系统、舆情监测), unknown (registered from a spelling, to review)';
COMMENT ON COLUMN creditrisk.reporting_unit.active_from IS
    'First day the unit exists and may report (-infinity: always); a record dated before it is refused';
COMMENT ON COLUMN creditrisk.reporting_unit.active_to IS
    'First day the unit no longer exists (merged or abolished; exclusive; NULL: still active); a record dated on or after it is refused';
COMMENT ON COLUMN creditrisk.reporting_unit.reporter_role IS
    'The role whose members may report as this unit when enrolled as loaders (报送人员): a login or a group role; NULL: no loader may (administrators and superusers still can)';
COMMENT ON COLUMN creditrisk.reporting_unit.needs_review IS
    'Registered automatically from a spelling found in the records (the 1.5 update, reporting_units_from_records()): name, bureau, division and kind are guesses to review';
COMMENT ON COLUMN creditrisk.reporting_unit.note IS 'Free note (e.g. what a merged spelling became)';

SELECT creditrisk.keep_history('creditrisk.reporting_unit');

-- ---------------------------------------------------------------------------
-- The check on every record table: the unit is on the register and active on
-- the record's date, and a loader reports only as its own unit.  One query
-- per statement over the statement's new rows (a transition table), so a
-- bulk load pays one hash join, not a lookup per row.  TG_ARGV[0] is the
-- record's date as an expression over the new row n (fixed when the trigger
-- is created by the install script).  Rows stamped by this transaction
-- (recorded_at from its fence, never before its start) are checked; rows
-- restored or imported with their own, earlier knowledge time are not.
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.reporting_unit_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
DECLARE
    bad record;
BEGIN
    -- a loader reports only as a unit whose reporter role it is a member of
    IF NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user)
       AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles g
                    WHERE g.rolname = 'creditrisk_loader' AND pg_catalog.pg_has_role(g.oid, 'MEMBER')) THEN
        SELECT n.reported_by AS unit, u.reporter_role INTO bad
          FROM new_rows n
          LEFT JOIN creditrisk.reporting_unit u ON u.code = n.reported_by
         WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
                            WHERE r.rolname = u.reporter_role AND pg_catalog.pg_has_role(r.oid, 'MEMBER'))
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'role "%" may not report as unit "%"', current_user, bad.unit
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = CASE WHEN bad.reporter_role IS NULL
                                    THEN format('A loader reports only as its own unit; no loader may report as "%s" (its reporter_role is not set).', bad.unit)
                                    ELSE format('A loader reports only as its own unit; the members of role "%s" may report as "%s".', bad.reporter_role, bad.unit) END,
                      HINT = 'Give your own unit''s code in reported_by; a unit''s reporter_role is set in creditrisk.reporting_unit by an administrator of its jurisdiction.',
                      TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA;
        END IF;
    END IF;
    -- the unit is on the register ...
    SELECT n.reported_by AS unit INTO bad
      FROM new_rows n
     WHERE n.recorded_at >= pg_catalog.now()
       AND NOT EXISTS (SELECT 1 FROM creditrisk.reporting_unit u WHERE u.code = n.reported_by)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'reporting unit "%" is not on the register', bad.unit
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('A record of %s.%s names it in reported_by; every record names a unit of creditrisk.reporting_unit.',
                                  TG_TABLE_SCHEMA, TG_TABLE_NAME),
                  HINT = 'Register the unit first (INSERT INTO creditrisk.reporting_unit ...), or give the code of a registered one (SELECT code, name FROM creditrisk.reporting_unit ORDER BY code).',
                  TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA;
    END IF;
    -- ... and active on the record's date
    EXECUTE format($q$
        SELECT n.reported_by AS unit, (%1$s) AS day, u.active_from, u.active_to, u.name
          FROM new_rows n
          JOIN creditrisk.reporting_unit u ON u.code OPERATOR(pg_catalog.=) n.reported_by
         WHERE n.recorded_at OPERATOR(pg_catalog.>=) pg_catalog.now()
           AND ((%1$s) OPERATOR(pg_catalog.<) u.active_from OR (%1$s) OPERATOR(pg_catalog.>=) u.active_to)
         LIMIT 1$q$, TG_ARGV[0]) INTO bad;
    IF bad.unit IS NOT NULL THEN
        RAISE EXCEPTION 'reporting unit "%" was not active on %', bad.unit, bad.day
            USING ERRCODE = 'check_violation',
                  DETAIL = format('%s (%s) is active from %s%s; the record of %s.%s is dated %s (%s).',
                                  bad.unit, bad.name, bad.active_from,
                                  CASE WHEN bad.active_to IS NULL THEN ' on' ELSE ' until the day before ' || bad.active_to END,
                                  TG_TABLE_SCHEMA, TG_TABLE_NAME, bad.day, TG_ARGV[0]),
                  HINT = 'Report the record as the unit that existed on that date (its predecessor or successor), or correct the unit''s active period in creditrisk.reporting_unit.',
                  TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA;
    END IF;
    RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION creditrisk.reporting_unit_check() IS
    'Trigger (per statement, over its new rows): each record''s reporting unit (报送单位) is on the register and active on the record''s date (the argument: the date as an expression over the row n), and a loader reports only as a unit whose reporter_role it is a member of; rows restored or imported with an earlier knowledge time are not checked again';

-- Attaching the check to a record table: its two triggers (the record's date
-- as an expression over the new row n) and its column's comment.  Called by
-- the install sources for each record table (collection.sql's list; repair.sql
-- for credit commitments and repairs, which it creates after collection.sql);
-- the triggers are the list of tables whose records name a unit (every
-- function below finds the tables by them).
CREATE FUNCTION creditrisk.reporting_unit_attach(record_table regclass, record_day text) RETURNS void
LANGUAGE plpgsql VOLATILE STRICT SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
BEGIN
    EXECUTE format('CREATE TRIGGER reporting_unit_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.reporting_unit_check(%L)', record_table, record_day);
    EXECUTE format('CREATE TRIGGER reporting_unit_update AFTER UPDATE ON %s REFERENCING NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.reporting_unit_check(%L)', record_table, record_day);
    IF record_table <> 'creditrisk.enterprise'::regclass THEN
        EXECUTE format('COMMENT ON COLUMN %s.reported_by IS %L', record_table,
                       'The reporting unit (报送单位) that reported the record: a code of creditrisk.reporting_unit, active on the record''s date');
    END IF;
END
$fn$;
COMMENT ON FUNCTION creditrisk.reporting_unit_attach(regclass, text) IS
    'Makes a record table''s reported_by a reference to the reporting units (报送单位): creates its triggers reporting_unit_insert and reporting_unit_update (creditrisk.reporting_unit_check() with the record''s date, an expression over the new row n) and comments the column; used by the install script';

-- A unit is ended (active_to), not deleted or renamed: only a superuser may
-- delete a unit or change its code, and only while no record names it (what
-- a foreign key's RESTRICT did; a superuser sees every row, where an
-- administrator's policies would hide other jurisdictions' records).  Rare:
-- it reads each record table.
CREATE FUNCTION creditrisk.reporting_unit_referenced() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
DECLARE
    t text;
    referred boolean;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.code = OLD.code THEN
        RETURN NULL;
    END IF;
    IF NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) THEN
        RAISE EXCEPTION 'reporting unit "%" cannot be deleted or renamed', OLD.code
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'Records of other jurisdictions may name it; a unit is ended, not removed.',
                  HINT = 'UPDATE creditrisk.reporting_unit SET active_to = ... WHERE code = ...; a superuser may delete a unit no record names.';
    END IF;
    FOR t IN SELECT r.relname FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class r ON r.oid = g.tgrelid
              WHERE g.tgname = 'reporting_unit_insert' AND r.relnamespace = 'creditrisk'::regnamespace
              ORDER BY 1
    LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM creditrisk.%I x WHERE x.reported_by = $1)', t) INTO referred USING OLD.code;
        IF referred THEN
            RAISE EXCEPTION 'reporting unit "%" is named by records of %', OLD.code, t
                USING ERRCODE = 'foreign_key_violation',
                      DETAIL = 'A unit that records name cannot be deleted or renamed.',
                      HINT = 'End it instead (UPDATE creditrisk.reporting_unit SET active_to = ...), or move its records to another unit with creditrisk.reporting_unit_merge().';
        END IF;
    END LOOP;
    RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION creditrisk.reporting_unit_referenced() IS
    'Trigger: only a superuser may delete a reporting unit (报送单位) or change its code, and only while no record names it';
CREATE TRIGGER reporting_unit_referenced AFTER UPDATE OR DELETE ON creditrisk.reporting_unit
    FOR EACH ROW EXECUTE FUNCTION creditrisk.reporting_unit_referenced();

-- A unit's active period is not shortened (nor the unit ended) past its own
-- records: a record dated outside the new period would be one the check
-- above refuses.  Every record table is read (the tables with the trigger
-- reporting_unit_insert, each with its record's date, the trigger's
-- argument).  The refusal counts the unit's records in every jurisdiction
-- (reporting_unit_stray_records(), as the owner), but the error names only a
-- record the caller may read itself (the check runs with the caller's
-- rights): an administrator learns of another jurisdiction's records their
-- number, nothing else (1.7; residual risk R4 of doc/SECURITY.md until 1.6).
-- Rare: a unit's period changes seldom.
CREATE FUNCTION creditrisk.reporting_unit_outside(unit text, active_from date, active_to date)
RETURNS TABLE (table_name text, record text, day date, records bigint)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
DECLARE
    t record;
BEGIN
    -- (a record's key: its id, or the enterprise's USCC where there is none)
    FOR t IN SELECT r.oid::regclass AS tbl, r.relname,
                    EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                             WHERE a.attrelid = r.oid AND a.attname = 'id' AND NOT a.attisdropped) AS has_id,
                    pg_catalog.convert_from(substring(g.tgargs FROM 1 FOR pg_catalog.position(g.tgargs, '\x00'::bytea) - 1), 'UTF8') AS day
               FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class r ON r.oid = g.tgrelid
              WHERE g.tgname = 'reporting_unit_insert' AND r.relnamespace = 'creditrisk'::regnamespace
              ORDER BY r.relname
    LOOP
        RETURN QUERY EXECUTE format($q$
            SELECT %4$L::text, %3$s, (%2$s)::date, count(*) OVER ()
              FROM %1$s n
             WHERE n.reported_by OPERATOR(pg_catalog.=) $1
               AND ((%2$s) OPERATOR(pg_catalog.<) $2 OR (%2$s) OPERATOR(pg_catalog.>=) $3)
             ORDER BY 3, 2
             LIMIT 1$q$,
            t.tbl, t.day, CASE WHEN t.has_id THEN 'n.id::text' ELSE 'n.uscc::text' END, t.relname)
          USING reporting_unit_outside.unit, reporting_unit_outside.active_from,
                coalesce(reporting_unit_outside.active_to, 'infinity'::date);
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION creditrisk.reporting_unit_outside(text, date, date) IS
    'The records reported as a reporting unit (报送单位) dated outside a period [active_from, active_to) that the caller may read: per record table, its name, the earliest such record (its id, or USCC where there is none), its date and how many there are';

CREATE FUNCTION creditrisk.reporting_unit_stray_records(unit text) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT coalesce(sum(o.records), 0)::bigint
      FROM creditrisk.reporting_unit u,
           creditrisk.reporting_unit_outside(u.code, u.active_from, u.active_to) o
     WHERE u.code = reporting_unit_stray_records.unit
$$;
COMMENT ON FUNCTION creditrisk.reporting_unit_stray_records(text) IS
    'How many records reported as a reporting unit (报送单位) are dated outside its active period, in every jurisdiction (runs as the owner; 0 but while the period check refuses a change)';

CREATE FUNCTION creditrisk.reporting_unit_period_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
DECLARE
    total bigint;
    visible bigint;
    first record;
    outside text;
BEGIN
    total := creditrisk.reporting_unit_stray_records(NEW.code);
    IF total > 0 THEN
        SELECT coalesce(sum(o.records) OVER (), 0) AS visible, o.table_name, o.record, o.day INTO first
          FROM creditrisk.reporting_unit_outside(NEW.code, NEW.active_from, NEW.active_to) o
         ORDER BY o.day, o.table_name
         LIMIT 1;
        visible := coalesce(first.visible, 0);
        outside := format('The new period is from %s%s; %s record%s reported as "%s" %s dated outside it',
                          NEW.active_from,
                          CASE WHEN NEW.active_to IS NULL THEN ' on' ELSE ' until the day before ' || NEW.active_to END,
                          total, CASE WHEN total = 1 THEN '' ELSE 's' END, NEW.code,
                          CASE WHEN total = 1 THEN 'is' ELSE 'are' END);
        RAISE EXCEPTION 'the active period of reporting unit "%" would leave % of its records outside it', NEW.code, total
            USING ERRCODE = 'check_violation',
                  DETAIL = outside || CASE
                      WHEN visible >= total THEN format('; the first: creditrisk.%s %s, dated %s.', first.table_name, first.record, first.day)
                      WHEN visible > 0 THEN format('; %s of them %s of your jurisdiction, the first: creditrisk.%s %s, dated %s.',
                                                  visible, CASE WHEN visible = 1 THEN 'concerns an enterprise' ELSE 'concern enterprises' END,
                                                  first.table_name, first.record, first.day)
                      WHEN total = 1 THEN '; it concerns an enterprise outside your jurisdiction.'
                      ELSE '; none of them concerns an enterprise of your jurisdiction.' END,
                  HINT = CASE WHEN visible >= total
                              THEN 'Keep the period covering every record''s date, or first move those records to the unit that reported them (creditrisk.reporting_unit_merge(), or UPDATE ... SET reported_by).'
                              ELSE 'Keep the period covering every record''s date, or have those records moved to the unit that reported them (creditrisk.reporting_unit_merge(), or UPDATE ... SET reported_by), by the bureaus whose jurisdiction they concern for those outside yours.' END,
                  TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA;
    END IF;
    RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION creditrisk.reporting_unit_period_check() IS
    'Trigger: refuses to shorten a reporting unit''s (报送单位) active period, or to end it, when records reported as it would be dated outside the new period (SQLSTATE 23514, with their count in every jurisdiction and the first of them the caller may read)';
CREATE TRIGGER reporting_unit_period_check AFTER UPDATE OF active_from, active_to ON creditrisk.reporting_unit
    FOR EACH ROW
    WHEN (NEW.active_from > OLD.active_from OR coalesce(NEW.active_to, 'infinity') < coalesce(OLD.active_to, 'infinity'))
    EXECUTE FUNCTION creditrisk.reporting_unit_period_check();

-- ---------------------------------------------------------------------------
-- Registering the spellings of free text as units (the 1.5 update; a bulk
-- load of legacy records with the unit triggers disabled, as a superuser).
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.reporting_units_from_records() RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
DECLARE
    t text;
    q text := '';
    n bigint;
BEGIN
    -- every table whose reported_by names a unit of the register
    FOR t IN SELECT r.relname
               FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class r ON r.oid = g.tgrelid
              WHERE g.tgname = 'reporting_unit_insert' AND r.relnamespace = 'creditrisk'::regnamespace
              ORDER BY 1
    LOOP
        q := q || CASE WHEN q = '' THEN '' ELSE ' UNION ALL ' END
               || CASE WHEN t = 'enterprise' THEN
                      'SELECT x.reported_by, x.division_code FROM creditrisk.enterprise x'
                  WHEN t = 'related_party_link' THEN
                      'SELECT x.reported_by, e.division_code FROM creditrisk.related_party_link x '
                      'LEFT JOIN creditrisk.enterprise e ON e.uscc = x.from_uscc'
                  ELSE
                      format('SELECT x.reported_by, e.division_code FROM creditrisk.%I x '
                             'LEFT JOIN creditrisk.enterprise e ON e.uscc = x.uscc', t) END;
    END LOOP;
    IF q = '' THEN
        RETURN 0;
    END IF;
    -- the unit's division: the narrowest division holding every enterprise it
    -- reported on (a county, a city, else the province); kind from its name
    EXECUTE format($q$
        INSERT INTO creditrisk.reporting_unit (code, name, bureau, division_code, kind, needs_review, note)
        SELECT s.reported_by, s.reported_by, s.reported_by,
               CASE WHEN s.lo IS NULL THEN '410000'
                    WHEN s.lo = s.hi THEN s.lo
                    WHEN left(s.lo, 4) = left(s.hi, 4) THEN left(s.lo, 4) || '00'
                    ELSE left(s.lo, 2) || '0000' END,
               CASE WHEN s.reported_by ~ '(市场监督管理局|市场监管局|市监局|工商行政管理局|工商局|质量技术监督局)' THEN 'market_regulation'
                    WHEN s.reported_by ~ '法院' THEN 'court'
                    WHEN s.reported_by ~ '(平台|热线|系统|中心|监测|网站)' THEN 'platform'
                    WHEN s.reported_by ~ '(局|厅|委员会|办公室|政府|部)$' THEN 'other_department'
                    ELSE 'unknown' END,
               true, 'registered from the spelling found in the records'
          FROM (SELECT r.reported_by, min(r.division_code) AS lo, max(r.division_code) AS hi
                  FROM (%s) r
                 WHERE r.reported_by IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM creditrisk.reporting_unit u WHERE u.code = r.reported_by)
                 GROUP BY r.reported_by) s
        ON CONFLICT (code) DO NOTHING$q$, q);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$fn$;
COMMENT ON FUNCTION creditrisk.reporting_units_from_records() IS
    'Registers every reported_by spelling found in the records and not yet on the register as a reporting unit (报送单位) flagged needs_review: its code, name and bureau the spelling, its division the narrowest holding every enterprise it reported on, its kind guessed from the name; returns how many. Used by the 1.5 update; after a bulk load of legacy records with the triggers reporting_unit_insert disabled, before they are enabled again and the transaction commits';

-- Merging the spellings of one unit: the records of unit "spelling" are
-- reported by "target" from now on (each change keeps the old version in the
-- table's history), and the spelling's unit ends.
CREATE FUNCTION creditrisk.reporting_unit_merge(spelling text, target text) RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
#variable_conflict use_variable
DECLARE
    t text;
    n bigint;
    total bigint := 0;
BEGIN
    IF spelling IS NULL OR target IS NULL OR spelling = target THEN
        RAISE EXCEPTION 'reporting_unit_merge() needs two different unit codes'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'For example SELECT creditrisk.reporting_unit_merge(''西华县市监局'', ''411622-scjgj'');';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM creditrisk.reporting_unit u WHERE u.code = spelling) THEN
        RAISE EXCEPTION 'reporting unit "%" is not on the register', spelling
            USING ERRCODE = 'undefined_object', HINT = 'SELECT code, name FROM creditrisk.reporting_unit WHERE needs_review ORDER BY code;';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM creditrisk.reporting_unit u WHERE u.code = target) THEN
        RAISE EXCEPTION 'reporting unit "%" is not on the register', target
            USING ERRCODE = 'undefined_object', HINT = 'Register the unit first: INSERT INTO creditrisk.reporting_unit (code, name, bureau, division_code, kind) VALUES (...);';
    END IF;
    FOR t IN SELECT r.relname
               FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class r ON r.oid = g.tgrelid
              WHERE g.tgname = 'reporting_unit_insert' AND r.relnamespace = 'creditrisk'::regnamespace
              ORDER BY 1
    LOOP
        EXECUTE format('UPDATE creditrisk.%I SET reported_by = $1 WHERE reported_by = $2', t) USING target, spelling;
        GET DIAGNOSTICS n = ROW_COUNT;
        total := total + n;
    END LOOP;
    UPDATE creditrisk.reporting_unit u
       SET needs_review = false,
           note = pg_catalog.btrim(u.note || CASE WHEN u.note = '' THEN '' ELSE '; ' END || 'merged into ' || target || ' (' || total || ' records)')
     WHERE u.code = spelling;
    RETURN total;
END
$fn$;
COMMENT ON FUNCTION creditrisk.reporting_unit_merge(text, text) IS
    'Moves every record reported as unit "spelling" to unit "target" (a spelling of the same unit; the replaced versions stay in the histories) and notes the merge on the spelling''s unit; returns how many records moved; the caller needs UPDATE on the record tables (row-level security applies)';

SELECT pg_catalog.pg_extension_config_dump('creditrisk.reporting_unit', '');

REVOKE ALL ON TABLE creditrisk.reporting_unit FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.reporting_unit_check(), creditrisk.reporting_unit_referenced(),
                       creditrisk.reporting_unit_attach(regclass, text), creditrisk.reporting_unit_period_check(),
                       creditrisk.reporting_unit_outside(text, date, date), creditrisk.reporting_unit_stray_records(text),
                       creditrisk.reporting_units_from_records(),
                       creditrisk.reporting_unit_merge(text, text) FROM PUBLIC;
