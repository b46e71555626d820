-- Models as data: publish validation (one case per kind of problem),
-- frozen published models, copies, export/import round trip.
\set SHOW_CONTEXT never
SET search_path = creditrisk, public;
\set tiny `cat test/fixtures/tiny-model.json`
SELECT model_import(:'tiny'::jsonb, 'life-v1');
SELECT status FROM model WHERE model_key = 'life-v1';
SELECT count(*) AS problems FROM model_validate('life-v1');

-- One broken copy per kind of problem: model_validate() names each, with
-- the object it concerns, and publishing reports them all.
CREATE FUNCTION pg_temp.broken(suffix text, fix text) RETURNS TABLE (object text, problem text)
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM creditrisk.model_copy('life-v1', 'broken-' || suffix);
  EXECUTE replace(fix, '$key', quote_literal('broken-' || suffix));
  RETURN QUERY SELECT * FROM creditrisk.model_validate('broken-' || suffix);
END $$;
SELECT 'level-1 weights'   AS kind, * FROM pg_temp.broken('w1', 'UPDATE creditrisk.model_dimension SET weight = 0.5 WHERE model_key = $key AND code = ''D1''');
SELECT 'level-2 weights'   AS kind, * FROM pg_temp.broken('w2', 'UPDATE creditrisk.model_group SET weight = 0.25 WHERE model_key = $key AND code = ''D2G1''');
SELECT 'level-3 weights'   AS kind, * FROM pg_temp.broken('w3', 'UPDATE creditrisk.model_indicator SET weight = 0.7 WHERE model_key = $key AND code = ''tiny_capital''');
SELECT 'gap'               AS kind, * FROM pg_temp.broken('gap', 'UPDATE creditrisk.model_bin SET lower = 20 WHERE model_key = $key AND indicator_code = ''tiny_capital'' AND lower = 10');
SELECT 'overlap'           AS kind, * FROM pg_temp.broken('overlap', 'UPDATE creditrisk.model_bin SET lower = 5 WHERE model_key = $key AND indicator_code = ''tiny_capital'' AND lower = 10');
SELECT 'no -infinity'      AS kind, * FROM pg_temp.broken('lo', 'UPDATE creditrisk.model_bin SET lower = 0 WHERE model_key = $key AND indicator_code = ''tiny_complaints'' AND lower IS NULL');
SELECT 'no +infinity'      AS kind, * FROM pg_temp.broken('hi', 'UPDATE creditrisk.model_bin SET upper = 1000 WHERE model_key = $key AND indicator_code = ''tiny_complaints'' AND upper IS NULL');
SELECT 'empty bin'         AS kind, * FROM pg_temp.broken('empty', 'UPDATE creditrisk.model_bin SET upper = 10 WHERE model_key = $key AND indicator_code = ''tiny_capital'' AND lower = 10');
SELECT 'no bins'           AS kind, * FROM pg_temp.broken('nobins', 'DELETE FROM creditrisk.model_bin WHERE model_key = $key AND indicator_code = ''tiny_complaints''');
SELECT 'no default'        AS kind, * FROM pg_temp.broken('nodefault', 'UPDATE creditrisk.model_indicator SET default_points = NULL WHERE model_key = $key AND code = ''tiny_licence''');
SELECT 'no categories'     AS kind, * FROM pg_temp.broken('nocats', 'DELETE FROM creditrisk.model_category WHERE model_key = $key');
SELECT 'boolean points'    AS kind, * FROM pg_temp.broken('bool', 'UPDATE creditrisk.model_indicator SET true_points = NULL WHERE model_key = $key AND code = ''tiny_refused''');
SELECT 'wrong rule parts'  AS kind, * FROM pg_temp.broken('mixed', 'UPDATE creditrisk.model_indicator SET rule = ''boolean'', true_points = 1, false_points = 0 WHERE model_key = $key AND code = ''tiny_capital''');
SELECT 'floor'             AS kind, * FROM pg_temp.broken('floor', 'DELETE FROM creditrisk.model_floor_condition WHERE model_key = $key AND floor_code = ''tiny_floor_revoked''');
SELECT 'empty group'       AS kind, * FROM pg_temp.broken('emptygroup', 'DELETE FROM creditrisk.model_indicator WHERE model_key = $key AND group_code = ''D2G2''');
SELECT 'positions'         AS kind, * FROM pg_temp.broken('pos', 'UPDATE creditrisk.model_indicator SET position = 9 WHERE model_key = $key AND code = ''tiny_complaints''');
SELECT 'empty model'       AS kind, * FROM pg_temp.broken('empty-model', 'DELETE FROM creditrisk.model_dimension WHERE model_key = $key');

