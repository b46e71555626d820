-- Sealing a run reads the run's rows only (issue 16, 1.11): seal_run() reads
-- them by a bitmap heap scan of the run's (as_of, version) index range, never
-- by a sequential scan of the whole history; and the seal is the same bit for
-- bit whatever order the run's rows were written in (history_seal_table()
-- checks the order in one pass and sorts only when the rows are out of it).
\i sql/include/classification_setup.psql
SELECT count(*) AS enterprises
  FROM (SELECT pg_temp.ent(n, '企业 ' || n, CASE WHEN n % 3 = 0 THEN '411600' ELSE '411622' END) FROM generate_series(1, 12) n) e;
SELECT count(*) AS points
  FROM (SELECT pg_temp.pts(n, d::date, (n * 7 + extract(month FROM d)::integer * 3) % 95,
                           CASE WHEN n % 3 = 0 THEN '411600' ELSE '411622' END)
          FROM generate_series(1, 12) n, generate_series(date '2025-06-30', date '2025-12-31', interval '1 month') d) p;
INSERT INTO domain_risk_class (uscc, domain, class, assessed_date, reported_by)
SELECT pg_temp.uscc(n, CASE WHEN n % 3 = 0 THEN '411600' ELSE '411622' END), d, 'B', '2025-01-01', 'test'
  FROM generate_series(1, 12, 2) n, unnest(ARRAY['drug', 'food']) d;

-- A history of six runs, known to the statistics.
SELECT as_of, enterprises, domain_results
  FROM unnest(ARRAY[date '2025-06-30', '2025-07-31', '2025-08-31', '2025-09-30', '2025-10-31', '2025-11-30']) d,
       refresh_classification(d) ORDER BY as_of;
ANALYZE classification_result, classification_domain_result;

