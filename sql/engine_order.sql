-- The engine's rows in USCC order (1.10, issue 16): compute_indicators() and
-- score_population() return their rows in USCC order (the uscc type's btree
-- order) whatever the register's physical order, since the engine sorts its
-- slots by USCC right after reading the register (src/register_scan.c), and
-- so does the path through the SQL definitions (under policies the engine
-- does not apply itself).  The monthly run relies on it: it inserts the rows
-- as they come, without a sort, and they land in the primary key's order.
-- The register is stored in the generator's order, then shuffled, in
-- descending USCC order and in USCC order (CLUSTER); each time both
-- functions give the same rows with the same bits in the same order: in one
-- chunk, in chunks of 256 slots (creditrisk.memory_budget) and with a
-- parallel worker.  In a database of its own, filled by sample/generate.sql
-- (1200 enterprises, ~10 records each).
SELECT current_database() AS regress_db \gset
SET client_min_messages = warning;
DROP DATABASE IF EXISTS creditrisk_engine_order;
CREATE DATABASE creditrisk_engine_order TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C';
\c creditrisk_engine_order
SET client_min_messages = warning;
CREATE EXTENSION creditrisk;
\! psql -X -q -v ON_ERROR_STOP=1 -d creditrisk_engine_order -v n=1200 -v as_of=2026-10-31 -f sample/generate.sql > /dev/null 2>&1 && echo generated
SET search_path = creditrisk, public;
SET datestyle = 'ISO, YMD';
-- (the SQL definitions' 81 expressions are not worth compiling for 1200 rows)
ALTER DATABASE creditrisk_engine_order SET jit = off;
SET jit = off;
-- A fifth of the register changes on 2026-01-01 (their earlier versions go
-- to enterprise_history, which the engine reads after the current entries:
-- on an earlier date their slots come last in the reading order).
UPDATE enterprise SET valid_from = '2026-01-01', registered_capital = registered_capital + 1
 WHERE valid_from < '2025-07-01' AND established_date < '2025-01-01' AND right(uscc::text, 1) IN ('0', '5', 'A', 'F', 'K', 'P', 'U');
SELECT count(*) AS register_rows, count(*) FILTER (WHERE parent_uscc IS NOT NULL) > 10 AS has_branches,
       (SELECT count(*) FROM enterprise_history) > 100 AS has_history
  FROM enterprise;

-- Each call's rows, with their position: the key and the bits of the rest.
CREATE TEMP TABLE runs (phys text, config text, call text, ord bigint, uscc uscc, bits bytea);
CREATE FUNCTION pg_temp.record_runs(phys text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    known timestamptz := (SELECT max(e.recorded_at) FROM creditrisk.enterprise e);
    cfg record;
BEGIN
    FOR cfg IN SELECT * FROM (VALUES ('one chunk', (SELECT s.boot_val FROM pg_settings s WHERE s.name = 'creditrisk.memory_budget'), '0'),
                                     ('chunks of 256 slots', '64kB', '0'),
                                     ('a worker, chunks', '64kB', '1')) v(name, budget, workers) LOOP
        PERFORM set_config('creditrisk.memory_budget', cfg.budget, true);
        PERFORM set_config('creditrisk.parallel_workers', cfg.workers, true);
        INSERT INTO runs
        SELECT phys, cfg.name, 'compute_indicators, 2026-10-31', c.ord, c.uscc, array_send(c.indicators)
          FROM creditrisk.compute_indicators('reference-v1', '2026-10-31') WITH ORDINALITY c(uscc, indicators, ord);
        INSERT INTO runs
        SELECT phys, cfg.name, 'compute_indicators, 2025-07-01 as known', c.ord, c.uscc, array_send(c.indicators)
          FROM creditrisk.compute_indicators('reference-v1', '2025-07-01', known) WITH ORDINALITY c(uscc, indicators, ord);
        INSERT INTO runs
        SELECT phys, cfg.name, 'score_population, 2026-10-31', s.ord, s.uscc,
               convert_to(row(s.division_code, float8send(s.score), s.score_class, s.reasons)::text, 'UTF8')
          FROM creditrisk.score_population('reference-v1', '2026-10-31', NULL, 3)
               WITH ORDINALITY s(uscc, division_code, score, score_class, reasons, ord);
    END LOOP;
END
$$;
-- How far a table's physical order is from the USCC's: rows whose USCC is
-- below the one stored before it.
CREATE FUNCTION pg_temp.descents(t regclass) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FILTER (WHERE u < p) FROM (SELECT uscc AS u, lag(uscc) OVER (ORDER BY ctid) AS p FROM %s) x', t)
       INTO n;
    RETURN n;
END
$$;

SELECT pg_temp.record_runs('generator''s order');
-- Shuffled (by the hash of the USCC), both the register and its history.
CREATE INDEX regress_shuffle ON enterprise (md5(uscc::text));
CREATE INDEX regress_shuffle_history ON enterprise_history (md5(uscc::text));
CLUSTER enterprise USING regress_shuffle;
CLUSTER enterprise_history USING regress_shuffle_history;
SELECT pg_temp.descents('enterprise') > 400 AS shuffled;
SELECT pg_temp.record_runs('shuffled');
-- The engine says what it did with the slots (DEBUG1), and in how many chunks.
\! psql -X -q -d creditrisk_engine_order -c "SET client_min_messages = debug1" -c "SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2026-10-31')" 2>&1 | grep -o 'slots [a-z ]* USCC order'
\! psql -X -q -d creditrisk_engine_order -c "SET client_min_messages = debug1" -c "SET creditrisk.memory_budget = '64kB'" -c "SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2026-10-31')" 2>&1 | grep -o '[0-9]* chunk(s) of at most [0-9]* slots'
\! psql -X -q -d creditrisk_engine_order -c "SET client_min_messages = debug1" -c "SET creditrisk.memory_budget = '64kB'" -c "SET creditrisk.parallel_workers = 1" -c "SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2026-10-31')" 2>&1 | grep -o '[0-9]* participants share [0-9]* parallel chunks'

-- Descending.
CREATE INDEX regress_descending ON enterprise (uscc DESC);
CREATE INDEX regress_descending_history ON enterprise_history (uscc DESC);
CLUSTER enterprise USING regress_descending;
CLUSTER enterprise_history USING regress_descending_history;
SELECT pg_temp.descents('enterprise') = count(*) - 1 AS descending FROM enterprise;
SELECT pg_temp.record_runs('descending');

-- In USCC order: nothing to sort on the last day (every slot comes from
-- the register's current entries); on 2025-07-01 a fifth come from its
-- history, read after them: sorted.
CREATE INDEX regress_ascending ON enterprise (uscc);
CLUSTER enterprise USING regress_ascending;
SELECT pg_temp.descents('enterprise') AS descents;
SELECT pg_temp.record_runs('in USCC order');
\! psql -X -q -d creditrisk_engine_order -c "SET client_min_messages = debug1" -c "SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2026-10-31')" 2>&1 | grep -o 'slots [a-z ]* USCC order'
\! psql -X -q -d creditrisk_engine_order -c "SET client_min_messages = debug1" -c "SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2025-07-01', now())" 2>&1 | grep -o 'slots [a-z ]* USCC order'

-- Every call: its rows in strictly ascending USCC order, and the same rows,
-- bits and order as in the generator's order in one chunk.
SELECT r.phys, r.config, r.call, count(*) AS rows,
       count(*) FILTER (WHERE r.prev IS NOT NULL AND NOT r.uscc > r.prev) AS out_of_order,
       count(*) FILTER (WHERE b.ord IS NULL OR (b.uscc, b.bits) IS DISTINCT FROM (r.uscc, r.bits)) AS differences
  FROM (SELECT *, lag(uscc) OVER (PARTITION BY phys, config, call ORDER BY ord) AS prev FROM runs) r
  LEFT JOIN runs b ON b.phys = 'generator''s order' AND b.config = 'one chunk' AND b.call = r.call AND b.ord = r.ord
 GROUP BY r.phys, r.config, r.call
 ORDER BY r.phys COLLATE "C", r.config COLLATE "C", r.call COLLATE "C";
-- (and no row of the reference is missing from any call)
SELECT count(*) AS calls_with_fewer_rows
  FROM (SELECT phys, config, call, count(*) AS n FROM runs GROUP BY 1, 2, 3) c
  JOIN (SELECT call, count(*) AS n FROM runs WHERE phys = 'generator''s order' AND config = 'one chunk' GROUP BY 1) b USING (call)
 WHERE c.n <> b.n;

-- Shuffled again, for the paths below.
CLUSTER enterprise USING regress_shuffle;
CLUSTER enterprise_history USING regress_shuffle_history;

-- Under policies the engine does not apply itself, the SQL definitions
-- compute (here: a province-wide analyst, with an extra restrictive policy
-- on lawsuits): the same rows in the same order.  A city's analyst, whom
-- the engine serves itself within its jurisdiction, gets its rows in order too.
\o /dev/null
SELECT create_roles();
\o
CREATE ROLE regress_cr_order_province;
CREATE ROLE regress_cr_order_city;
SELECT enrol('regress_cr_order_province', 'analyst', '410000') IS NOT NULL AS enrolled;
SELECT enrol('regress_cr_order_city', 'analyst', division_code) IS NOT NULL AS enrolled
  FROM (SELECT left(division_code, 4) || '00' AS division_code, count(*) FROM enterprise GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1) x;
CREATE POLICY regress_order_extra ON lawsuit AS RESTRICTIVE FOR SELECT TO regress_cr_order_province USING (true);
\! psql -X -q -d creditrisk_engine_order -c "SET ROLE regress_cr_order_province" -c "SET client_min_messages = debug1" -c "SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2026-10-31')" 2>&1 | grep -c 'enterprise scan'
\! psql -X -q -d creditrisk_engine_order -c "SET ROLE regress_cr_order_city" -c "SET client_min_messages = debug1" -c "SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2026-10-31')" 2>&1 | grep -c 'enterprise scan'
CREATE TEMP TABLE role_runs (who text, call text, ord bigint, uscc uscc, bits bytea);
GRANT ALL ON role_runs TO PUBLIC;
SET ROLE regress_cr_order_province;
INSERT INTO role_runs
SELECT 'province, by the SQL definitions', 'compute_indicators, 2026-10-31', c.ord, c.uscc, array_send(c.indicators)
  FROM creditrisk.compute_indicators('reference-v1', '2026-10-31') WITH ORDINALITY c(uscc, indicators, ord);
INSERT INTO role_runs
SELECT 'province, by the SQL definitions', 'score_population, 2026-10-31', s.ord, s.uscc,
       convert_to(row(s.division_code, float8send(s.score), s.score_class, s.reasons)::text, 'UTF8')
  FROM creditrisk.score_population('reference-v1', '2026-10-31', NULL, 3)
       WITH ORDINALITY s(uscc, division_code, score, score_class, reasons, ord);
RESET ROLE;
SET ROLE regress_cr_order_city;
INSERT INTO role_runs
SELECT 'city, by the engine, one chunk', 'compute_indicators, 2026-10-31', c.ord, c.uscc, array_send(c.indicators)
  FROM creditrisk.compute_indicators('reference-v1', '2026-10-31') WITH ORDINALITY c(uscc, indicators, ord);
INSERT INTO role_runs
SELECT 'city, by the engine, one chunk', 'score_population, 2026-10-31', s.ord, s.uscc,
       convert_to(row(s.division_code, float8send(s.score), s.score_class, s.reasons)::text, 'UTF8')
  FROM creditrisk.score_population('reference-v1', '2026-10-31', NULL, 3)
       WITH ORDINALITY s(uscc, division_code, score, score_class, reasons, ord);
SET creditrisk.memory_budget = '64kB';
INSERT INTO role_runs
SELECT 'city, by the engine, in chunks', 'compute_indicators, 2026-10-31', c.ord, c.uscc, array_send(c.indicators)
  FROM creditrisk.compute_indicators('reference-v1', '2026-10-31') WITH ORDINALITY c(uscc, indicators, ord);
INSERT INTO role_runs
SELECT 'city, by the engine, in chunks', 'score_population, 2026-10-31', s.ord, s.uscc,
       convert_to(row(s.division_code, float8send(s.score), s.score_class, s.reasons)::text, 'UTF8')
  FROM creditrisk.score_population('reference-v1', '2026-10-31', NULL, 3)
       WITH ORDINALITY s(uscc, division_code, score, score_class, reasons, ord);
RESET creditrisk.memory_budget;
RESET ROLE;
-- The province sees every enterprise: the same rows, bits and order as the
-- superuser's.  The city sees a part of the register (and its enterprises'
-- values may differ from the superuser's, who sees their related parties
-- elsewhere): its rows in order, and the same in chunks as in one.
SELECT r.who, r.call, count(*) AS rows,
       count(*) FILTER (WHERE r.prev IS NOT NULL AND NOT r.uscc > r.prev) AS out_of_order,
       count(*) FILTER (WHERE b.bits IS NULL OR b.bits IS DISTINCT FROM r.bits) AS differences,
       count(*) = (SELECT count(*) FROM runs x WHERE x.phys = 'generator''s order' AND x.config = 'one chunk' AND x.call = r.call)
         AS all_rows
  FROM (SELECT *, lag(uscc) OVER (PARTITION BY who, call ORDER BY ord) AS prev FROM role_runs) r
  LEFT JOIN LATERAL (SELECT b.bits FROM runs b
                      WHERE r.who LIKE 'province%' AND b.phys = 'generator''s order' AND b.config = 'one chunk'
                        AND b.call = r.call AND b.ord = r.ord
                     UNION ALL
                     SELECT c.bits FROM role_runs c
                      WHERE r.who LIKE 'city%' AND c.who = 'city, by the engine, one chunk' AND c.call = r.call AND c.ord = r.ord) b ON true
 GROUP BY r.who, r.call
 ORDER BY r.who COLLATE "C", r.call COLLATE "C";
DROP POLICY regress_order_extra ON lawsuit;
\o /dev/null
SELECT unenrol('regress_cr_order_province'), unenrol('regress_cr_order_city');
\o

-- The monthly run on the shuffled register: its statement inserts the
-- engine's rows as they come (no Sort under the Insert: auto_explain shows
-- the plan of the statement run inside refresh_classification()), and they
-- land in the primary key's order.  The fused classes look the latest
-- assessments up in a hash as the run's rows come: no merge join, which
-- would sort them (1.12).
\! psql -X -q -d creditrisk_engine_order -c "LOAD 'auto_explain'" -c "SET auto_explain.log_min_duration = 0" -c "SET auto_explain.log_nested_statements = on" -c "SET auto_explain.log_level = notice" -c "SET client_min_messages = notice" -c "SELECT as_of FROM creditrisk.refresh_classification('2026-09-30')" 2>&1 | awk -f sql/include/run_plan.awk
SELECT as_of, version, enterprises FROM refresh_classification('2026-10-31');
SELECT x.as_of, count(*) AS rows, count(*) FILTER (WHERE x.u < x.p) AS stored_out_of_order
  FROM (SELECT r.as_of, r.uscc AS u, lag(r.uscc) OVER (PARTITION BY r.as_of ORDER BY r.ctid) AS p
          FROM classification_result r) x
 GROUP BY x.as_of ORDER BY x.as_of;

-- The same plan for a province-wide administrator under row-level security
-- (1.11 tried a plan that, as this role, rescanned the run's rows for each
-- latest assessment): no merge join, no nested loop over the run's rows.
CREATE ROLE regress_cr_order_admin;
SELECT enrol('regress_cr_order_admin', 'admin', '410000') IS NOT NULL AS enrolled;
\! psql -X -q -d creditrisk_engine_order -c "LOAD 'auto_explain'" -c "SET auto_explain.log_min_duration = 0" -c "SET auto_explain.log_nested_statements = on" -c "SET auto_explain.log_level = notice" -c "SET client_min_messages = notice" -c "SET ROLE regress_cr_order_admin" -c "SELECT as_of FROM creditrisk.refresh_classification('2026-10-31')" 2>&1 | awk -f sql/include/run_plan.awk
SELECT as_of, version, enterprises FROM classification_run ORDER BY as_of, version;
\o /dev/null
SELECT unenrol('regress_cr_order_admin');
\o
DROP ROLE regress_cr_order_admin;

DROP ROLE regress_cr_order_province;
DROP ROLE regress_cr_order_city;
\c :regress_db
SET client_min_messages = warning;
DROP DATABASE creditrisk_engine_order;