-- Publishing reports every problem and changes nothing
SELECT model_publish('broken-w3'); \echo :LAST_ERROR_SQLSTATE
UPDATE model_indicator SET weight = 0.1 WHERE model_key = 'broken-w3' AND code = 'tiny_licence';
SELECT model_publish('broken-w3'); \echo :LAST_ERROR_SQLSTATE
SELECT status FROM model WHERE model_key = 'broken-w3';
-- Rows that are wrong on their own are refused at once by constraints
INSERT INTO model_bin VALUES ('broken-w3', 'tiny_capital', 1000, NULL, 101, ''); \echo :LAST_ERROR_SQLSTATE
UPDATE model_dimension SET weight = 0 WHERE model_key = 'broken-w3'; \echo :LAST_ERROR_SQLSTATE
INSERT INTO model_floor_condition VALUES ('broken-w3', 'tiny_floor_revoked', 2, 'tiny_licence', '==', 1); \echo :LAST_ERROR_SQLSTATE
INSERT INTO model_floor_condition VALUES ('broken-w3', 'tiny_floor_revoked', 2, 'no_such_indicator', '=', 1); \echo :LAST_ERROR_SQLSTATE
INSERT INTO model_indicator (model_key, group_code, code, weight, position, rule, missing_points)
VALUES ('broken-w3', 'D1G1', 'not_in_catalogue', 0.1, 5, 'bins', 0); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
INSERT INTO model (model_key) VALUES ('Bad Key'); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
INSERT INTO model (model_key, status) VALUES ('born-published', 'published'); \echo :LAST_ERROR_SQLSTATE
SELECT model_publish('no-such-model'); \echo :LAST_ERROR_SQLSTATE

-- A published model is frozen: no change, no deletion, clear errors
SELECT model_publish('life-v1');
UPDATE model_bin SET points = 1 WHERE model_key = 'life-v1' AND indicator_code = 'tiny_capital' AND lower IS NULL; \echo :LAST_ERROR_SQLSTATE
DELETE FROM model_category WHERE model_key = 'life-v1'; \echo :LAST_ERROR_SQLSTATE
INSERT INTO model_category VALUES ('life-v1', 'tiny_licence', 9, 10, 'new'); \echo :LAST_ERROR_SQLSTATE
UPDATE model_dimension SET name = 'renamed' WHERE model_key = 'life-v1' AND code = 'D1'; \echo :LAST_ERROR_SQLSTATE
UPDATE model SET description = 'changed' WHERE model_key = 'life-v1'; \echo :LAST_ERROR_SQLSTATE
UPDATE model SET status = 'draft' WHERE model_key = 'life-v1'; \echo :LAST_ERROR_SQLSTATE
DELETE FROM model WHERE model_key = 'life-v1'; \echo :LAST_ERROR_SQLSTATE
TRUNCATE model_bin; \echo :LAST_ERROR_SQLSTATE
TRUNCATE model CASCADE; \echo :LAST_ERROR_SQLSTATE
UPDATE indicator SET definition = 'redefined' WHERE code = 'tiny_capital'; \echo :LAST_ERROR_SQLSTATE
DELETE FROM indicator WHERE code = 'tiny_capital'; \echo :LAST_ERROR_SQLSTATE
SELECT model_retire('broken-w1'); \echo :LAST_ERROR_SQLSTATE
-- nothing changed
SELECT count(*) AS bins, sum(points) AS points FROM model_bin WHERE model_key = 'life-v1';
-- a retired model stays frozen and cannot come back
SELECT model_retire('life-v1');
UPDATE model SET status = 'published', retired_at = NULL WHERE model_key = 'life-v1'; \echo :LAST_ERROR_SQLSTATE
-- drafts can be deleted
DELETE FROM model WHERE model_key LIKE 'broken-%';
SELECT count(*) AS drafts_left FROM model WHERE status = 'draft';

