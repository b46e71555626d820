-- Search-path capture and prepared-schema attacks on CREATE EXTENSION and
-- ALTER EXTENSION ... UPDATE, in the style of contrib/seg's security test.
\set SHOW_CONTEXT never
DROP EXTENSION creditrisk;
DROP SCHEMA creditrisk;
CREATE ROLE regress_creditrisk_hostile;
SELECT current_database() AS datname \gset
GRANT CREATE ON DATABASE :"datname" TO regress_creditrisk_hostile;

-- 1. A non-superuser prepares schema creditrisk with a trap in it.
SET ROLE regress_creditrisk_hostile;
CREATE SCHEMA creditrisk;
CREATE FUNCTION creditrisk.classify(score double precision) RETURNS text
    AS $$ SELECT 'hijacked'::text $$ LANGUAGE sql;
RESET ROLE;
CREATE EXTENSION creditrisk; \echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'creditrisk';

-- 2. Even empty, a schema owned by a non-superuser is refused: its owner
-- could drop or replace the extension's objects later.
SET ROLE regress_creditrisk_hostile;
DROP FUNCTION creditrisk.classify(double precision);
RESET ROLE;
CREATE EXTENSION creditrisk; \echo :LAST_ERROR_SQLSTATE

-- 3. A superuser-owned schema that already holds objects is refused too.
ALTER SCHEMA creditrisk OWNER TO CURRENT_USER;
CREATE FUNCTION creditrisk.classify(score double precision) RETURNS text
    AS $$ SELECT 'planted'::text $$ LANGUAGE sql;
CREATE EXTENSION creditrisk; \echo :LAST_ERROR_SQLSTATE
DROP SCHEMA creditrisk CASCADE;

-- 4. Hostile objects earlier on the search path, shadowing pg_catalog's
-- operators and functions, fire on any unqualified reference.
SET ROLE regress_creditrisk_hostile;
CREATE SCHEMA regress_hostile;
CREATE FUNCTION regress_hostile.trap_oid_eq(oid, oid) RETURNS boolean
    AS $$ BEGIN RAISE EXCEPTION 'hijacked: oid = oid called by %', current_user; END $$ LANGUAGE plpgsql;
CREATE OPERATOR regress_hostile.= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = regress_hostile.trap_oid_eq);
CREATE FUNCTION regress_hostile.trap_name_eq(name, name) RETURNS boolean
    AS $$ BEGIN RAISE EXCEPTION 'hijacked: name = name called by %', current_user; END $$ LANGUAGE plpgsql;
CREATE OPERATOR regress_hostile.= (LEFTARG = name, RIGHTARG = name, FUNCTION = regress_hostile.trap_name_eq);
CREATE FUNCTION regress_hostile.trap_oid_regclass(oid, regclass) RETURNS boolean
    AS $$ BEGIN RAISE EXCEPTION 'hijacked: oid = regclass called by %', current_user; END $$ LANGUAGE plpgsql;
CREATE OPERATOR regress_hostile.= (LEFTARG = oid, RIGHTARG = regclass, FUNCTION = regress_hostile.trap_oid_regclass);
CREATE FUNCTION regress_hostile.trap_text_eq(text, text) RETURNS boolean
    AS $$ BEGIN RAISE EXCEPTION 'hijacked: text = text called by %', current_user; END $$ LANGUAGE plpgsql;
CREATE OPERATOR regress_hostile.= (LEFTARG = text, RIGHTARG = text, FUNCTION = regress_hostile.trap_text_eq);
CREATE FUNCTION regress_hostile.trap_date_le(date, date) RETURNS boolean
    AS $$ BEGIN RAISE EXCEPTION 'hijacked: date <= date called by %', current_user; END $$ LANGUAGE plpgsql;
CREATE OPERATOR regress_hostile.<= (LEFTARG = date, RIGHTARG = date, FUNCTION = regress_hostile.trap_date_le);
RESET ROLE;

SET search_path = regress_hostile, public, pg_catalog;
-- the trap is armed for ordinary queries in this session ...
SELECT 1 FROM pg_class WHERE oid = 'pg_class'::regclass::oid; \echo :LAST_ERROR_SQLSTATE
-- ... but not for the extension scripts, which qualify every name.
CREATE EXTENSION creditrisk VERSION '1.0';
ALTER EXTENSION creditrisk UPDATE;
SELECT e.extversion OPERATOR(pg_catalog.=) a.default_version AS at_latest
  FROM pg_catalog.pg_extension e, pg_catalog.pg_available_extensions a
 WHERE e.extname OPERATOR(pg_catalog.=) 'creditrisk' AND a.name OPERATOR(pg_catalog.=) 'creditrisk';
