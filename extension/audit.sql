-- ===========================================================================
-- 1.4 Accountability (问责, issue 12; Henan measures art. 17-18: disclosure,
-- illegal access and tampering must be traceable to a person).
--
--   change_log                 every change to the configuration: who
--                              (session and current user), when, which
--                              table, the old and the new row; written only
--                              by the logging trigger, readable by auditors
--   classification history     append-only: a run's rows may change only
--                              while the run is in progress; once it is
--                              finished it is sealed and nothing is ever
--                              updated, deleted or truncated
--   classification_seal(_block) the hash chain over the history: each run's
--                              rows chained by SHA-256 in key order, each
--                              run chained to the run sealed before it
--   verify_history()           the first run and row altered, inserted or
--                              deleted behind the triggers' back
--   correct_result()           a correction is a new, logged row, never an
--                              UPDATE
-- Read audit (who read which result) is pgaudit's job: doc/AUDIT.md.
-- ===========================================================================

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
                    'creditrisk.fusion_rule', 'creditrisk.fusion_matrix', 'creditrisk.supervision_measure',
                    'creditrisk.repair_rule_set']) t;

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

CREATE FUNCTION creditrisk.history_seal_table(seq bigint, table_name text, query text, seed bytea, block_rows integer,
                                             OUT row_count bigint, OUT link bytea)
    AS 'MODULE_PATHNAME', 'history_seal_table' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION creditrisk.history_seal_table(bigint, text, text, bytea, integer) IS
    'Internal (seal_run, 分类批次封存): chains the rows of a query from a seed as history_blocks() does and writes each block straight into creditrisk.classification_seal_block under (seq, table_name); returns the number of rows and the last link (the seed when there are none)';

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
-- The keys are compressed with lz4 where the server has it (1.9): pglz took
-- about 15 % of sealing a run's CPU, lz4 a small part of that.
DO $$
BEGIN
    ALTER TABLE creditrisk.classification_seal_block ALTER COLUMN row_keys SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    NULL;   -- a server built without lz4 keeps pglz
END
$$;
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
-- The run's rows are read by a bitmap heap scan of its (as_of, version)
-- range of an index, and nothing else (1.11): the run's pages, each once, in
-- physical order.  Not an index scan (inside the run's transaction the
-- statistics do not know the run's rows yet, and an index scan of a run
-- bigger than shared_buffers reads the heap at random), and not a sequential
-- scan (the whole history, every earlier run included: where the statistics
-- know the run, or the history is small, the planner may pick one; it grows
-- with the history).  The settings only steer the plan: any plan gives the
-- same rows, and history_seal_table() chains them in key order whatever
-- order they come in (in one pass it checks the order, and sorts only when
-- the rows are out of it: the monthly run writes its results in USCC order,
-- the key's order).  JIT off: a query with no path left but a disabled one
-- (the latest seal, ORDER BY seq DESC LIMIT 1) is costed above
-- jit_above_cost, and JIT compiled it for 0.2 s.
CREATE FUNCTION creditrisk.seal_run(run date, version integer) RETURNS creditrisk.classification_seal
LANGUAGE plpgsql VOLATILE STRICT SET search_path = pg_catalog, creditrisk, pg_temp
    SET enable_seqscan = off SET enable_indexscan = off SET enable_bitmapscan = on SET jit = off AS $$
DECLARE
    s creditrisk.classification_seal;
    prev creditrisk.classification_seal;
    link bytea;
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
    -- The rows of each table chained in blocks of 1000, written straight
    -- into classification_seal_block (history_seal_table, in C).
    FOREACH t IN ARRAY ARRAY['classification_result', 'classification_domain_result'] LOOP
        SELECT b.row_count, b.link INTO n, link
          FROM creditrisk.history_seal_table(s.seq, t, creditrisk.history_query(t, run, version), link, 1000) b;
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
    -- (The current views read the latest version of the latest date from
    -- the history: a correction of the latest run is current once committed.)
    RETURN result;
END
$$;
COMMENT ON FUNCTION creditrisk.correct_result(date, creditrisk.uscc, creditrisk.riskclass, text) IS
    'Corrects one enterprise''s final class (分类结果更正) in the run of a date: adds a new version of the run with that result changed (override "correction", with the reason and who) and its fused classes recomputed, records the correction (who, when, why) in creditrisk.classification_correction, seals the version (current once committed, if it is the latest); earlier versions stay. Returns the new version';

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
                       creditrisk.history_seal_table(bigint, text, text, bytea, integer),
                       creditrisk.history_link(bytea, bytea), creditrisk.history_query(text, date, integer),
                       creditrisk.history_unnest(text[], bytea), creditrisk.seal_run(date, integer), creditrisk.seal_finished_run(),
                       creditrisk.verify_history(bytea, boolean), creditrisk.history_head(),
                       creditrisk.correct_result(date, creditrisk.uscc, creditrisk.riskclass, text)
    FROM PUBLIC;
