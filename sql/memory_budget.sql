-- creditrisk.memory_budget (1.6, issue 16): under a budget too small for the
-- whole register's state, the engine computes in chunks of the register
-- (compute.c) and gives the same values, bit for bit (array_send), in the
-- same order, as one pass: compute_indicators(), score_population() and the
-- monthly run, on the sample's last day and on an earlier date, as known now
-- and at a knowledge time (which reads the history tables too).  Related parties and parents read across
-- chunks (the light pass).  In a database of its own, filled by
-- sample/generate.sql (2000 enterprises, ~10 records each).
SELECT current_database() AS regress_db \gset
SET client_min_messages = warning;
DROP DATABASE IF EXISTS creditrisk_memory_budget;
CREATE DATABASE creditrisk_memory_budget TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C';
\c creditrisk_memory_budget
SET client_min_messages = warning;
CREATE EXTENSION creditrisk;
\! psql -X -q -v ON_ERROR_STOP=1 -d creditrisk_memory_budget -v n=2000 -v as_of=2026-10-31 -f sample/generate.sql > /dev/null 2>&1 && echo generated
SET search_path = creditrisk, public;
SET datestyle = 'ISO, YMD';
-- The sample's links are few: each enterprise with a penalty or on a list
-- becomes a shareholder of an enterprise far from it in USCC order (the
-- engine's slot order since 1.10, which chunks cut; the sample's physical
-- order is nearly the same), so that related parties' facts cross chunks.
INSERT INTO related_party_link (from_uscc, to_uscc, kind, valid_from, reported_by)
SELECT b.uscc, a.uscc, 'shareholder', l.valid_from, l.reported_by
  FROM (SELECT uscc, row_number() OVER (ORDER BY ctid) AS r FROM enterprise) a
  JOIN (SELECT uscc, row_number() OVER (ORDER BY uscc DESC) AS r
          FROM (SELECT uscc FROM penalty UNION SELECT uscc FROM abnormal_listing
                UNION SELECT uscc FROM judgment_debtor_listing UNION SELECT uscc FROM serious_dishonesty_listing) x) b
    ON b.r = a.r
 CROSS JOIN (SELECT valid_from, reported_by FROM related_party_link WHERE valid_from IS NOT NULL ORDER BY id LIMIT 1) l
 WHERE a.uscc <> b.uscc;
SELECT count(*) AS register_rows, (SELECT count(*) FROM related_party_link) > 300 AS has_links,
       (SELECT count(*) FROM enterprise WHERE parent_uscc IS NOT NULL) > 20 AS has_branches
  FROM enterprise;

-- The setting: default, units, minimum, who may set it.
SELECT name, setting, unit, min_val, context FROM pg_settings WHERE name = 'creditrisk.memory_budget';
SHOW creditrisk.memory_budget;
SET creditrisk.memory_budget = '32kB';
SET creditrisk.memory_budget = 'a lot';
RESET creditrisk.memory_budget;

-- How many chunks (the engine says so at DEBUG1): one under the default
-- budget; 2000 / 256 slots = 8 under the smallest (whose chunks hold 256).
\! psql -X -q -d creditrisk_memory_budget -c "SET client_min_messages = debug1" -c "SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2026-10-31')" 2>&1 | grep -o '[0-9]* chunk(s) of at most [0-9]* slots'
\! psql -X -q -d creditrisk_memory_budget -c "SET client_min_messages = debug1" -c "SET creditrisk.memory_budget = '64kB'" -c "SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2026-10-31')" 2>&1 | grep -o '[0-9]* chunk(s) of at most [0-9]* slots'

-- A budget smaller than what no chunk sheds (the whole register's part and
-- a chunk of 256): the call runs, in chunks of 256, and says so in a NOTICE
-- with the size to set (1.12); under that size, nothing is said.
\set VERBOSITY terse
SET client_min_messages = notice;
SET creditrisk.memory_budget = '64kB';
SELECT count(*) FROM compute_indicators('reference-v1', '2026-10-31');
RESET creditrisk.memory_budget;
SET client_min_messages = warning;
\set VERBOSITY default
\! psql -X -q -d creditrisk_memory_budget -c "SET creditrisk.memory_budget = '64kB'" -c "SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2026-10-31')" 2>&1 | sed -n 's/^DETAIL:  What the engine keeps for every enterprise takes [0-9]* kB and its smallest chunk of \([0-9]*\) enterprises [0-9]* kB more: about [0-9]* kB in all\.$/DETAIL: a chunk of \1, sizes in kB/p; s/^HINT:  Raise it to at least [0-9]* kB, for example SET creditrisk.memory_budget = .[0-9]*MB., or ALTER ROLE \.\.\. SET for the role that runs the monthly run\.$/HINT: a size to set/p'
\! h=$(psql -X -q -d creditrisk_memory_budget -c "SET creditrisk.memory_budget = '64kB'" -c "SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2026-10-31')" 2>&1 | sed -n 's/^HINT:  Raise it to at least \([0-9]*\) kB.*/\1/p'); echo "hinted: ${h:+a size in kB}"; psql -X -q -At -d creditrisk_memory_budget -c "SET creditrisk.memory_budget = '${h}kB'" -c "SET client_min_messages = debug1" -c "SELECT count(*) FROM creditrisk.compute_indicators('reference-v1', '2026-10-31')" 2>&1 | sed -n 's/^NOTICE:  \(.*\) is too small.*/NOTICE: \1 too small/p; s/.*[^0-9]\([0-9][0-9]*\) chunk(s) of at most.*/under the hinted size: \1 chunk(s)/p'

