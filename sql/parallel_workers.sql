-- creditrisk.parallel_workers (1.8, issue 16): both cores for the indicator
-- engine.  compute_indicators() and score_population() (and so the monthly
-- run) cut the register into chunks that parallel workers compute
-- (src/parallel.c); the leader collects their rows in chunk order.  The
-- results are the same bits, in the same order, as one process's: at 0, 1
-- and 2 workers, under the default budget and one small enough for many
-- chunks, as known now and at a knowledge time, as superuser and as a scoped
-- analyst (the workers read with the caller's snapshot and rights), and the
-- monthly run writes the same history.  In a database of its own, filled by
-- sample/generate.sql (2000 enterprises, ~10 records each).
SELECT current_database() AS regress_db \gset
SET client_min_messages = warning;
DROP DATABASE IF EXISTS creditrisk_parallel_workers;
CREATE DATABASE creditrisk_parallel_workers TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C';
\c creditrisk_parallel_workers
SET client_min_messages = warning;
CREATE EXTENSION creditrisk;
\! psql -X -q -v ON_ERROR_STOP=1 -d creditrisk_parallel_workers -v n=2000 -v as_of=2026-10-31 -f sample/generate.sql > /dev/null 2>&1 && echo generated
SET search_path = creditrisk, public;
SET datestyle = 'ISO, YMD';
-- Related parties far apart in USCC order (the engine's slot order since
-- 1.10, which chunks cut), so that related facts cross chunks and workers.
INSERT INTO related_party_link (from_uscc, to_uscc, kind, valid_from, reported_by)
SELECT b.uscc, a.uscc, 'shareholder', l.valid_from, l.reported_by
  FROM (SELECT uscc, row_number() OVER (ORDER BY ctid) AS r FROM enterprise) a
  JOIN (SELECT uscc, row_number() OVER (ORDER BY uscc DESC) AS r
          FROM (SELECT uscc FROM penalty UNION SELECT uscc FROM abnormal_listing
                UNION SELECT uscc FROM judgment_debtor_listing UNION SELECT uscc FROM serious_dishonesty_listing) x) b
    ON b.r = a.r
 CROSS JOIN (SELECT valid_from, reported_by FROM related_party_link WHERE valid_from IS NOT NULL ORDER BY id LIMIT 1) l
 WHERE a.uscc <> b.uscc;
-- A model with a SQL-defined indicator (computed by the leader before the
-- workers start, and shared with them) next to built-in ones.
INSERT INTO indicator (code, name, definition_sql)
VALUES ('par_lawsuits', '涉诉总数', '(SELECT count(*) FROM creditrisk.lawsuit s WHERE s.uscc = e.uscc AND s.filed_date <= $1)');
SELECT model_copy('reference-v1', 'par-custom') \g /dev/null
INSERT INTO model_indicator (model_key, group_code, code, weight, position, rule, missing_points,
                             default_points, true_points, false_points, rationale)
SELECT model_key, group_code, 'par_lawsuits', weight, 82, rule, missing_points, default_points, true_points, false_points, ''
  FROM model_indicator WHERE model_key = 'par-custom' AND rule = 'boolean' ORDER BY position LIMIT 1;
SELECT count(*) AS indicators, count(*) FILTER (WHERE code = 'par_lawsuits') AS sql_defined
  FROM model_indicators('par-custom');

-- The setting: default 0 (one process), -1 = min(2, max_parallel_workers_per_gather), bounds.
SELECT name, setting, min_val, max_val, context FROM pg_settings WHERE name = 'creditrisk.parallel_workers';
SET creditrisk.parallel_workers = -2;
SET creditrisk.parallel_workers = 'two';
SET creditrisk.parallel_workers = -1;
\! psql -X -q -d creditrisk_parallel_workers -c "SET client_min_messages = debug1" -c "SET creditrisk.parallel_workers = -1" -c "SET max_parallel_workers_per_gather = 1" -c "SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2026-10-31')" 2>&1 | grep -o '[0-9]* participants share'
RESET creditrisk.parallel_workers;

-- What the engine plans and launches (DEBUG1): 2 workers and the leader
-- share 3 chunks; at 0 workers, one chunk and no workers.
\! psql -X -q -d creditrisk_parallel_workers -c "SET client_min_messages = debug1" -c "SET creditrisk.parallel_workers = 2" -c "SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2026-10-31')" 2>&1 | grep -o '[0-9]* participants share [0-9]* parallel chunks\|of [0-9]* parallel worker(s) launched'
\! psql -X -q -d creditrisk_parallel_workers -c "SET client_min_messages = debug1" -c "SET creditrisk.parallel_workers = 0" -c "SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2026-10-31')" 2>&1 | grep -c 'participants share\|parallel worker(s) launched'
-- A worker did compute (its backend type shows in pg_stat_activity while it
-- runs; here, the launch line says at least one started).
\! psql -X -q -d creditrisk_parallel_workers -c "SET client_min_messages = debug1" -c "SET creditrisk.parallel_workers = 2" -c "SELECT count(*) FROM creditrisk.score_population('reference-v1', '2026-10-31', NULL, 3)" 2>&1 | grep -o '[0-9]* of [0-9]* parallel worker(s) launched' | awk '{ print ($1 > 0) ? "workers launched" : "no worker launched" }'
-- A worker sends each row into its queue as it computes it (1.9), with no
-- tuplestore of its own: under the default budget (8MB queues) no row waits;
-- under 64kB (8kB queues, smaller than a chunk's rows) the rows that find the
-- queue full while the leader computes wait in the worker until its chunk
-- ends.  Both paths give the rows compared below.
\! psql -X -q -d creditrisk_parallel_workers -c "SET client_min_messages = debug1" -c "SET creditrisk.parallel_workers = 2" -c "SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2026-10-31')" 2>&1 | grep -o 'rows sent, [0-9]* of them held while its queue of [0-9]* bytes' | awk '{ held += $3; queue = $11 } END { print (held == 0 ? "none held" : "some held") ", queue " queue " bytes" }'
\! psql -X -q -d creditrisk_parallel_workers -c "SET client_min_messages = debug1" -c "SET creditrisk.parallel_workers = 2" -c "SET creditrisk.memory_budget = '64kB'" -c "SELECT count(*) FROM creditrisk.score_population('reference-v1', '2026-10-31', NULL, 3)" 2>&1 | grep -o 'rows sent, [0-9]* of them held while its queue of [0-9]* bytes' | awk '{ held += $3; queue = $11 } END { print (held == 0 ? "none held" : "some held") ", queue " queue " bytes" }'

-- Every configuration's rows, with their positions and bits.
CREATE TEMP TABLE runs (config text, d date, known text, model text, ord bigint, uscc uscc, bits bytea);
CREATE TEMP TABLE scored (config text, ord bigint, uscc uscc, division_code text, score bytea, score_class riskclass, reasons text[]);
CREATE FUNCTION pg_temp.capture(config text) RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
  INSERT INTO runs
  SELECT config, d, known, m, ord, uscc, array_send(indicators)
    FROM unnest('{2026-10-31,2025-07-01}'::date[]) d,
         unnest(ARRAY['infinity', (SELECT max(recorded_at) FROM creditrisk.enterprise)::text]) known,
         unnest('{reference-v1,par-custom}'::text[]) m,
         LATERAL creditrisk.compute_indicators(m, d, nullif(known, 'infinity')::timestamptz) WITH ORDINALITY c(uscc, indicators, ord);
  INSERT INTO scored
  SELECT config, ord, uscc, division_code, float8send(score), score_class, reasons
    FROM creditrisk.score_population('reference-v1', '2026-10-31', NULL, 3) WITH ORDINALITY s(uscc, division_code, score, score_class, reasons, ord);
END $f$;
SET creditrisk.parallel_workers = 0;
SELECT pg_temp.capture('one process');
SET creditrisk.parallel_workers = 1;
SELECT pg_temp.capture('1 worker');
SET creditrisk.parallel_workers = 2;
SELECT pg_temp.capture('2 workers');
SET creditrisk.memory_budget = '64kB';
SELECT pg_temp.capture('2 workers, 64kB');
SET creditrisk.parallel_workers = 1;
SELECT pg_temp.capture('1 worker, 64kB');
RESET creditrisk.memory_budget;
RESET creditrisk.parallel_workers;

-- The same rows, in the same order, with the same bits, as one process
-- (one process under the small budget: sql/memory_budget.sql).
SELECT r.config, count(*) AS rows,
       count(*) FILTER (WHERE o.ord IS NULL OR r.ord IS NULL) AS on_one_side_only,
       count(*) FILTER (WHERE r.uscc IS DISTINCT FROM o.uscc OR r.bits IS DISTINCT FROM o.bits) AS differences
  FROM (SELECT * FROM runs WHERE config = 'one process') o
  JOIN (SELECT DISTINCT config FROM runs WHERE config <> 'one process') c ON true
  FULL JOIN (SELECT * FROM runs WHERE config <> 'one process') r ON r.config = c.config AND (r.d, r.known, r.model, r.ord) = (o.d, o.known, o.model, o.ord)
 GROUP BY r.config ORDER BY r.config;
SELECT s.config, count(*) AS rows,
       count(*) FILTER (WHERE o.ord IS NULL OR s.ord IS NULL) AS on_one_side_only,
       count(*) FILTER (WHERE (s.uscc, s.division_code, s.score, s.score_class, s.reasons)
                              IS DISTINCT FROM (o.uscc, o.division_code, o.score, o.score_class, o.reasons)) AS differences
  FROM (SELECT * FROM scored WHERE config = 'one process') o
  JOIN (SELECT DISTINCT config FROM scored WHERE config <> 'one process') c ON true
  FULL JOIN (SELECT * FROM scored WHERE config <> 'one process') s ON s.config = c.config AND s.ord = o.ord
 GROUP BY s.config ORDER BY s.config;
-- Not zeros: related parties' penalties cross chunks and workers, the
-- SQL-defined values arrive.
SET creditrisk.parallel_workers = 2;
SET creditrisk.memory_budget = '64kB';
SELECT count(*) FILTER (WHERE indicators[82] > 0) AS with_lawsuits,
       count(*) FILTER (WHERE indicators[(SELECT position FROM model_indicators('par-custom') WHERE code = 'related_penalties_1y')] > 0)
         AS with_related_penalties
  FROM compute_indicators('par-custom', '2026-10-31');
RESET creditrisk.memory_budget;
RESET creditrisk.parallel_workers;

-- As a scoped analyst (a city's): the workers read with the caller's rights
-- (and see the roles this transaction creates, then rolls back).
BEGIN;
\o /dev/null
SELECT create_roles();
\o
CREATE ROLE regress_cr_par_analyst;
SELECT enrol('regress_cr_par_analyst', 'analyst', division_code) IS NOT NULL AS enrolled
  FROM (SELECT left(division_code, 4) || '00' AS division_code, count(*) FROM enterprise GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1) x;
SET ROLE regress_cr_par_analyst;
CREATE TEMP TABLE analyst_runs AS
SELECT 0 AS workers, ord, uscc, array_send(indicators) AS bits FROM creditrisk.compute_indicators('reference-v1', '2026-10-31') WITH ORDINALITY c(uscc, indicators, ord) WHERE false;
SET creditrisk.parallel_workers = 0;
INSERT INTO analyst_runs SELECT 0, ord, uscc, array_send(indicators) FROM creditrisk.compute_indicators('reference-v1', '2026-10-31') WITH ORDINALITY c(uscc, indicators, ord);
SET creditrisk.parallel_workers = 2;
SET creditrisk.memory_budget = '64kB';
INSERT INTO analyst_runs SELECT 2, ord, uscc, array_send(indicators) FROM creditrisk.compute_indicators('reference-v1', '2026-10-31') WITH ORDINALITY c(uscc, indicators, ord);
RESET creditrisk.memory_budget;
RESET creditrisk.parallel_workers;
RESET ROLE;
SELECT count(*) AS rows, count(*) FILTER (WHERE a0.ord IS NULL OR a2.ord IS NULL) AS on_one_side_only,
       count(*) FILTER (WHERE (a0.uscc, a0.bits) IS DISTINCT FROM (a2.uscc, a2.bits)) AS differences,
       count(*) < (SELECT count(*) FROM runs WHERE config = 'one process' AND model = 'reference-v1'
                      AND d = '2026-10-31' AND known = 'infinity') AS fewer_than_the_superuser
  FROM (SELECT * FROM analyst_runs WHERE workers = 0) a0 FULL JOIN (SELECT * FROM analyst_runs WHERE workers = 2) a2 USING (ord);
-- score_population_stream() as the analyst: the same rows as
-- score_population(); and under a policy the engine does not apply itself
-- (the SQL definitions compute, materialised), the same again.
SET ROLE regress_cr_par_analyst;
CREATE TEMP TABLE analyst_scores (run text, ord bigint, uscc uscc, score double precision, reasons text[]);
INSERT INTO analyst_scores SELECT 'score_population', ord, uscc, score, reasons
  FROM creditrisk.score_population('reference-v1', '2026-10-31', NULL, 3) WITH ORDINALITY p(uscc, division_code, score, score_class, reasons, ord);
INSERT INTO analyst_scores SELECT 'stream', row_number() OVER (), (s.r).uscc, (s.r).score, (s.r).reasons
  FROM (SELECT creditrisk.score_population_stream('reference-v1', '2026-10-31', NULL, 3) AS r OFFSET 0) s;
RESET ROLE;
CREATE POLICY regress_cr_par_extra ON lawsuit AS RESTRICTIVE FOR SELECT TO regress_cr_par_analyst USING (true);
SET ROLE regress_cr_par_analyst;
INSERT INTO analyst_scores SELECT 'stream, by the SQL definitions', row_number() OVER (), (s.r).uscc, (s.r).score, (s.r).reasons
  FROM (SELECT creditrisk.score_population_stream('reference-v1', '2026-10-31', NULL, 3) AS r OFFSET 0) s;
RESET ROLE;
SELECT a.run, count(*) AS rows, count(*) FILTER (WHERE (a.uscc, a.score, a.reasons) IS DISTINCT FROM (p.uscc, p.score, p.reasons)) AS differences
  FROM (SELECT * FROM analyst_scores WHERE run = 'score_population') p
  JOIN analyst_scores a ON a.ord = p.ord AND a.run <> p.run
 GROUP BY a.run ORDER BY a.run;
SELECT count(*) = (SELECT count(*) FROM analyst_scores WHERE run = 'score_population') AS each_run_complete
  FROM analyst_scores WHERE run = 'stream';
ROLLBACK;

-- Errors come back as clean errors, and the session goes on.  (No
-- statement_timeout case: under libfaketime, which the suite's second clock
-- runs the server with, the timer did not fire; and which process it
-- interrupts depends on timing.)
SET creditrisk.parallel_workers = 2;
SET creditrisk.memory_budget = '64kB';
-- A SQL-defined indicator that fails (in the leader, before any worker starts).
UPDATE indicator SET definition_sql = '(SELECT 1 / (count(*) - count(*)) FROM creditrisk.lawsuit s WHERE s.uscc = e.uscc)'
 WHERE code = 'par_lawsuits';
SELECT count(*) FROM compute_indicators('par-custom', '2026-10-31'); \echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS after_the_errors FROM compute_indicators('reference-v1', '2026-10-31');
RESET creditrisk.memory_budget;
RESET creditrisk.parallel_workers;

-- Inside a parallel query the engine takes one process (no nested workers):
-- the functions are PARALLEL RESTRICTED (their leader runs them), and in a
-- query that runs in parallel mode they compute in one process.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET force_parallel_mode = on;
SELECT count(*) AS rows FROM score_population('reference-v1', '2026-10-31', NULL, 3);
RESET force_parallel_mode;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- score_population_stream() (1.10, issue 16): score_population()'s rows,
-- returned one per call as creditrisk.run_workers parallel workers compute
-- them, so that the caller writes each row while the next ones are
-- computed (the monthly run's INSERT).  The same rows, bits and order as
-- score_population() in one process: with 1 and 2 workers, under the
-- default budget and under 64kB (many chunks; 8kB queues, so the workers
-- wait for the leader), with no worker (run_workers = 0, the leader
-- computes chunk by chunk) and when no worker can be launched
-- (max_parallel_workers = 0).  Each is an INSERT into a table, the monthly
-- run's shape (parallel mode while it writes: the statement gets its
-- transaction id first).
SELECT name, setting, min_val, max_val, context FROM pg_settings WHERE name = 'creditrisk.run_workers';
-- Bad values are refused (22023) and the setting stays as it was.
SET creditrisk.run_workers = -1; \echo :LAST_ERROR_SQLSTATE
SET creditrisk.run_workers = 'two'; \echo :LAST_ERROR_SQLSTATE
SHOW creditrisk.run_workers;
CREATE TEMP TABLE streamed (config text, ord bigint, uscc uscc, division_code text, score bytea, score_class riskclass, reasons text[]);
CREATE FUNCTION pg_temp.stream(config text) RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
  INSERT INTO streamed
  SELECT config, row_number() OVER (), (s.r).uscc, (s.r).division_code, float8send((s.r).score), (s.r).score_class, (s.r).reasons
    FROM (SELECT creditrisk.score_population_stream('reference-v1', '2026-10-31', NULL, 3) AS r OFFSET 0) s;
END $f$;
SET creditrisk.run_workers = 0;
SELECT pg_temp.stream('stream, one process');
SET creditrisk.run_workers = 1;
SELECT pg_temp.stream('stream, 1 worker');
SET creditrisk.run_workers = 2;
SELECT pg_temp.stream('stream, 2 workers');
SET creditrisk.memory_budget = '64kB';
SELECT pg_temp.stream('stream, 2 workers, 64kB');
SET creditrisk.run_workers = 1;
SELECT pg_temp.stream('stream, 1 worker, 64kB');
SET creditrisk.run_workers = 0;
SELECT pg_temp.stream('stream, one process, 64kB');
SET creditrisk.run_workers = 1;
SET max_parallel_workers = 0;
SELECT pg_temp.stream('stream, no worker launched, 64kB');
RESET max_parallel_workers;
RESET creditrisk.memory_budget;
RESET creditrisk.run_workers;
SELECT s.config, count(*) AS rows,
       count(*) FILTER (WHERE o.ord IS NULL OR s.ord IS NULL) AS on_one_side_only,
       count(*) FILTER (WHERE (s.uscc, s.division_code, s.score, s.score_class, s.reasons)
                              IS DISTINCT FROM (o.uscc, o.division_code, o.score, o.score_class, o.reasons)) AS differences
  FROM (SELECT * FROM scored WHERE config = 'one process') o
  JOIN (SELECT DISTINCT config FROM streamed) c ON true
  FULL JOIN streamed s ON s.config = c.config AND s.ord = o.ord
 GROUP BY s.config ORDER BY s.config;
-- It has no SET clause (applied on every call, that is every row): it pins
-- the search_path itself for its queries, as the SET clause of
-- score_population() does, and stored SQL runs under its own pinned path
-- either way.  Called with a search_path without creditrisk, a model with a
-- SQL-defined indicator that reads the search_path it runs under (1 when
-- pinned) gives score_population()'s scores.
INSERT INTO indicator (code, name, definition_sql)
VALUES ('par_pinned_path', '检索路径已固定', '(SELECT CASE WHEN pg_catalog.current_setting(''search_path'') = ''pg_catalog, creditrisk, pg_temp'' THEN 1 ELSE 0 END)');
SELECT model_copy('reference-v1', 'par-path') \g /dev/null
UPDATE model_indicator SET code = 'par_pinned_path' WHERE model_key = 'par-path' AND code = 'is_branch';
SELECT model_publish('par-path') \g /dev/null
SELECT count(*) FILTER (WHERE indicators[k] = 1) AS pinned, count(*) FILTER (WHERE indicators[k] IS DISTINCT FROM 1) AS not_pinned
  FROM compute_indicators('par-path', '2026-10-31'),
       (SELECT position AS k FROM model_indicators('par-path') WHERE code = 'par_pinned_path') k;
SET search_path = public;
SET creditrisk.run_workers = 1;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE (s.r).score = p.score AND (s.r).reasons = p.reasons) AS same_scores
  FROM (SELECT row_number() OVER () AS ord, r FROM (SELECT creditrisk.score_population_stream('par-path', '2026-10-31', NULL, 3) AS r OFFSET 0) x) s
  JOIN (SELECT * FROM creditrisk.score_population('par-path', '2026-10-31', NULL, 3) WITH ORDINALITY p(uscc, division_code, score, score_class, reasons, ord)) p
    ON p.ord = s.ord;
RESET creditrisk.run_workers;
SET search_path = creditrisk, public;
-- Its arguments are checked as score_population()'s.
SELECT count(*) FROM (SELECT score_population_stream('reference-v1', '2026-10-31', NULL, -1) AS r OFFSET 0) s; \echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM (SELECT score_population_stream('reference-v1', 'infinity', NULL, 3) AS r OFFSET 0) s; \echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM (SELECT score_population_stream('reference-v1', NULL, NULL, 3) AS r OFFSET 0) s;
SELECT count(*) FROM (SELECT score_population_stream('no-such-model', '2026-10-31', NULL, 3) AS r OFFSET 0) s; \echo :LAST_ERROR_SQLSTATE
-- What ran (DEBUG1): the workers launched and streamed, never more workers
-- than the budget's chunks (1.11: under the default budget the sample is one
-- chunk, and 2 workers asked launch 1; under 64kB, 2 for many chunks);
-- none launched (the leader computed); a plain SELECT (it could be fetched
-- in parts, between which the session would stay in parallel mode): no
-- worker asked.
\! psql -X -q -d creditrisk_parallel_workers -c "SET client_min_messages = debug1" -c "SET creditrisk.run_workers = 2" -c "CREATE TEMP TABLE t AS SELECT 1 AS x" -c "INSERT INTO t SELECT 1 FROM (SELECT creditrisk.score_population_stream('reference-v1', '2026-10-31', NULL, 3) AS r OFFSET 0) s" 2>&1 | grep -o '[0-9]* of [0-9]* parallel worker(s) launched for [0-9]* chunk(s), rows streamed\|parallel workers done, [0-9]* rows'
\! psql -X -q -d creditrisk_parallel_workers -c "SET client_min_messages = debug1" -c "SET creditrisk.memory_budget = '64kB'" -c "CREATE TEMP TABLE t AS SELECT 1 AS x" -c "INSERT INTO t SELECT 1 FROM (SELECT creditrisk.score_population_stream('reference-v1', '2026-10-31', NULL, 3) AS r OFFSET 0) s" 2>&1 | grep -o '[0-9]* of [0-9]* parallel worker(s) launched for [0-9]* chunk(s), rows streamed' | sed 's/for [0-9]* chunk/for many chunk/'
\! psql -X -q -d creditrisk_parallel_workers -c "SET client_min_messages = debug1" -c "SET max_parallel_workers = 0" -c "CREATE TEMP TABLE t AS SELECT 1 AS x" -c "INSERT INTO t SELECT 1 FROM (SELECT creditrisk.score_population_stream('reference-v1', '2026-10-31', NULL, 3) AS r OFFSET 0) s" 2>&1 | grep -o '[0-9]* of [0-9]* parallel worker(s) launched for [0-9]* chunk(s), rows streamed'
\! psql -X -q -d creditrisk_parallel_workers -c "SET client_min_messages = debug1" -c "SELECT count(*) FROM (SELECT creditrisk.score_population_stream('reference-v1', '2026-10-31', NULL, 3) AS r OFFSET 0) s" 2>&1 | grep -c 'parallel worker(s) launched'

-- An early stop (LIMIT) ends the workers and parallel mode at the end of the
-- statement (the expression context's shutdown): the workers, waiting on a
-- full queue under 64kB, find it gone and stop; none is left, and the same
-- transaction can then write and start commands again.
SET creditrisk.run_workers = 2;
SET creditrisk.memory_budget = '64kB';
BEGIN;
CREATE TEMP TABLE limited (uscc uscc);
INSERT INTO limited SELECT (s.r).uscc FROM (SELECT creditrisk.score_population_stream('reference-v1', '2026-10-31', NULL, 3) AS r OFFSET 0) s LIMIT 3;
SELECT count(*) AS workers_left FROM pg_stat_activity WHERE leader_pid = pg_backend_pid();
CREATE TEMP TABLE after_limit AS SELECT 1 AS x;
INSERT INTO limited SELECT (s.r).uscc FROM (SELECT creditrisk.score_population_stream('reference-v1', '2026-10-31', NULL, 3) AS r OFFSET 0) s LIMIT 5;
SELECT count(*) AS limited, count(DISTINCT uscc) AS distinct_usccs FROM limited;
COMMIT;
\! psql -X -q -d creditrisk_parallel_workers -c "SET client_min_messages = debug1" -c "SET creditrisk.run_workers = 2" -c "SET creditrisk.memory_budget = '64kB'" -c "CREATE TEMP TABLE t AS SELECT 1 AS x" -c "INSERT INTO t SELECT 1 FROM (SELECT creditrisk.score_population_stream('reference-v1', '2026-10-31', NULL, 3) AS r OFFSET 0) s LIMIT 3" 2>&1 | grep -o 'parallel workers done (the leader stopped early)'
-- A rescan (a nested loop over two dates) starts it again: each date's rows.
SELECT d, count(*) AS rows
  FROM (VALUES ('2026-10-31'::date), ('2025-07-01')) v(d),
       LATERAL (SELECT creditrisk.score_population_stream('reference-v1', v.d, NULL, 3) AS r OFFSET 0) s
 GROUP BY d ORDER BY d;
SELECT d, count(*) AS rows FROM unnest('{2025-07-01,2026-10-31}'::date[]) d, score_population('reference-v1', d, NULL, 3) GROUP BY d ORDER BY d;
-- Errors while the workers run abort the statement cleanly, and the session
-- goes on: a constraint the leader's INSERT breaks (the workers running:
-- DEBUG1 below); a cancel (a plain SELECT: in one process).
\set VERBOSITY terse
CREATE TEMP TABLE low_scores (uscc uscc, score double precision CHECK (score < 30));
INSERT INTO low_scores SELECT (s.r).uscc, (s.r).score FROM (SELECT creditrisk.score_population_stream('reference-v1', '2026-10-31', NULL, 3) AS r OFFSET 0) s; \echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM (SELECT creditrisk.score_population_stream('reference-v1', '2026-10-31', NULL, 3) AS r OFFSET 0) s
 WHERE (s.r).score > 500 AND pg_cancel_backend(pg_backend_pid()); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
\! psql -X -q -d creditrisk_parallel_workers -c "SET client_min_messages = debug1" -c "CREATE TEMP TABLE t (score double precision CHECK (score < 30))" -c "INSERT INTO t SELECT (s.r).score FROM (SELECT creditrisk.score_population_stream('reference-v1', '2026-10-31', NULL, 3) AS r OFFSET 0) s" 2>&1 | grep -o '[0-9]* of [0-9]* parallel worker(s) launched for [0-9]* chunk(s), rows streamed\|violates check constraint'
SELECT count(*) AS low_scores FROM low_scores;
SELECT count(*) AS workers_left FROM pg_stat_activity WHERE leader_pid = pg_backend_pid();
SELECT count(*) AS after_the_errors FROM (SELECT creditrisk.score_population_stream('reference-v1', '2026-10-31', NULL, 3) AS r OFFSET 0) s;
RESET creditrisk.memory_budget;
-- A statement that could not run in parallel mode computes in one process,
-- with the same rows: a table with an INSERT trigger that runs a query (a
-- command, refused in parallel mode), a volatile SQL function on the rows
-- (it starts a command per call), an UPDATE.
CREATE TEMP TABLE triggered (uscc uscc, score double precision, n bigint);
CREATE FUNCTION pg_temp.count_register() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  SELECT count(*) INTO NEW.n FROM creditrisk.enterprise WHERE uscc = NEW.uscc;
  RETURN NEW;
END $f$;
CREATE TRIGGER triggered_count BEFORE INSERT ON triggered FOR EACH ROW EXECUTE FUNCTION pg_temp.count_register();
CREATE FUNCTION pg_temp.volatile_text(u uscc) RETURNS text LANGUAGE sql VOLATILE AS $f$ SELECT u::text $f$;
\! psql -X -q -d creditrisk_parallel_workers -c "SET client_min_messages = debug1" -c "CREATE TEMP TABLE t (uscc creditrisk.uscc, n bigint)" -c "CREATE FUNCTION pg_temp.tr() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN SELECT count(*) INTO NEW.n FROM creditrisk.enterprise; RETURN NEW; END'" -c "CREATE TRIGGER t BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION pg_temp.tr()" -c "INSERT INTO t SELECT (s.r).uscc FROM (SELECT creditrisk.score_population_stream('reference-v1', '2026-10-31', NULL, 3) AS r OFFSET 0) s" 2>&1 | grep -o 'one process (the statement cannot run in parallel mode)'
INSERT INTO triggered (uscc, score)
SELECT (s.r).uscc, (s.r).score FROM (SELECT creditrisk.score_population_stream('reference-v1', '2026-10-31', NULL, 3) AS r OFFSET 0) s;
CREATE TEMP TABLE volatile_rows AS SELECT 1 AS ord, ''::text AS uscc WHERE false;
INSERT INTO volatile_rows
SELECT row_number() OVER (), pg_temp.volatile_text((s.r).uscc) FROM (SELECT creditrisk.score_population_stream('reference-v1', '2026-10-31', NULL, 3) AS r OFFSET 0) s;
UPDATE triggered t SET score = -(s.r).score
  FROM (SELECT creditrisk.score_population_stream('reference-v1', '2026-10-31', NULL, 3) AS r OFFSET 0) s WHERE t.uscc = (s.r).uscc;
SELECT count(*) AS rows, count(*) FILTER (WHERE t.n = 1 AND float8send(-t.score) = o.score) AS written_and_updated
  FROM triggered t FULL JOIN (SELECT * FROM scored WHERE config = 'one process') o USING (uscc);
SELECT count(*) AS rows, count(*) FILTER (WHERE v.uscc = o.uscc::text) AS same_order
  FROM volatile_rows v FULL JOIN (SELECT * FROM scored WHERE config = 'one process') o USING (ord);
-- A CHECK constraint that calls a volatile function that runs a query
-- (evaluated outside the plan): one process too, the rows written.
CREATE FUNCTION pg_temp.volatile_ok(u uscc) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $f$
BEGIN
  RETURN EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc = u);
