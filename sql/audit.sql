-- Accountability (issue 12): the append-only history, its hash chain and
-- seals, the change log.  (Tampering past the triggers: test/shell/
-- history_tamper.sh; reads audited by pgaudit: test/shell/pgaudit_reads.sh.)
\i sql/include/classification_setup.psql
SELECT pg_temp.ent(1, '企业 甲'), pg_temp.ent(2, '企业 乙'), pg_temp.ent(3, '企业 丙', '411600', 'H6210') \gset
SELECT pg_temp.pts(n, d, p)
  FROM (VALUES (1, 10), (2, 55), (3, 80)) v(n, p), (VALUES (date '2025-11-30'), (date '2025-12-31')) d(d);
INSERT INTO domain_risk_class (uscc, domain, class, assessed_date, reported_by)
VALUES (pg_temp.uscc(1, '411622'), 'food', 'C', '2025-06-01', 'test');
-- an override whose detail is Chinese text (jsonb), so that the hashes cover non-ASCII
INSERT INTO override_rule (code, name, rule_sql) VALUES ('audit_note', '审计测试',
    $$SELECT e.uscc, 'C' AS class, '依据：测试说明'::text AS note FROM creditrisk.enterprise e WHERE e.name = '企业 乙'$$);
SELECT as_of, enterprises FROM refresh_classification('2025-11-30');

-- 1. A finished run is sealed: its rows hashed and chained to the previous seal.
SELECT seq, as_of, version, hash_format, prev_digest = ('\x' || repeat('00', 32))::bytea AS first_in_chain,
       result_rows, domain_rows, octet_length(digest) AS digest_bytes, sealed_by = session_user AS sealed_by_me
  FROM classification_seal ORDER BY seq;
SELECT table_name, block, cardinality(row_keys) AS rows, octet_length(row_hashes) AS hash_bytes, row_keys
  FROM classification_seal_block ORDER BY seq, table_name, block;
SELECT as_of, enterprises FROM refresh_classification('2025-12-31');
SELECT s.seq, s.as_of, s.version, s.prev_digest = p.digest AS chained_to_previous
  FROM classification_seal s JOIN classification_seal p ON p.seq = s.seq - 1;
SELECT * FROM verify_history();
SELECT seq, run, version, digest = (SELECT encode(digest, 'hex') FROM classification_seal WHERE seq = 2) AS head_is_last_seal
  FROM history_head();
SELECT * FROM verify_history(decode((SELECT digest FROM history_head()), 'hex'));
-- The hashes do not depend on the session's client encoding.
SET client_encoding = 'GBK';
SELECT count(*) AS problems_seen_from_gbk FROM verify_history();
RESET client_encoding;

