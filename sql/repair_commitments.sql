-- Credit commitments (信用承诺, issue 14): kinds, signing and publication,
-- term, fulfilment or breach, and their errors; a breach is a record the C
-- engine reads (commitment_breaches_3y), used here by a draft model, with C
-- and the SQL definition agreeing, as known now and before the breach was
-- recorded.
-- A fresh extension, so that this file neither sees nor leaves other files' data.
\i sql/include/classification_setup.psql

SELECT count(pg_temp.ent(n, format('%s 承诺', lpad(n::text, 2, '0')))) AS enterprises FROM generate_series(1, 3) n;
-- 01 an application commitment, fulfilled; 02 an industry self-discipline
-- commitment with a term; 03 a repair commitment, later breached.
INSERT INTO credit_commitment (uscc, kind, signed_date, published_date, term_end, reported_by) VALUES
    (pg_temp.uscc(1, '411622'), 'application', '2023-03-01', '2023-03-02', NULL, '西华县行政审批服务局'),
    (pg_temp.uscc(2, '411622'), 'industry_self_discipline', '2025-01-10', '2025-01-15', '2026-01-10', '西华县市场监督管理局'),
    (pg_temp.uscc(3, '411622'), 'repair', '2023-01-05', '2023-01-06', NULL, '西华县市场监督管理局');
UPDATE credit_commitment SET fulfilled_date = '2023-09-01' WHERE uscc = pg_temp.uscc(1, '411622');
SELECT clock_timestamp() AS t_before_breach \gset
UPDATE credit_commitment SET breached_date = '2023-06-30', breach_detail = '承诺期内再次发生同类违法行为'
 WHERE uscc = pg_temp.uscc(3, '411622');
SELECT right(uscc::text, 4) AS uscc, kind, signed_date, published_date, term_end, fulfilled_date, breached_date, breach_detail
  FROM credit_commitment ORDER BY uscc;
SELECT right(uscc::text, 4) AS uscc, breached_date FROM credit_commitment_history ORDER BY uscc, recorded_at;

-- Refused, nothing changed: fulfilled and breached, a breach without what
-- was breached, published before signing, a term ending before it starts,
-- an unknown kind, a date in the future or not a date.
\set VERBOSITY terse
UPDATE credit_commitment SET breached_date = '2023-10-01', breach_detail = 'x' WHERE uscc = pg_temp.uscc(1, '411622'); \echo :LAST_ERROR_SQLSTATE
UPDATE credit_commitment SET breached_date = '2025-10-01' WHERE uscc = pg_temp.uscc(2, '411622'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO credit_commitment (uscc, kind, signed_date, published_date, reported_by)
VALUES (pg_temp.uscc(2, '411622'), 'repair', '2025-03-01', '2025-02-28', 'x'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO credit_commitment (uscc, kind, signed_date, term_end, reported_by)
VALUES (pg_temp.uscc(2, '411622'), 'repair', '2025-03-01', '2025-03-01', 'x'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO credit_commitment (uscc, kind, signed_date, reported_by)
VALUES (pg_temp.uscc(2, '411622'), 'promise', '2025-03-01', 'x'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO credit_commitment (uscc, kind, signed_date, reported_by)
VALUES (pg_temp.uscc(2, '411622'), 'repair', current_date + 1, 'x'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO credit_commitment (uscc, kind, signed_date, reported_by)
VALUES (pg_temp.uscc(2, '411622'), 'repair', '-infinity', 'x'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO credit_commitment (uscc, kind, signed_date, reported_by)
VALUES ('91411622MA9XXXXX04', 'repair', '2025-03-01', 'x'); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT count(*) AS commitments FROM credit_commitment;

-- The catalogue entry: built in (C), shipped, not in reference-v1.
SELECT code, name, name_en, unit, builtin, shipped,
       code IN (SELECT code FROM model_indicators('reference-v1')) AS in_reference_v1
  FROM indicator WHERE code = 'commitment_breaches_3y';
-- A draft model of the bureau that uses it: 0 breaches 0 points, 1 or more 100.
SELECT model_import(jsonb_build_object('format', 'creditrisk-model/1', 'key', 'commitments-draft', 'status', 'draft',
    'description', 'breaches of credit commitments (test)',
    'dimensions', jsonb_build_array(jsonb_build_object('code', 'K', 'name', '信用承诺', 'weight', 1,
      'groups', jsonb_build_array(jsonb_build_object('code', 'KG', 'name', '违诺', 'weight', 1,
        'indicators', (SELECT jsonb_build_array(jsonb_build_object('code', i.code, 'name', i.name, 'name_en', i.name_en,
          'unit', i.unit, 'definition', i.definition, 'source', i.source, 'weight', 1,
          'rule', jsonb_build_object('kind', 'bins', 'missing', 0,
            'bins', jsonb_build_array(jsonb_build_object('lower', NULL, 'upper', 1, 'points', 0),
                                      jsonb_build_object('lower', 1, 'upper', NULL, 'points', 100)))))
          FROM indicator i WHERE i.code = 'commitment_breaches_3y')))))));
-- The window (D - 3 years, D]: the breach of 2023-06-30 counts on 2023-06-30
-- and on 2026-06-29, not on 2023-06-29 nor on 2026-06-30; as known before it
-- was recorded, it does not count.
CREATE FUNCTION pg_temp.run_sql(q text, d date, t timestamptz) RETURNS TABLE (uscc creditrisk.uscc, indicators float8[])
LANGUAGE plpgsql AS $$ BEGIN RETURN QUERY EXECUTE q USING d, t; END $$;
SELECT d, t IS NULL AS now, right(c.uscc::text, 4) AS uscc, c.indicators, score_draft('commitments-draft', c.indicators) AS score
  FROM unnest('{2023-06-29,2023-06-30,2026-06-29,2026-06-30}'::date[]) d,
       (VALUES (:'t_before_breach'::timestamptz), (NULL)) v(t),
       compute_indicators('commitments-draft', d, t) c
 WHERE c.uscc = pg_temp.uscc(3, '411622')
 ORDER BY 1, 2, 3;
SELECT t IS NULL AS now, d,
       (SELECT count(*) FROM ((SELECT * FROM compute_indicators('commitments-draft', d, t)
                               EXCEPT ALL SELECT * FROM pg_temp.run_sql(indicators_to_sql('commitments-draft'), d, t))
                              UNION ALL
                              (SELECT * FROM pg_temp.run_sql(indicators_to_sql('commitments-draft'), d, t)
                               EXCEPT ALL SELECT * FROM compute_indicators('commitments-draft', d, t))) x) AS c_sql_differences
  FROM (VALUES (:'t_before_breach'::timestamptz), (NULL)) v(t), unnest('{2023-06-30,2026-06-30}'::date[]) d
 ORDER BY 1, 2;

DROP TABLE public.cls_points;
SET client_min_messages = warning;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