END $f$;
CREATE TEMP TABLE checked (uscc uscc CHECK (pg_temp.volatile_ok(uscc)));
\! psql -X -q -d creditrisk_parallel_workers -c "SET client_min_messages = debug1" -c "CREATE FUNCTION pg_temp.ok(u creditrisk.uscc) RETURNS boolean LANGUAGE plpgsql VOLATILE AS 'BEGIN RETURN EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc = u); END'" -c "CREATE TEMP TABLE t (u creditrisk.uscc CHECK (pg_temp.ok(u)))" -c "INSERT INTO t SELECT (s.r).uscc FROM (SELECT creditrisk.score_population_stream('reference-v1', '2026-10-31', NULL, 3) AS r OFFSET 0) s" 2>&1 | grep -o 'one process (the statement cannot run in parallel mode)\|parallel worker(s) launched'
INSERT INTO checked SELECT (s.r).uscc FROM (SELECT creditrisk.score_population_stream('reference-v1', '2026-10-31', NULL, 3) AS r OFFSET 0) s;
SELECT count(*) AS checked_rows FROM checked;
RESET creditrisk.run_workers;

-- The monthly run streams its rows from score_population_stream() into its
-- INSERT (creditrisk.run_workers, default 2 and no more than the chunks:
-- the workers compute while the leader writes): with 2 workers and many
-- chunks (version 1) and in one
-- process (version 2), the same history; and with an opt-in in force, so
-- that in_scope() runs opted_in(), a query, for every unit outside the
-- default population while the workers run (versions 3 and 4).
SET creditrisk.run_workers = 2;
SET creditrisk.memory_budget = '64kB';
SELECT as_of, version, enterprises FROM refresh_classification('2026-10-31');
SET creditrisk.run_workers = 0;
RESET creditrisk.memory_budget;
SELECT as_of, version, enterprises FROM refresh_classification('2026-10-31');
INSERT INTO population_opt_in (division_code, kind, effective_from, note)
VALUES ('410000', 'individual_business', '2020-01-01', 'stream test');
RESET creditrisk.run_workers;
SELECT as_of, version, enterprises FROM refresh_classification('2026-10-31');
SET creditrisk.run_workers = 0;
SELECT as_of, version, enterprises FROM refresh_classification('2026-10-31');
RESET creditrisk.run_workers;
SELECT p.v1, p.v2, x.*
  FROM (VALUES (1, 2), (3, 4)) p(v1, v2),
       LATERAL (SELECT count(*) AS rows, count(*) FILTER (WHERE r1.uscc IS NULL OR r2.uscc IS NULL) AS on_one_side_only,
                       count(*) FILTER (WHERE (r1.division_code, float8send(r1.score), r1.score_class, r1.final_class, r1.overrides, r1.override_details, r1.reasons)
                                              IS DISTINCT FROM (r2.division_code, float8send(r2.score), r2.score_class, r2.final_class, r2.overrides, r2.override_details, r2.reasons))
                         AS differences,
                       count(*) FILTER (WHERE creditrisk.uscc_entity_type(uscc) = '92') AS opted_in
                  FROM (SELECT * FROM classification_result WHERE as_of = '2026-10-31' AND version = p.v1) r1
                  FULL JOIN (SELECT * FROM classification_result WHERE as_of = '2026-10-31' AND version = p.v2) r2 USING (uscc)) x
 ORDER BY p.v1;
SELECT d1.version AS v1, d2.version AS v2, count(*) AS domain_rows,
       count(*) FILTER (WHERE d1.uscc IS NULL OR d2.uscc IS NULL OR (d1.general_class, d1.fused_class) IS DISTINCT FROM (d2.general_class, d2.fused_class)) AS differences
  FROM (SELECT * FROM classification_domain_result WHERE as_of = '2026-10-31' AND version IN (1, 3)) d1
  FULL JOIN (SELECT * FROM classification_domain_result WHERE as_of = '2026-10-31' AND version IN (2, 4)) d2
    ON d2.version = d1.version + 1 AND (d2.uscc, d2.domain) = (d1.uscc, d1.domain)
 GROUP BY 1, 2 ORDER BY 1;

-- The run did stream from a worker (its statement may run in parallel mode).
\! psql -X -q -d creditrisk_parallel_workers -c "SET client_min_messages = debug1" -c "SELECT enterprises FROM creditrisk.refresh_classification('2026-10-31')" 2>&1 | grep -o '[0-9]* of [0-9]* parallel worker(s) launched for [0-9]* chunk(s), rows streamed\|parallel workers done, [0-9]* rows\|one process (the statement cannot run in parallel mode)'

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE creditrisk_parallel_workers;
