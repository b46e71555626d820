-- riskclass: text I/O, ordering, btree and hash support, min/max.
SET search_path = creditrisk, public;

-- Valid input: one letter, either case; output upper case.
SELECT 'A'::riskclass, 'b'::riskclass, 'C'::riskclass, 'd'::riskclass;

-- Invalid input: 22P02 with the value in the message and the valid ones in the hint.
SELECT ''::riskclass; \echo :LAST_ERROR_SQLSTATE
SELECT 'E'::riskclass; \echo :LAST_ERROR_SQLSTATE
SELECT 'AB'::riskclass; \echo :LAST_ERROR_SQLSTATE
SELECT ' A'::riskclass; \echo :LAST_ERROR_SQLSTATE
SELECT 'A '::riskclass; \echo :LAST_ERROR_SQLSTATE
SELECT 'Ａ'::riskclass; \echo :LAST_ERROR_SQLSTATE

-- Comparison operators follow risk order A < B < C < D.
SELECT a, b, a < b AS lt, a <= b AS le, a = b AS eq, a <> b AS ne, a >= b AS ge, a > b AS gt
  FROM unnest('{A,B,C,D}'::riskclass[]) a, unnest('{A,D}'::riskclass[]) b
 ORDER BY a, b;

CREATE TABLE rc_t (id int, rc riskclass);
INSERT INTO rc_t SELECT i, (ARRAY['D','C','B','A','B','C','D','A'])[1 + i % 8]::riskclass
  FROM generate_series(1, 1000) i;
INSERT INTO rc_t VALUES (0, NULL);
ANALYZE rc_t;

-- ORDER BY (ascending puts NULL last) and DESC
SELECT rc FROM rc_t WHERE id IN (0, 1, 2, 3, 4) ORDER BY rc;
SELECT rc FROM rc_t WHERE id IN (1, 2, 3, 4) ORDER BY rc DESC;

-- min / max, also per group
SELECT min(rc), max(rc) FROM rc_t;
SELECT id % 2 AS odd, min(rc), max(rc) FROM rc_t GROUP BY 1 ORDER BY 1;
SELECT min(rc) FROM rc_t WHERE false;

-- GROUP BY with sorting and with hashing give the same answer
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT rc, count(*) FROM rc_t GROUP BY rc;
SELECT rc, count(*) FROM rc_t GROUP BY rc ORDER BY rc;
RESET enable_hashagg;
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT rc, count(*) FROM rc_t GROUP BY rc;
SELECT rc, count(*) FROM rc_t GROUP BY rc ORDER BY rc;
RESET enable_sort;

-- DISTINCT
SELECT DISTINCT rc FROM rc_t ORDER BY rc;

-- A btree index is used for equality and ranges
CREATE INDEX rc_t_rc ON rc_t (rc);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM rc_t WHERE rc >= 'C';
SELECT count(*) FROM rc_t WHERE rc >= 'C';
RESET enable_seqscan;

-- A hash index
CREATE INDEX rc_t_rc_hash ON rc_t USING hash (rc);
SET enable_seqscan = off; SET enable_bitmapscan = off;
DROP INDEX rc_t_rc;
EXPLAIN (COSTS OFF) SELECT count(*) FROM rc_t WHERE rc = 'B';
SELECT count(*) FROM rc_t WHERE rc = 'B';
RESET enable_seqscan; RESET enable_bitmapscan;

-- Hash join and merge join on riskclass
CREATE TABLE rc_measure (rc riskclass PRIMARY KEY, ratio numeric);
INSERT INTO rc_measure SELECT rc, min_spot_check_ratio(rc) FROM unnest('{A,B,C,D}'::riskclass[]) rc;
ANALYZE rc_measure;
SET enable_mergejoin = off; SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT m.rc, count(*) FROM rc_t t JOIN rc_measure m ON t.rc = m.rc GROUP BY m.rc;
SELECT m.rc, count(*) FROM rc_t t JOIN rc_measure m ON t.rc = m.rc GROUP BY m.rc ORDER BY 1;
RESET enable_mergejoin;
SET enable_hashjoin = off;
EXPLAIN (COSTS OFF) SELECT m.rc, count(*) FROM rc_t t JOIN rc_measure m ON t.rc = m.rc GROUP BY m.rc;
SELECT m.rc, count(*) FROM rc_t t JOIN rc_measure m ON t.rc = m.rc GROUP BY m.rc ORDER BY 1;
RESET enable_hashjoin; RESET enable_nestloop;

-- Hash partitioning needs the extended hash function
CREATE TABLE rc_part (rc riskclass, n int) PARTITION BY HASH (rc);
CREATE TABLE rc_part_0 PARTITION OF rc_part FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE rc_part_1 PARTITION OF rc_part FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO rc_part SELECT rc, 1 FROM rc_t WHERE rc IS NOT NULL;
SELECT rc, count(*) FROM rc_part GROUP BY rc ORDER BY rc;
SELECT count(DISTINCT tableoid) AS partitions_used FROM rc_part;
-- every value lands in exactly one partition, the same for equal values
SELECT rc, count(DISTINCT tableoid) FROM rc_part GROUP BY rc ORDER BY rc;

-- Hash functions agree with equality, and the extended hash depends on its seed
SELECT count(DISTINCT riskclass_hash(rc)) AS distinct_hashes FROM unnest('{A,B,C,D,a,b,c,d}'::riskclass[]) rc;
SELECT riskclass_hash_extended('A', 0) <> riskclass_hash_extended('A', 1) AS seed_matters,
       riskclass_hash_extended('A', 0) = riskclass_hash_extended('a', 0) AS case_folds;

-- The extended hash with seed 0 agrees with the standard hash in its low 32 bits
SELECT bool_and((riskclass_hash_extended(rc, 0) & 4294967295) = (riskclass_hash(rc)::bigint & 4294967295)) AS consistent
  FROM unnest('{A,B,C,D}'::riskclass[]) rc;

-- Text casts
SELECT 'c'::riskclass::text, 'D'::text::riskclass;

DROP TABLE rc_t, rc_measure, rc_part;