-- One pass, kept with each row's position.
CREATE TEMP TABLE one_pass AS
SELECT d, known, ord, uscc, array_send(indicators) AS bits
  FROM unnest('{2026-10-31,2025-07-01}'::date[]) d,
       unnest(ARRAY['infinity', (SELECT max(recorded_at) FROM enterprise)]) known,
       LATERAL compute_indicators('reference-v1', d, nullif(known, 'infinity')) WITH ORDINALITY c(uscc, indicators, ord);
CREATE TEMP TABLE one_scores AS
SELECT * FROM score_population('reference-v1', '2026-10-31', NULL, 3) WITH ORDINALITY s(uscc, division_code, score, score_class, reasons, ord);

-- Many chunks.
SET creditrisk.memory_budget = '64kB';
CREATE TEMP TABLE chunked AS
SELECT d, known, ord, uscc, array_send(indicators) AS bits
  FROM unnest('{2026-10-31,2025-07-01}'::date[]) d,
       unnest(ARRAY['infinity', (SELECT max(recorded_at) FROM enterprise)]) known,
       LATERAL compute_indicators('reference-v1', d, nullif(known, 'infinity')) WITH ORDINALITY c(uscc, indicators, ord);
CREATE TEMP TABLE chunked_scores AS
SELECT * FROM score_population('reference-v1', '2026-10-31', NULL, 3) WITH ORDINALITY s(uscc, division_code, score, score_class, reasons, ord);

-- The same rows, in the same order, with the same bits.
SELECT o.d, CASE WHEN o.known = 'infinity' THEN 'now' ELSE 'at the last recording' END AS known_at, count(*) AS rows,
       count(*) FILTER (WHERE c.ord IS NULL OR o.ord IS NULL) AS on_one_side_only,
       count(*) FILTER (WHERE c.uscc IS DISTINCT FROM o.uscc OR c.bits IS DISTINCT FROM o.bits) AS differences
  FROM one_pass o FULL JOIN chunked c USING (d, known, ord)
 GROUP BY o.d, o.known ORDER BY o.d, o.known;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE c.ord IS NULL OR o.ord IS NULL) AS on_one_side_only,
       count(*) FILTER (WHERE (c.uscc, c.division_code, float8send(c.score), c.score_class, c.reasons)
                              IS DISTINCT FROM (o.uscc, o.division_code, float8send(o.score), o.score_class, o.reasons))
         AS differences
  FROM one_scores o FULL JOIN chunked_scores c USING (ord);

-- The comparison is not between zeros: enterprises whose values read related
-- parties or a parent in another chunk have them (positions of reference-v1:
-- related_penalties_1y, related_abnormal ..., parent_adverse).
SELECT mi.code, count(*) FILTER (WHERE u.v > 0) AS nonzero
  FROM compute_indicators('reference-v1', '2026-10-31') c
 CROSS JOIN LATERAL unnest(c.indicators) WITH ORDINALITY u(v, n)
  JOIN model_indicators('reference-v1') mi ON mi.position = u.n
 WHERE mi.code ~ '^(related|parent|shareholder)'
 GROUP BY mi.code, mi.position ORDER BY mi.position;

-- The monthly run under the small budget (version 1) equals the one under
-- the default (version 2).
SELECT as_of, version, enterprises FROM refresh_classification('2026-10-31');
RESET creditrisk.memory_budget;
SELECT as_of, version, enterprises FROM refresh_classification('2026-10-31');
SELECT count(*) AS rows, count(*) FILTER (WHERE r1.uscc IS NULL OR r2.uscc IS NULL) AS on_one_side_only,
       count(*) FILTER (WHERE (r1.division_code, float8send(r1.score), r1.score_class, r1.final_class, r1.overrides, r1.reasons)
                              IS DISTINCT FROM (r2.division_code, float8send(r2.score), r2.score_class, r2.final_class, r2.overrides, r2.reasons))
         AS differences
  FROM (SELECT * FROM classification_result WHERE as_of = '2026-10-31' AND version = 1) r1
  FULL JOIN (SELECT * FROM classification_result WHERE as_of = '2026-10-31' AND version = 2) r2 USING (uscc);