SELECT creditrisk.classify(600), creditrisk.min_spot_check_ratio('d');
-- ... nor for the scorer's and the model functions' own queries
SELECT creditrisk.score('reference-v1', '{}'::jsonb) > 0 AS scored,
       (SELECT count(*) FROM creditrisk.model_validate('reference-v1')) AS problems,
       (SELECT count(*) > 0 FROM creditrisk.score_explain('reference-v1', '{}'::jsonb)) AS explained;
-- ... nor for the indicator engine and the monthly run, whose SQL (the
-- catalogue's definitions, the override rules) compares text with text
\i sql/include/units.psql
INSERT INTO creditrisk.enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
VALUES ('91411622MA40000A13', '西华县示例食品有限公司', '411622', 'C1391', 3, '2015-03-02', 'u');
INSERT INTO creditrisk.complaint (uscc, received_date, kind, reported_by)
VALUES ('91411622MA40000A13', '2026-03-01', 'complaint', 'u');
INSERT INTO creditrisk.judgment_debtor_listing (uscc, listed_date, reported_by)
VALUES ('91411622MA40000A13', '2026-01-05', 'u');
SELECT creditrisk.model_import('{"format": "creditrisk-model/1", "key": "sec-v1", "dimensions": [
  {"code": "D1", "name": "测试", "weight": 1, "groups": [{"code": "D1G1", "name": "测试", "weight": 1, "indicators": [
    {"code": "sec_complaints", "name": "投诉", "weight": 1,
     "definition_sql": "(SELECT count(*) FROM creditrisk.complaint c WHERE c.uscc = e.uscc AND c.kind = ''complaint'')",
     "rule": {"kind": "boolean", "true": 100, "false": 0, "missing": 20}}]}]}], "floors": []}');
SELECT indicators FROM creditrisk.compute_indicators('sec-v1', '2026-06-30');
SELECT pg_catalog.cardinality(indicators) AS n FROM creditrisk.compute_indicators('reference-v1', '2026-06-30');
SELECT pg_catalog.length(creditrisk.indicators_to_sql('reference-v1')) OPERATOR(pg_catalog.>) 0 AS assembled;
-- ... nor for the date predicates, bound when they were created and
-- inlined into the caller's query with their own operators
SELECT creditrisk.is_current('2026-01-05', NULL, '2026-06-30') AS current_listing,
       creditrisk.in_population('2015-03-02', 'cancelled', '2026-07-01', '2026-06-30') AS in_population;
SELECT count(*) FROM creditrisk.judgment_debtor_listing l
 WHERE creditrisk.is_current(l.listed_date, l.removed_date, '2026-06-30');
SELECT count(*) FROM creditrisk.enterprise e
 WHERE creditrisk.in_population(e.established_date, e.status, e.status_date, '2026-06-30');
SET client_min_messages = warning;
SELECT enterprises, overridden FROM creditrisk.refresh_classification('2026-06-30');
RESET client_min_messages;
-- (the run stays: the history is append-only, doc/AUDIT.md)
DELETE FROM creditrisk.model WHERE model_key OPERATOR(pg_catalog.=) 'sec-v1';
DELETE FROM creditrisk.indicator WHERE code OPERATOR(pg_catalog.=) 'sec_complaints';
DELETE FROM creditrisk.complaint;
DELETE FROM creditrisk.judgment_debtor_listing;
DELETE FROM creditrisk.enterprise;
SELECT 'abc'::text = 'abc'::text; \echo :LAST_ERROR_SQLSTATE
SELECT '2026-01-01'::date <= '2026-02-01'::date; \echo :LAST_ERROR_SQLSTATE
RESET search_path;

-- 5. The hostile role can neither use nor extend the schema.
SET ROLE regress_creditrisk_hostile;
CREATE FUNCTION creditrisk.trap() RETURNS int AS 'SELECT 1' LANGUAGE sql; \echo :LAST_ERROR_SQLSTATE
SELECT creditrisk.classify(100); \echo :LAST_ERROR_SQLSTATE
CREATE TABLE regress_hostile.t (rc creditrisk.riskclass); \echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- Clean up, leaving the extension installed at its default version.
DROP SCHEMA regress_hostile CASCADE;
REVOKE CREATE ON DATABASE :"datname" FROM regress_creditrisk_hostile;
DROP ROLE regress_creditrisk_hostile;
