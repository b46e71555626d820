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

-- The monthly run: with 2 workers and many chunks (version 1) and in one
-- process (version 2), the same history.
SET creditrisk.parallel_workers = 2;
SET creditrisk.memory_budget = '64kB';
SELECT as_of, version, enterprises FROM refresh_classification('2026-10-31');
SET creditrisk.parallel_workers = 0;
RESET creditrisk.memory_budget;
SELECT as_of, version, enterprises FROM refresh_classification('2026-10-31');
RESET creditrisk.parallel_workers;
SELECT count(*) AS rows, count(*) FILTER (WHERE r1.uscc IS NULL OR r2.uscc IS NULL) AS on_one_side_only,
       count(*) FILTER (WHERE (r1.division_code, float8send(r1.score), r1.score_class, r1.final_class, r1.overrides, r1.reasons)
                              IS DISTINCT FROM (r2.division_code, float8send(r2.score), r2.score_class, r2.final_class, r2.overrides, r2.reasons))
         AS differences
  FROM (SELECT * FROM classification_result WHERE as_of = '2026-10-31' AND version = 1) r1
  FULL JOIN (SELECT * FROM classification_result WHERE as_of = '2026-10-31' AND version = 2) r2 USING (uscc);

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE creditrisk_parallel_workers;
