-- Integrity of stored SQL and of published models (issue 11 §1, §2).  Every
-- case here was reproduced on 1.3: definitions and rules that escaped their
-- wrapper, SQL run with the runner's rights, hand-published and refilled
-- models, hand-set revisions, a flipped builtin flag.
\set SHOW_CONTEXT never
-- A fresh extension, left fresh at the end (published models stay forever).
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
\i sql/include/units.psql
SET search_path = creditrisk, public;
-- (BYPASSRLS: the tables are closed by row-level security until roles are enrolled;
-- stored SQL runs with its author's rights, policies included)
CREATE ROLE regress_intega_author BYPASSRLS;
CREATE ROLE regress_intega_other;
CREATE SCHEMA regress_intega AUTHORIZATION regress_intega_author;
GRANT USAGE ON SCHEMA creditrisk TO regress_intega_author, regress_intega_other;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA creditrisk TO regress_intega_author, regress_intega_other;
GRANT SELECT ON ALL TABLES IN SCHEMA creditrisk TO regress_intega_author, regress_intega_other;
GRANT INSERT, UPDATE, DELETE ON indicator, override_rule, model, model_dimension, model_group, model_indicator,
      model_bin, model_category, model_floor, model_floor_condition TO regress_intega_author, regress_intega_other;
GRANT USAGE ON SEQUENCE model_revision_seq TO regress_intega_author, regress_intega_other;

-- 1. Shape, by parsing: a definition is one expression, a rule one SELECT.
SET ROLE regress_intega_author;
INSERT INTO indicator (code, name, definition_sql) VALUES ('i_escape', 'x', '1)::float8 FROM (SELECT 1) x --');
INSERT INTO indicator (code, name, definition_sql) VALUES ('i_from', 'x', '1 FROM creditrisk.enterprise');
INSERT INTO indicator (code, name, definition_sql) VALUES ('i_list', 'x', '1, 2');
INSERT INTO indicator (code, name, definition_sql) VALUES ('i_two', 'x', '1; SELECT 2');
INSERT INTO indicator (code, name, definition_sql) VALUES ('i_alias', 'x', '1 AS one');
INSERT INTO indicator (code, name, definition_sql) VALUES ('i_comment', 'x', 'e.registered_capital /* open');
INSERT INTO indicator (code, name, definition_sql) VALUES ('i_where', 'x', '1 WHERE true');
INSERT INTO indicator (code, name, definition_sql) VALUES ('i_column', 'x', 'no_such_column');
-- a trailing line comment stays inside its own line: accepted
INSERT INTO indicator (code, name, definition_sql) VALUES ('i_ok', 'x', 'e.registered_capital -- capital');
INSERT INTO override_rule (code, name, rule_sql) VALUES ('r_two', 'x',
    $$SELECT uscc, 'D' AS class FROM creditrisk.enterprise; DELETE FROM creditrisk.enterprise$$);
INSERT INTO override_rule (code, name, rule_sql) VALUES ('r_delete', 'x',
    $$DELETE FROM creditrisk.enterprise RETURNING uscc, 'D' AS class$$);
INSERT INTO override_rule (code, name, rule_sql) VALUES ('r_with', 'x',
    $$WITH d AS (DELETE FROM creditrisk.penalty RETURNING uscc) SELECT uscc, 'D' AS class FROM d$$);
INSERT INTO override_rule (code, name, rule_sql) VALUES ('r_into', 'x',
    $$SELECT uscc, 'D' AS class INTO regress_intega.t FROM creditrisk.enterprise$$);
INSERT INTO override_rule (code, name, rule_sql) VALUES ('r_lock', 'x',
    $$SELECT uscc, 'D' AS class FROM creditrisk.enterprise FOR UPDATE$$);
INSERT INTO override_rule (code, name, rule_sql) VALUES ('r_escape', 'x',
    $$SELECT uscc, 'D' AS class FROM creditrisk.enterprise) q, (SELECT 1$$);
INSERT INTO override_rule (code, name, rule_sql) VALUES ('r_values', 'x', $$VALUES ('x', 'D')$$);
INSERT INTO override_rule (code, name, rule_sql) VALUES ('r_ok', 'x',
    $$SELECT e.uscc, 'C' AS class FROM creditrisk.enterprise e WHERE e.established_date <= $1 -- all$$);
RESET ROLE;
SELECT code, owner FROM indicator WHERE code LIKE 'i\_%' ORDER BY code;
SELECT code, owner FROM override_rule WHERE code LIKE 'r\_%' ORDER BY code;

-- 2. The author is recorded and cannot be forged; a new text is its writer's.
SET ROLE regress_intega_other;
INSERT INTO override_rule (code, name, rule_sql, owner)
VALUES ('r_forged', 'x', $$SELECT e.uscc, 'D' AS class FROM creditrisk.enterprise e$$, 'regress_intega_author');
UPDATE override_rule SET owner = 'regress_intega_other' WHERE code = 'r_ok';
UPDATE override_rule SET enabled = false WHERE code = 'r_ok';
SELECT code, enabled, owner FROM override_rule WHERE code = 'r_ok';
UPDATE override_rule SET rule_sql = rule_sql || ' ' WHERE code = 'r_ok';
SELECT code, owner FROM override_rule WHERE code = 'r_ok';
RESET ROLE;
UPDATE override_rule SET owner = 'regress_intega_author', enabled = true WHERE code = 'r_ok';

-- 3. Trust: a role runs only SQL it wrote, SQL of a role whose privileges
-- it has, or shipped SQL; stored SQL runs as its author.
SET ROLE regress_intega_other;
SELECT count(*) FROM override_rule_matches('r_ok', '2026-06-30');
SELECT override_rule_run_as('serious_dishonesty') = current_user::regrole AS shipped_runs_as_caller;
RESET ROLE;
GRANT regress_intega_author TO regress_intega_other;
SET ROLE regress_intega_other;
SELECT override_rule_run_as('r_ok');
SELECT count(*) FROM override_rule_matches('r_ok', '2026-06-30');
RESET ROLE;
REVOKE regress_intega_author FROM regress_intega_other;
-- the rule runs as its author, even for a superuser
SET ROLE regress_intega_author;
CREATE FUNCTION regress_intega.who() RETURNS text LANGUAGE sql AS $$ SELECT current_user::text $$;
CREATE FUNCTION regress_intega.escalate() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('role', 'none', false);
    RETURN current_user::text;
END $$;
CREATE FUNCTION regress_intega.set_guc() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('work_mem', '1234kB', false);
    RETURN 'D';
END $$;
INSERT INTO creditrisk.override_rule (code, name, rule_sql) VALUES
    ('r_who', 'x', $$SELECT '91411622MA40000A13' AS uscc, 'D' AS class, regress_intega.who() AS runs_as$$),
    ('r_escalate', 'x', $$SELECT '91411622MA40000A13' AS uscc, 'D' AS class, regress_intega.escalate() AS runs_as$$),
    ('r_guc', 'x', $$SELECT '91411622MA40000A13' AS uscc, regress_intega.set_guc() AS class$$);
RESET ROLE;
SELECT uscc, class, detail FROM override_rule_matches('r_who', '2026-06-30');
SELECT uscc, class, detail FROM override_rule_matches('r_escalate', '2026-06-30');
SET work_mem = '4MB';
SELECT uscc, class FROM override_rule_matches('r_guc', '2026-06-30');
SHOW work_mem;
-- SQL of unknown author (stored before 1.4, or disowned) is not run
UPDATE override_rule SET owner = NULL WHERE code = 'r_who';
SELECT count(*) FROM override_rule_matches('r_who', '2026-06-30');
-- the monthly run refuses it before anything runs
SELECT count(*) FROM refresh_classification('2026-06-30', 'reference-v1');
SELECT count(*) AS runs FROM classification_run;
DELETE FROM override_rule WHERE code LIKE 'r\_%';

-- compute_indicators: a definition runs as its author
\set tiny `cat test/fixtures/tiny-model.json`
SET ROLE regress_intega_author;
SELECT model_import(:'tiny'::jsonb, 'regress-intega');
UPDATE indicator SET definition_sql = $$(SELECT length(regress_intega.who()))$$ WHERE code = 'tiny_capital';
UPDATE indicator SET definition_sql = '0' WHERE code IN ('tiny_licence', 'tiny_refused', 'tiny_complaints');
RESET ROLE;
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
VALUES ('91411622MA40000A13', '西华县示例食品有限公司', '411622', 'C1391', 3, '2015-03-02', 'u');
SELECT indicators[1] AS author_name_length, length('regress_intega_author') AS expected
  FROM compute_indicators('regress-intega', '2026-06-30');
SET ROLE regress_intega_other;
SELECT count(*) FROM compute_indicators('regress-intega', '2026-06-30');
RESET ROLE;

-- 4. Only model_publish() publishes: a hand-made published row is refused.
SET ROLE regress_intega_author;
INSERT INTO model (model_key, status, published_at, seal)
VALUES ('forged', 'published', '2020-01-01', '{"model_dimension": 1, "model_group": 1, "model_indicator": 3}');
-- publishing through an UPDATE validates, seals and dates it now
SELECT model_copy('reference-v1', 'regress-backdated');
UPDATE model SET status = 'published', published_at = '2020-01-01' WHERE model_key = 'regress-backdated';
SELECT published_at <> '2020-01-01' AS dated_now, seal ? 'sha256' AS sealed_with_digest
  FROM model WHERE model_key = 'regress-backdated';
RESET ROLE;

-- 5. Revisions come from the sequence only: a hand-set revision would let a
-- backend score a published model with a compiled draft it cached.
SELECT model_copy('reference-v1', 'regress-revision');
SELECT revision AS r1 FROM model WHERE model_key = 'regress-revision' \gset
SELECT round(score_draft('regress-revision', array_fill(NULL::float8, ARRAY[81]))::numeric, 6) AS draft_score;
UPDATE model_indicator SET missing_points = 100 WHERE model_key = 'regress-revision';
SELECT model_publish('regress-revision');
UPDATE model SET revision = :r1 WHERE model_key = 'regress-revision';
SELECT round(score('regress-revision', array_fill(NULL::float8, ARRAY[81]))::numeric, 6) AS published_score;

-- 6. The seal covers the content: a published model refilled after a
-- partial restore (simulated: its bins deleted with triggers off) is refused.
SELECT model_copy('reference-v1', 'regress-refill');
SELECT model_publish('regress-refill');
ALTER TABLE model_bin DISABLE TRIGGER USER;
CREATE TEMP TABLE saved_bins AS SELECT * FROM model_bin WHERE model_key = 'regress-refill';
DELETE FROM model_bin WHERE model_key = 'regress-refill';
ALTER TABLE model_bin ENABLE TRIGGER USER;
SELECT score('regress-refill', array_fill(NULL::float8, ARRAY[81])) AS incomplete;
INSERT INTO model_bin SELECT model_key, indicator_code, lower, upper, 0, label FROM saved_bins;
SELECT score('regress-refill', array_fill(0::float8, ARRAY[81])) AS refilled;
SELECT score('reference-v1', array_fill(0::float8, ARRAY[81])) > 0 AS reference_still_scores;

-- 7. builtin (computed in C) and shipped (installed with the extension) are
-- separate, and a model administrator can flip neither.
SET ROLE regress_intega_author;
UPDATE indicator SET builtin = true WHERE code = 'i_ok';
UPDATE indicator SET shipped = true WHERE code = 'i_ok';
INSERT INTO indicator (code, name, shipped) VALUES ('i_shipped', 'x', true);
UPDATE indicator SET builtin = false WHERE code = 'registered_capital';
DELETE FROM indicator WHERE code = 'registered_capital';
RESET ROLE;
SELECT count(*) FILTER (WHERE builtin) AS builtin, count(*) FILTER (WHERE shipped) AS shipped,
       count(*) FILTER (WHERE builtin AND NOT shipped) AS builtin_not_shipped
  FROM indicator;

SET client_min_messages = warning;
DROP SCHEMA regress_intega CASCADE;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
DROP OWNED BY regress_intega_author, regress_intega_other;
DROP ROLE regress_intega_author, regress_intega_other;
