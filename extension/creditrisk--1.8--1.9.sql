-- creditrisk 1.8 -> 1.9 (hand-written; frozen once released)
--
-- One section per concern, each under its own marker.  Each section turns a
-- 1.8 catalog into 1.9 for its concern; the install sources (extension/*.sql)
-- hold the current definitions, and sql/upgrade.sql proves that the chain
-- 1.0 -> ... -> 1.9 gives the same catalog as a fresh install.

\echo Use "ALTER EXTENSION creditrisk UPDATE TO '1.9'" to load this file. \quit

-- ===========================================================================
-- Sealing a run (issue 16)
-- ===========================================================================
-- seal_run() writes each table's blocks through history_seal_table() (C):
-- no tuplestore of blocks, no second read of the blocks for the last link
-- and the row count.  The hashes, links and digests are the same bytes as
-- 1.8's (hash_format 1), so runs sealed by 1.8 verify unchanged.
CREATE FUNCTION creditrisk.history_seal_table(seq bigint, table_name text, query text, seed bytea, block_rows integer,
                                             OUT row_count bigint, OUT link bytea)
    AS 'MODULE_PATHNAME', 'history_seal_table' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION creditrisk.history_seal_table(bigint, text, text, bytea, integer) IS
    'Internal (seal_run, 分类批次封存): chains the rows of a query from a seed as history_blocks() does and writes each block straight into creditrisk.classification_seal_block under (seq, table_name); returns the number of rows and the last link (the seed when there are none)';
REVOKE ALL ON FUNCTION creditrisk.history_seal_table(bigint, text, text, bytea, integer) FROM PUBLIC;

CREATE OR REPLACE FUNCTION creditrisk.seal_run(run date, version integer) RETURNS creditrisk.classification_seal
LANGUAGE plpgsql VOLATILE STRICT SET search_path = pg_catalog, creditrisk, pg_temp SET enable_indexscan = off AS $$
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

-- The keys are compressed with lz4 where the server has it (1.9): pglz took
-- about 15 % of sealing a run's CPU, lz4 a small part of that.
DO $$
BEGIN
    ALTER TABLE creditrisk.classification_seal_block ALTER COLUMN row_keys SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    NULL;   -- a server built without lz4 keeps pglz
END
$$;

-- ====================================================================
-- Both cores, reading divided (issue 16)
-- ====================================================================
-- Nothing in the catalog: the parallel workers now send each row straight
-- into their queues (src/parallel.c), which lives in the library that the
-- update loads; the benchmark's sub-model mode is bench/compute/run.