-- 1. The plan.  Over this small history the planner, left to itself with
-- index scans off (seal_run's only setting before 1.11), scans the whole
-- history sequentially; with seal_run's settings it reads the run's index
-- range and only the heap pages it points to.
BEGIN;
SET LOCAL enable_indexscan = off;
SELECT history_query('classification_result', '2025-11-30', 1) AS q \gset
EXPLAIN (COSTS OFF) :q;
SELECT p.proconfig FROM pg_proc p WHERE p.oid = 'creditrisk.seal_run(date, integer)'::regprocedure;
SELECT set_config(split_part(c, '=', 1), split_part(c, '=', 2), true) AS seal_run_setting
  FROM pg_proc p, unnest(p.proconfig) c
 WHERE p.oid = 'creditrisk.seal_run(date, integer)'::regprocedure AND c NOT LIKE 'search\_path=%' ORDER BY 1;
EXPLAIN (COSTS OFF) :q;
SELECT history_query('classification_domain_result', '2025-11-30', 1) AS q \gset
EXPLAIN (COSTS OFF) :q;
COMMIT;

-- 2. What the seal itself reads, counted in the sealing transaction: the
-- seventh run is made with the sealing trigger off, then sealed by seal_run()
-- as the trigger would.  No sequential scan of the history; the rows fetched
-- are the run's own.
BEGIN;
ALTER TABLE classification_run DISABLE TRIGGER classification_run_seal;
SELECT as_of, enterprises, domain_results FROM refresh_classification('2025-12-31');
CREATE TEMP TABLE t_reads0 AS
SELECT c.oid, c.relname, pg_stat_get_xact_numscans(c.oid) AS seq_scans,
       pg_stat_get_xact_tuples_returned(c.oid) AS read_sequentially, pg_stat_get_xact_tuples_fetched(c.oid) AS fetched
  FROM pg_class c WHERE c.oid IN ('creditrisk.classification_result'::regclass, 'creditrisk.classification_domain_result'::regclass);
SELECT seq, as_of, version, result_rows, domain_rows FROM seal_run('2025-12-31', 1);
CREATE TEMP TABLE t_reads AS
SELECT r.relname, pg_stat_get_xact_numscans(r.oid) - r.seq_scans AS seq_scans,
       pg_stat_get_xact_tuples_returned(r.oid) - r.read_sequentially AS rows_read_sequentially,
       pg_stat_get_xact_tuples_fetched(r.oid) - r.fetched AS rows_fetched
  FROM t_reads0 r;
SELECT r.*,
       CASE r.relname WHEN 'classification_result' THEN (SELECT count(*) FROM classification_result x WHERE x.as_of = '2025-12-31')
                      ELSE (SELECT count(*) FROM classification_domain_result x WHERE x.as_of = '2025-12-31') END AS rows_of_the_run,
       CASE r.relname WHEN 'classification_result' THEN (SELECT count(*) FROM classification_result)
                      ELSE (SELECT count(*) FROM classification_domain_result) END AS rows_of_the_history
  FROM t_reads r ORDER BY r.relname;
ALTER TABLE classification_run ENABLE TRIGGER classification_run_seal;
COMMIT;

-- 3. The same seal whatever order the run's rows were written in.  A run made
-- with the sealing trigger off (its rows written in key order by the monthly
-- run), its blocks computed; then its rows deleted (it is not sealed yet) and
-- written again in reverse key order, and sealed.
BEGIN;
ALTER TABLE classification_run DISABLE TRIGGER classification_run_seal;
SELECT as_of, version, enterprises, domain_results FROM refresh_classification('2025-12-31');
CREATE TEMP TABLE t_in_order AS
SELECT t.o, t.table_name, h.*
  FROM (VALUES (1, 'classification_result'), (2, 'classification_domain_result')) t(o, table_name),
       history_blocks(history_query(t.table_name, '2025-12-31', 2), sha256('seed'), 4) h;
SELECT table_name, count(*) AS blocks, sum(cardinality(row_keys)) AS rows FROM t_in_order GROUP BY table_name ORDER BY 1;
-- as written by the run, the results' heap order is their key's (the
-- fused-class rows come in the order the fusion's plan gives)
SELECT array_agg(uscc::text ORDER BY ctid) = array_agg(uscc::text ORDER BY uscc::text COLLATE "C") AS results_in_key_order
  FROM classification_result WHERE as_of = '2025-12-31' AND version = 2;
CREATE TEMP TABLE t_r AS SELECT * FROM classification_result WHERE as_of = '2025-12-31' AND version = 2;
CREATE TEMP TABLE t_d AS SELECT * FROM classification_domain_result WHERE as_of = '2025-12-31' AND version = 2;
DELETE FROM classification_result WHERE as_of = '2025-12-31' AND version = 2;
DELETE FROM classification_domain_result WHERE as_of = '2025-12-31' AND version = 2;
INSERT INTO classification_result SELECT * FROM t_r ORDER BY uscc DESC;
INSERT INTO classification_domain_result SELECT * FROM t_d ORDER BY uscc DESC, domain COLLATE "C" DESC;
-- now the heap holds them in reverse key order
SELECT (SELECT array_agg(uscc::text ORDER BY ctid) = array_agg(uscc::text ORDER BY uscc::text COLLATE "C" DESC)
          FROM classification_result WHERE as_of = '2025-12-31' AND version = 2) AS results_reversed,
       (SELECT array_agg(uscc::text || '/' || domain ORDER BY ctid) = array_agg(uscc::text || '/' || domain ORDER BY uscc::text || '/' || domain COLLATE "C" DESC)
          FROM classification_domain_result WHERE as_of = '2025-12-31' AND version = 2) AS domain_results_reversed;
-- the blocks are the same, bit for bit
SELECT t.table_name, count(*) AS blocks,
       count(*) FILTER (WHERE h.block = t.block AND h.row_keys = t.row_keys AND h.row_hashes = t.row_hashes AND h.link = t.link) AS same_blocks
  FROM t_in_order t
  JOIN history_blocks(history_query(t.table_name, '2025-12-31', 2), sha256('seed'), 4) h ON h.block = t.block
 GROUP BY t.table_name ORDER BY 1;
-- sealed (as the trigger would when the run finishes), the seal is the one
-- the rows in key order give: its digest chains the run row and the row
-- hashes computed in key order above, and its blocks hold the same keys
SELECT seq FROM seal_run('2025-12-31', 2);
ALTER TABLE classification_run ENABLE TRIGGER classification_run_seal;
SELECT seq, as_of, version, result_rows, domain_rows,
       digest = history_link(prev_digest, run_hash || (SELECT string_agg(t.row_hashes, '' ORDER BY t.o, t.block) FROM t_in_order t))
           AS digest_as_in_key_order,
       (SELECT array_agg(k ORDER BY b.table_name DESC, b.block, k.n)
          FROM classification_seal_block b, unnest(b.row_keys) WITH ORDINALITY k(k, n) WHERE b.seq = s.seq)
       = (SELECT array_agg(k ORDER BY t.o, t.block, k.n) FROM t_in_order t, unnest(t.row_keys) WITH ORDINALITY k(k, n)) AS keys_as_in_key_order
  FROM classification_seal s WHERE as_of = '2025-12-31' AND version = 2;
COMMIT;
-- and the history verifies
SELECT run, version, seal_seq, table_name, row_key, problem FROM verify_history(all_problems => true);

-- 4. The order the rows come in, case by case (history_blocks() and the seal
-- put rows in key order the same way): 2,000 keys in key order (no sort), with
-- a few rows early (as the free space map places a few of a run's rows on
-- earlier pages: set aside and merged back), a few late, reversed and shuffled
-- (sorted whole); every order gives the same blocks, bit for bit.
CREATE FUNCTION pg_temp.blocks_in_order(order_by text)
RETURNS TABLE (blocks bigint, same_blocks bigint) LANGUAGE sql AS $f$
    WITH q AS (SELECT format('SELECT lpad(i::text, 6, ''0''), i, md5(i::text) FROM generate_series(1, 2000) i ORDER BY %s', order_by) AS q)
    SELECT count(*), count(*) FILTER (WHERE a.row_keys = b.row_keys AND a.row_hashes = b.row_hashes AND a.link = b.link)
      FROM creditrisk.history_blocks('SELECT lpad(i::text, 6, ''0''), i, md5(i::text) FROM generate_series(1, 2000) i ORDER BY i',
                                     sha256('x'), 7) a
      FULL JOIN creditrisk.history_blocks((SELECT q FROM q), sha256('x'), 7) b ON b.block = a.block
$f$;
SELECT o.order_by, b.*
  FROM (VALUES ('i'),
               ('CASE WHEN i % 97 = 0 THEN i - 150 ELSE i END'),          -- a few early, far from their place
               ('CASE WHEN i % 97 = 0 THEN i - 1.5 ELSE i END'),          -- a few early, next to it
               ('CASE WHEN i % 400 BETWEEN 1 AND 3 THEN i - 40 ELSE i END'), -- runs of three early
               ('CASE WHEN i % 97 = 0 THEN i + 150 ELSE i END'),          -- a few late
               ('CASE WHEN i <= 10 THEN i + 2000 ELSE i END'),            -- the first ten at the end
               ('i DESC'),
               ('md5(i::text)')) o(order_by),
       pg_temp.blocks_in_order(o.order_by) b;
-- a key twice is refused whatever the order (23505)
SELECT count(*) FROM history_blocks('SELECT lpad((i - (i = 700)::integer)::text, 6, ''0''), i FROM generate_series(1, 2000) i ORDER BY CASE WHEN i % 97 = 0 THEN i - 150 ELSE i END', sha256('x'), 7); \echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM history_blocks('SELECT lpad((i - (i = 700)::integer)::text, 6, ''0''), i FROM generate_series(1, 2000) i ORDER BY i', sha256('x'), 7); \echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM history_blocks('SELECT lpad((i - (i = 700)::integer)::text, 6, ''0''), i FROM generate_series(1, 2000) i ORDER BY md5(i::text)', sha256('x'), 7); \echo :LAST_ERROR_SQLSTATE

-- Leave a fresh extension behind.
DROP TABLE public.cls_points;
SET client_min_messages = warning;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