-- A model that reads fewer tables holds less per slot (1.11: a chunk holds
-- only the parts of each enterprise's state that the model's tables fill,
-- ENTERPRISE_PARTS in src/engine.h): the 16 indicators of reference-v1 read
-- from penalty and registration_change (bench/compute's sub-model), as a
-- draft copy.
SELECT model_copy('reference-v1', 'sub16') IS NOT NULL AS copied;
DELETE FROM model_floor_condition WHERE model_key = 'sub16';
DELETE FROM model_floor WHERE model_key = 'sub16';
DELETE FROM model_indicator m
 WHERE m.model_key = 'sub16'
   AND NOT EXISTS (SELECT 1 FROM indicator i
                    WHERE i.code = m.code AND i.definition_sql ~ 'creditrisk\.(penalty|registration_change)_as_known'
                      AND i.definition_sql !~ 'related_party_link');
SELECT count(*) AS sub_model_indicators FROM model_indicators('sub16');
-- Under a budget of 1MB: reference-v1 needs several chunks, the sub-model
-- one; and the engine's peak memory (DEBUG1) stays within the budget.
\! for m in reference-v1 sub16; do psql -X -q -d creditrisk_memory_budget -c "SET client_min_messages = debug1" -c "SET creditrisk.memory_budget = '1MB'" -c "SELECT count(*) FROM creditrisk.compute_indicators('$m', '2026-10-31')" 2>&1 | sed -n "s/.*: \([0-9]* chunk(s)\) of at most .*/$m: \1/p; s/.*compute_indicators: memory: \([0-9]*\) bytes.*/$m: within 1MB: \1/p" | awk -F': ' '/within/ { print $1 ": within 1MB: " ($3 <= 1024 * 1024 ? "yes" : "NO, " $3 " bytes"); next } { print }'; done
-- One pass, and many chunks (64kB), and many chunks computed by the leader
-- and 2 parallel workers: the same rows in the same order, bit for bit,
-- now and at the last recording.
CREATE TEMP TABLE sub_one AS
SELECT known, ord, uscc, array_send(indicators) AS bits
  FROM unnest(ARRAY['infinity', (SELECT max(recorded_at) FROM enterprise)]) known,
       LATERAL compute_indicators('sub16', '2026-10-31', nullif(known, 'infinity')) WITH ORDINALITY c(uscc, indicators, ord);
SET creditrisk.memory_budget = '64kB';
CREATE TEMP TABLE sub_chunked AS
SELECT 0 AS workers, known, ord, uscc, array_send(indicators) AS bits
  FROM unnest(ARRAY['infinity', (SELECT max(recorded_at) FROM enterprise)]) known,
       LATERAL compute_indicators('sub16', '2026-10-31', nullif(known, 'infinity')) WITH ORDINALITY c(uscc, indicators, ord);
SET creditrisk.parallel_workers = 2;
SET max_parallel_workers_per_gather = 2;
INSERT INTO sub_chunked
SELECT 2, known, ord, uscc, array_send(indicators)
  FROM unnest(ARRAY['infinity', (SELECT max(recorded_at) FROM enterprise)]) known,
       LATERAL compute_indicators('sub16', '2026-10-31', nullif(known, 'infinity')) WITH ORDINALITY c(uscc, indicators, ord);
RESET creditrisk.parallel_workers;
RESET max_parallel_workers_per_gather;
RESET creditrisk.memory_budget;
SELECT c.workers, CASE WHEN o.known = 'infinity' THEN 'now' ELSE 'at the last recording' END AS known_at,
       count(*) AS rows, count(*) FILTER (WHERE c.ord IS NULL OR o.ord IS NULL) AS on_one_side_only,
       count(*) FILTER (WHERE c.uscc IS DISTINCT FROM o.uscc OR c.bits IS DISTINCT FROM o.bits) AS differences
  FROM sub_chunked c FULL JOIN sub_one o USING (known, ord)
 GROUP BY c.workers, o.known ORDER BY c.workers, o.known;
-- The sub-model's values are those of reference-v1 at the same positions.
SELECT count(*) AS rows,
       count(*) FILTER (WHERE s.indicators IS DISTINCT FROM
                              (SELECT array_agg(r.indicators[mr.position] ORDER BY ms.position)
                                 FROM model_indicators('sub16') ms JOIN model_indicators('reference-v1') mr USING (code)))
         AS differences,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM unnest(s.indicators) v WHERE v > 0)) > 100 AS many_nonzero
  FROM compute_indicators('sub16', '2026-10-31') s
  JOIN compute_indicators('reference-v1', '2026-10-31') r USING (uscc);

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE creditrisk_memory_budget;