-- 2. The canonical serialisation (doc/AUDIT.md), recomputed by hand: a row is
-- one binary COPY tuple (int16 field count; per field int32 length, -1 for
-- NULL, then the type's send() bytes), hashed with SHA-256.
CREATE FUNCTION pg_temp.f(b bytea) RETURNS bytea LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE WHEN b IS NULL THEN '\xffffffff'::bytea ELSE int4send(length(b)) || b END $$;
SELECT r.uscc, sha256(int2send(10::int2) || pg_temp.f(date_send(r.as_of)) || pg_temp.f(int4send(r.version))
              || pg_temp.f(creditrisk.uscc_send(r.uscc))
              || pg_temp.f(textsend(r.division_code)) || pg_temp.f(float8send(r.score))
              || pg_temp.f(creditrisk.riskclass_send(r.score_class)) || pg_temp.f(creditrisk.riskclass_send(r.final_class))
              || pg_temp.f(array_send(r.overrides)) || pg_temp.f(jsonb_send(r.override_details)) || pg_temp.f(array_send(r.reasons)))
       = h.row_hash AS hash_as_documented, r.override_details
  FROM classification_result r
  JOIN history_row_hashes(history_query('classification_result', '2025-12-31', 1)) h ON h.row_key = r.uscc::text
 WHERE r.as_of = '2025-12-31' ORDER BY r.uscc::text COLLATE "C";
-- The chain: link = SHA-256(link || row hash), from the previous digest
-- through the run row, the result rows, the fused-class rows.
SELECT history_link(s.prev_digest, s.run_hash || string_agg(b.row_hashes, '' ORDER BY b.table_name DESC, b.block)) = s.digest
           AS digest_recomputed,
       history_link(sha256('a'), sha256('b')) = sha256(sha256('a') || sha256('b')) AS one_link
  FROM classification_seal s JOIN classification_seal_block b USING (seq) WHERE s.seq = 2 GROUP BY s.seq, s.prev_digest, s.run_hash, s.digest;
-- The hashes stored by the seal (1.9: seal_run writes its blocks through
-- history_seal_table()) are the documented serialisation's, row by row, and
-- the blocks are what history_blocks() gives from the same seed.
SELECT u.row_key, sha256(int2send(10::int2) || pg_temp.f(date_send(r.as_of)) || pg_temp.f(int4send(r.version))
              || pg_temp.f(creditrisk.uscc_send(r.uscc))
              || pg_temp.f(textsend(r.division_code)) || pg_temp.f(float8send(r.score))
              || pg_temp.f(creditrisk.riskclass_send(r.score_class)) || pg_temp.f(creditrisk.riskclass_send(r.final_class))
              || pg_temp.f(array_send(r.overrides)) || pg_temp.f(jsonb_send(r.override_details)) || pg_temp.f(array_send(r.reasons)))
       = u.row_hash AS stored_hash_as_documented
  FROM classification_seal s JOIN classification_seal_block b ON b.seq = s.seq AND b.table_name = 'classification_result'
 CROSS JOIN LATERAL history_unnest(b.row_keys, b.row_hashes) u
  JOIN classification_result r ON r.as_of = s.as_of AND r.version = s.version AND r.uscc::text = u.row_key
 WHERE s.seq = 2 ORDER BY u.row_key COLLATE "C";
SELECT t.table_name, count(*) AS blocks,
       count(*) FILTER (WHERE h.block = b.block AND h.row_keys = b.row_keys AND h.row_hashes = b.row_hashes AND h.link = b.link) AS same_as_history_blocks
  FROM classification_seal s
 CROSS JOIN (VALUES ('classification_result', 1), ('classification_domain_result', 2)) t(table_name, o)
  JOIN classification_seal_block b ON b.seq = s.seq AND b.table_name = t.table_name
  LEFT JOIN LATERAL history_blocks(history_query(t.table_name, s.as_of, s.version),
                                   CASE t.o WHEN 1 THEN history_link(s.prev_digest, s.run_hash)
                                   ELSE (SELECT x.link FROM classification_seal_block x WHERE x.seq = s.seq
                                            AND x.table_name = 'classification_result' ORDER BY x.block DESC LIMIT 1) END, 1000) h
         ON h.block = b.block
 WHERE s.seq = 2 GROUP BY t.table_name ORDER BY t.table_name;
-- history_seal_table() refuses a bad seed or block size, and writes nothing.
SELECT * FROM history_seal_table(99, 'classification_result', history_query('classification_result', '2025-12-31', 1), '\x00', 1000); \echo :LAST_ERROR_SQLSTATE
SELECT * FROM history_seal_table(99, 'classification_result', history_query('classification_result', '2025-12-31', 1), sha256(''), 0); \echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS blocks_of_seal_99 FROM classification_seal_block WHERE seq = 99;
-- In blocks of 2 rows (3 results: two blocks), inside a transaction rolled
-- back: the same blocks as history_blocks(), the row count and the last link.
BEGIN;
SELECT row_count, link = (SELECT h.link FROM history_blocks(history_query('classification_result', '2025-12-31', 1), sha256('x'), 2) h
                           ORDER BY h.block DESC LIMIT 1) AS last_link_returned
  FROM history_seal_table(99, 'classification_result', history_query('classification_result', '2025-12-31', 1), sha256('x'), 2);
SELECT b.block, cardinality(b.row_keys) AS rows, h.row_keys = b.row_keys AND h.row_hashes = b.row_hashes AND h.link = b.link AS same_as_history_blocks
  FROM classification_seal_block b
  FULL JOIN history_blocks(history_query('classification_result', '2025-12-31', 1), sha256('x'), 2) h ON h.block = b.block
 WHERE b.seq = 99 ORDER BY b.block;
ROLLBACK;
SELECT row_count, link = sha256('x') AS seed_returned
  FROM history_seal_table(99, 'classification_result', history_query('classification_result', '2024-01-31', 1), sha256('x'), 2);
-- Hash format 1 pinned: the hashes and links of fixed rows, every column
-- kind the serialisation writes itself (date, int4, int8, timestamptz,
-- float8, bool, uscc, riskclass, text, text[] with a NULL, jsonb, and a type
-- through its send function), as 1.8's code computed them (b55dcc2).  Runs
-- sealed before 1.9 verify only if these stay the same.
SELECT h.row_key, encode(h.row_hash, 'hex') AS row_hash
  FROM history_row_hashes($q$
    SELECT k, d, v, u, t, f, rc, a, j, i8, ts, b, n
      FROM (VALUES ('91411622MA00000010'::text, date '2026-10-31', 3, '91411622MA00000010'::creditrisk.uscc, '411622'::text,
                    412.5::float8, 'B'::creditrisk.riskclass, ARRAY['penalty_count', NULL, '严重失信']::text[],
                    '{"serious_dishonesty": {"class": "D", "note": "依据：测试"}}'::jsonb, 9007199254740993::int8,
                    timestamptz '2026-10-31 08:00:00+00', true, 1.50::numeric),
                   ('91411600MA0000003A', date '2024-02-29', -1, '91411600MA0000003A', '', -0.0::float8, 'D', '{}', NULL, NULL,
                    NULL, false, NULL)) x(k, d, v, u, t, f, rc, a, j, i8, ts, b, n) $q$) h
 ORDER BY h.row_key COLLATE "C";
SELECT b.block, b.row_keys, encode(b.link, 'hex') AS link
  FROM history_blocks($q$
    SELECT k, d, v FROM (VALUES ('b', date '2026-10-31', 1), ('a', date '2026-09-30', 2), ('c', NULL, 3)) x(k, d, v) $q$,
    sha256(''), 2) b ORDER BY b.block;
SELECT history_link('\x00', '\x'); \echo :LAST_ERROR_SQLSTATE
SELECT history_link(sha256(''), '\x0102'); \echo :LAST_ERROR_SQLSTATE

-- 3. Append-only for everyone, superuser and owner included.
UPDATE classification_result SET final_class = 'D' WHERE as_of = '2025-11-30'; \echo :LAST_ERROR_SQLSTATE
DELETE FROM classification_result WHERE as_of = '2025-11-30'; \echo :LAST_ERROR_SQLSTATE
DELETE FROM classification_domain_result; \echo :LAST_ERROR_SQLSTATE
UPDATE classification_run SET run_by = 'someone else'; \echo :LAST_ERROR_SQLSTATE
DELETE FROM classification_run WHERE as_of = '2025-11-30'; \echo :LAST_ERROR_SQLSTATE
TRUNCATE classification_result; \echo :LAST_ERROR_SQLSTATE
TRUNCATE classification_run CASCADE; \echo :LAST_ERROR_SQLSTATE
UPDATE classification_seal SET digest = sha256('forged'); \echo :LAST_ERROR_SQLSTATE
DELETE FROM classification_seal_block; \echo :LAST_ERROR_SQLSTATE
TRUNCATE classification_seal, classification_seal_block; \echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS results_kept FROM classification_result;
-- Rows added to a sealed run are not refused (pg_restore adds rows) but are
-- named by verify_history().
INSERT INTO classification_result (as_of, version, uscc, division_code, score, score_class, final_class)
VALUES ('2025-11-30', 1, pg_temp.ent(4, '企业 丁'), '411622', 10, 'A', 'A');
SELECT run, version, seal_seq, table_name, row_key, problem FROM verify_history();

-- 4. The change log: every change to the configuration, who and when, old
-- and new rows; written only by the logging trigger.
CREATE ROLE audit_test_admin;
GRANT USAGE ON SCHEMA creditrisk TO audit_test_admin;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA creditrisk TO audit_test_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON override_rule, high_concern_industry, supervision_measure TO audit_test_admin;
GRANT SELECT ON enterprise TO audit_test_admin;
SELECT max(seq) AS mark FROM change_log \gset
SET ROLE audit_test_admin;
INSERT INTO override_rule (code, name, rule_sql) VALUES ('audit_test', '测试规则', $$SELECT uscc, 'C' AS class FROM creditrisk.enterprise WHERE false$$);
UPDATE override_rule SET enabled = false WHERE code = 'audit_test';
DELETE FROM override_rule WHERE code = 'audit_test';
INSERT INTO high_concern_industry (industry_prefix, effective_from, class, name) VALUES ('C26', '2025-01-01', 'D', '化学原料');
RESET ROLE;
SELECT seq > 0 AS numbered, session_user_name = session_user AS by_login, current_user_name, table_name, operation,
       old_value ->> 'code' AS old_code, old_value ->> 'enabled' AS old_enabled,
       new_value ->> 'code' AS new_code, new_value ->> 'enabled' AS new_enabled, new_value ->> 'industry_prefix' AS new_prefix
  FROM change_log WHERE seq > :mark ORDER BY logged_at, seq;
-- every change of a logged table is logged, TRUNCATE too
SELECT t.tgrelid::regclass AS logged_table
  FROM pg_trigger t WHERE t.tgname = 'zz_log_change' ORDER BY t.tgrelid::regclass::text COLLATE "C";
CREATE TEMP TABLE t_fusion AS SELECT * FROM fusion_matrix;
TRUNCATE fusion_matrix;
SELECT table_name, operation, old_value, new_value FROM change_log WHERE operation = 'TRUNCATE';
-- the seals are logged as they are made
SELECT new_value ->> 'seq' AS seq, new_value ->> 'as_of' AS as_of, (new_value ->> 'digest')::bytea = s.digest AS same_digest
  FROM change_log l JOIN classification_seal s ON s.seq = (l.new_value ->> 'seq')::bigint
 WHERE l.table_name = 'creditrisk.classification_seal' ORDER BY 1;
-- Nobody writes the log by hand: not a superuser's UPDATE, DELETE or
-- TRUNCATE, not a role granted INSERT, not the log's owner.
UPDATE change_log SET current_user_name = 'nobody'; \echo :LAST_ERROR_SQLSTATE
DELETE FROM change_log; \echo :LAST_ERROR_SQLSTATE
TRUNCATE change_log; \echo :LAST_ERROR_SQLSTATE
GRANT INSERT ON change_log TO audit_test_admin;
GRANT USAGE ON SEQUENCE change_log_seq TO audit_test_admin;
SET ROLE audit_test_admin;
INSERT INTO change_log (session_user_name, current_user_name, table_name, operation) VALUES ('x', 'y', 'z', 'INSERT'); \echo :LAST_ERROR_SQLSTATE
RESET ROLE;
CREATE ROLE audit_test_owner;
GRANT USAGE ON SCHEMA creditrisk TO audit_test_owner;
SELECT relowner::regrole AS log_owner FROM pg_class WHERE oid = 'change_log'::regclass \gset
ALTER TABLE change_log OWNER TO audit_test_owner;
ALTER SEQUENCE change_log_seq OWNER TO audit_test_owner;
SET ROLE audit_test_owner;
INSERT INTO change_log (session_user_name, current_user_name, table_name, operation) VALUES ('x', 'y', 'z', 'INSERT'); \echo :LAST_ERROR_SQLSTATE
UPDATE change_log SET current_user_name = 'nobody'; \echo :LAST_ERROR_SQLSTATE
DELETE FROM change_log; \echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- ... while changes still get logged, written as the (new) owner
SET ROLE audit_test_admin;
UPDATE high_concern_industry SET name = '化学原料和化学制品制造业' WHERE industry_prefix = 'C26';
RESET ROLE;
SELECT current_user_name, operation, old_value ->> 'name' AS old_name, new_value ->> 'name' AS new_name
  FROM change_log WHERE seq > :mark AND table_name = 'creditrisk.high_concern_industry' ORDER BY logged_at, seq;
ALTER TABLE change_log OWNER TO :"log_owner";
ALTER SEQUENCE change_log_seq OWNER TO :"log_owner";
REVOKE ALL ON SCHEMA creditrisk FROM audit_test_owner;
DROP ROLE audit_test_owner;
-- log_changes_of() attaches the logging triggers to another table (idempotent)
CREATE TABLE public.audit_other (k int PRIMARY KEY, v text);
SELECT log_changes_of('public.audit_other'), log_changes_of('public.audit_other');
INSERT INTO public.audit_other VALUES (1, 'a');
UPDATE public.audit_other SET v = 'b';
SELECT table_name, operation, old_value, new_value FROM change_log WHERE table_name = 'public.audit_other' ORDER BY logged_at, seq;
DROP TABLE public.audit_other;
REVOKE ALL ON change_log FROM audit_test_admin;
REVOKE ALL ON SEQUENCE change_log_seq FROM audit_test_admin;
REVOKE ALL ON override_rule, high_concern_industry, supervision_measure, enterprise FROM audit_test_admin;
REVOKE ALL ON SCHEMA creditrisk FROM audit_test_admin;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA creditrisk FROM audit_test_admin;
DROP ROLE audit_test_admin;

-- 5. A correction is a new, logged version of the run, never an UPDATE.
SELECT max(seq) AS mark FROM change_log \gset
SELECT correct_result('2025-12-31', pg_temp.uscc(1, '411622'), 'D', ''); \echo :LAST_ERROR_SQLSTATE
SELECT correct_result('2025-12-31', pg_temp.uscc(1, '411622'), 'D', NULL); \echo :LAST_ERROR_SQLSTATE
SELECT correct_result('2025-10-31', pg_temp.uscc(1, '411622'), 'D', 'x'); \echo :LAST_ERROR_SQLSTATE
SELECT correct_result('2025-12-31', pg_temp.uscc(9, '411622'), 'D', 'x'); \echo :LAST_ERROR_SQLSTATE
SELECT correct_result('2025-12-31', pg_temp.uscc(2, '411622'), 'C', 'x'); \echo :LAST_ERROR_SQLSTATE
SELECT correct_result('2025-12-31', pg_temp.uscc(2, '411622'), 'A', 'x'); \echo :LAST_ERROR_SQLSTATE
SELECT as_of, version, final_classes, overridden, finished_at IS NOT NULL AS finished
  FROM correct_result('2025-12-31', pg_temp.uscc(1, '411622'), 'D', '行政处罚决定书（西市监罚〔2025〕12号）认定虚假登记');
SELECT as_of, version, corrected_version, uscc, previous_class, new_class, reason, session_user_name = session_user AS by_me
  FROM classification_correction;
SELECT r.version, r.uscc, r.score_class, r.final_class, r.overrides, r.override_details -> 'correction' ->> 'previous_class' AS was
  FROM classification_result r WHERE r.as_of = '2025-12-31' ORDER BY r.version, r.uscc::text COLLATE "C";
SELECT version, uscc, general_class, professional_class, fused_class FROM classification_domain_result
 WHERE as_of = '2025-12-31' ORDER BY version, uscc::text COLLATE "C";
SELECT uscc, final_class FROM classification_current ORDER BY uscc::text COLLATE "C";
SELECT seq, as_of, version FROM classification_seal ORDER BY seq;
SELECT count(*) AS corrections_in_change_log FROM change_log WHERE seq > :mark AND table_name <> 'creditrisk.classification_seal';
UPDATE classification_correction SET reason = 'nothing'; \echo :LAST_ERROR_SQLSTATE
-- the only problem is still the row inserted in section 3
SELECT run, version, seal_seq, table_name, row_key, problem FROM verify_history(all_problems => true);

-- Leave a fresh extension behind.
DROP TABLE public.cls_points;
SET client_min_messages = warning;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