-- A new version starts as a copy
SELECT model_copy('life-v1', 'life-v2');
SELECT model_copy('life-v1', 'life-v2'); \echo :LAST_ERROR_SQLSTATE
SELECT model_copy('nope', 'life-v3'); \echo :LAST_ERROR_SQLSTATE
SELECT model_key, status, based_on FROM model WHERE model_key LIKE 'life-%' ORDER BY 1;

-- Export / import round trip: every parameter, exactly (weights that are
-- not short decimals included)
UPDATE model_dimension SET weight = 1.0 / 3 WHERE model_key = 'life-v2' AND code = 'D1';
UPDATE model_dimension SET weight = 2.0 / 3 WHERE model_key = 'life-v2' AND code = 'D2';
UPDATE model_bin SET lower = 0.1 + 0.2 WHERE model_key = 'life-v2' AND indicator_code = 'tiny_complaints' AND lower = 1;
UPDATE model_bin SET upper = 0.1 + 0.2 WHERE model_key = 'life-v2' AND indicator_code = 'tiny_complaints' AND upper = 1;
SELECT model_publish('life-v2');
SELECT model_import(model_export('life-v2'), 'life-v2-copy');
SELECT (model_export('life-v2') - 'key') = (model_export('life-v2-copy') - 'key') AS identical_documents;
SELECT status FROM model WHERE model_key = 'life-v2-copy';
SELECT d.weight = 1.0 / 3 AS third_exact, b.lower = 0.1 + 0.2 AS bin_edge_exact
  FROM model_dimension d, model_bin b
 WHERE d.model_key = 'life-v2-copy' AND d.code = 'D1'
   AND b.model_key = 'life-v2-copy' AND b.indicator_code = 'tiny_complaints' AND b.upper IS NOT NULL AND b.lower IS NOT NULL;
SELECT count(*) AS vectors,
       count(*) FILTER (WHERE score('life-v2', v) = score('life-v2-copy', v)) AS same_scores
  FROM (SELECT ARRAY[c, l, r, k]::float8[] AS v
          FROM unnest('{NULL,0,10,100}'::float8[]) c, unnest('{NULL,1,3,4}'::float8[]) l,
               unnest('{NULL,0,1}'::float8[]) r, unnest('{NULL,0,0.3,0.30000000000000004,1,5}'::float8[]) k) s;
-- the document itself
SELECT jsonb_pretty(model_export('life-v1') #> '{dimensions,0,groups,0,indicators,1}');
SELECT jsonb_pretty(model_export('life-v1') -> 'floors');

-- Import errors
SELECT model_import(model_export('life-v1')); \echo :LAST_ERROR_SQLSTATE
SELECT model_import('{"key": "x"}'); \echo :LAST_ERROR_SQLSTATE
SELECT model_import('{"format": "creditrisk-model/1"}'); \echo :LAST_ERROR_SQLSTATE
SELECT model_import(jsonb_set(model_export('life-v1'), '{dimensions,0,groups,0,indicators,0,unit}', '"CNY"'), 'life-x'); \echo :LAST_ERROR_SQLSTATE
SELECT model_import(jsonb_set(model_export('life-v1'), '{dimensions,0,weight}', '0.7'), 'life-y'); \echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS half_imported FROM model WHERE model_key IN ('life-x', 'life-y');
SELECT model_export('nope'); \echo :LAST_ERROR_SQLSTATE
