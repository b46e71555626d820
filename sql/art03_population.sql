-- Art. 3 (第三条): the population classified is the enterprises and their
-- branches registered in Henan.  Individual businesses (个体工商户, USCC 92),
-- farmers' cooperatives (农民专业合作社, USCC 93) and units registered
-- elsewhere are outside it unless a bureau opts them in.
-- A fresh extension, so that this file neither sees nor leaves other files' data.
\i sql/include/classification_setup.psql

CREATE FUNCTION pg_temp.unit(n integer, name text, authority_type text, division text) RETURNS creditrisk.uscc
LANGUAGE sql AS $$
    INSERT INTO creditrisk.enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
    SELECT (b || c)::creditrisk.uscc, name, division, 'F5211', 3, '2015-01-01', 'test'
      FROM (SELECT authority_type || division || 'MA' || lpad(n::text, 7, '0') AS b) x,
           unnest(string_to_array('0123456789ABCDEFGHJKLMNPQRTUWXY', NULL)) c
     WHERE creditrisk.uscc_is_valid(b || c) LIMIT 1
    RETURNING uscc $$;
SELECT pg_temp.unit(1, '01 企业 西华', '91', '411622'), pg_temp.unit(2, '02 分公司 郑州', '91', '410102'),
       pg_temp.unit(3, '03 个体 西华', '92', '411622'), pg_temp.unit(4, '04 个体 郑州', '92', '410102'),
       pg_temp.unit(5, '05 合作社 西华', '93', '411622'), pg_temp.unit(6, '06 企业 武汉', '91', '420102'),
       pg_temp.unit(7, '07 事业单位 西华', '12', '411622') \gset
INSERT INTO public.cls_points SELECT uscc, d, 10 FROM enterprise, unnest('{2025-06-30,2025-12-31}'::date[]) d;

-- By default: the Henan enterprises and branches only.
SELECT enterprises FROM refresh_classification('2025-06-30');
SELECT e.name, uscc_entity_type(e.uscc) AS type, e.division_code,
       in_scope(e.uscc, e.division_code, '2025-06-30') AS in_scope,
       EXISTS (SELECT 1 FROM classification_result r WHERE r.uscc = e.uscc AND r.as_of = '2025-06-30') AS classified
  FROM enterprise e ORDER BY e.uscc;

-- Xihua county opts its individual businesses in from July; the province
-- opts one unit registered in Wuhan in (e.g. it operates mainly in Henan).
INSERT INTO population_opt_in (division_code, kind, effective_from, note)
VALUES ('411622', 'individual_business', '2025-07-01', '西华县：个体工商户纳入分类');
INSERT INTO population_opt_in (division_code, uscc, effective_from, note)
SELECT '410000', uscc, '2025-07-01', '省局：纳入' FROM enterprise WHERE name = '06 企业 武汉';
SELECT enterprises FROM refresh_classification('2025-12-31');
SELECT e.name, r6.uscc IS NOT NULL AS june, r12.uscc IS NOT NULL AS december
  FROM enterprise e
  LEFT JOIN classification_result r6 ON r6.uscc = e.uscc AND r6.as_of = '2025-06-30'
  LEFT JOIN classification_result r12 ON r12.uscc = e.uscc AND r12.as_of = '2025-12-31'
 ORDER BY e.uscc;

-- An opt-in names a kind or a unit, not both, nor neither.
\set VERBOSITY terse
INSERT INTO population_opt_in (division_code, effective_from) VALUES ('411622', '2025-01-01'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO population_opt_in (division_code, kind, effective_from) VALUES ('411622', 'enterprise', '2025-01-01'); \echo :LAST_ERROR_SQLSTATE
INSERT INTO population_opt_in (division_code, kind, effective_from) VALUES ('411622', 'farmers_cooperative', 'infinity'); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default

-- Leave a fresh extension behind.
DROP TABLE public.cls_points;
SET client_min_messages = warning;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
