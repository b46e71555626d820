-- The upgrade chain: install the oldest version, update step by step to
-- the newest, and find the same catalog as a fresh install of the newest,
-- with user data kept.
SELECT version FROM pg_available_extension_versions WHERE name = 'creditrisk'
 ORDER BY string_to_array(version, '.')::int[];
SELECT source, target, path FROM pg_extension_update_paths('creditrisk')
 WHERE path IS NOT NULL
 ORDER BY string_to_array(source, '.')::int[], string_to_array(target, '.')::int[];

-- A snapshot of what the extension defines, comparable across installs
-- (dynamic SQL, so that it does not depend on the extension it inspects).
CREATE FUNCTION pg_temp.creditrisk_catalog() RETURNS TABLE (kind text, object text, detail text)
LANGUAGE plpgsql AS $fn$
BEGIN
RETURN QUERY EXECUTE $q$
SELECT 'member'::text AS kind, pg_describe_object(classid, objid, objsubid) AS object, ''::text AS detail
  FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'creditrisk')
UNION ALL
SELECT 'function', p.oid::regprocedure::text,
       concat_ws(' ', p.provolatile, p.proisstrict, p.proparallel, p.proleakproof, p.prosecdef,
                 p.procost, p.prorows, p.proconfig::text, md5(p.prosrc), md5(pg_get_function_sqlbody(p.oid)),
                 p.prorettype::regtype::text,
                 obj_description(p.oid, 'pg_proc'))
  FROM pg_proc p WHERE p.pronamespace = 'creditrisk'::regnamespace
UNION ALL
SELECT 'column', format('%s.%s', a.attrelid::regclass, a.attname),
       concat_ws(' ', format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
                 col_description(a.attrelid, a.attnum))
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE c.relnamespace = 'creditrisk'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'constraint', format('%s %s', conrelid::regclass, conname), pg_get_constraintdef(oid)
  FROM pg_constraint WHERE connamespace = 'creditrisk'::regnamespace
UNION ALL
SELECT 'index', indexrelid::regclass::text, pg_get_indexdef(indexrelid)
  FROM pg_index WHERE indrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'creditrisk'::regnamespace)
UNION ALL
SELECT 'trigger', format('%s %s', tgrelid::regclass, tgname), pg_get_triggerdef(oid)
  FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'creditrisk'::regnamespace)
UNION ALL
SELECT 'comment', pg_describe_object(classoid, objoid, objsubid), description
  FROM pg_description
 WHERE (classoid, objoid) IN (SELECT classid, objid FROM pg_depend
                               WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
                                 AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'creditrisk'))
UNION ALL
SELECT 'relation', c.oid::regclass::text,
       concat_ws(' ', c.relkind, c.relrowsecurity, c.relforcerowsecurity, c.reloptions::text)
  FROM pg_class c WHERE c.relnamespace = 'creditrisk'::regnamespace
UNION ALL
SELECT 'acl', c.oid::regclass::text, coalesce(c.relacl::text, 'default')
  FROM pg_class c WHERE c.relnamespace = 'creditrisk'::regnamespace
UNION ALL
SELECT 'config_dump', c.relname, x.cond
  FROM pg_extension e, unnest(e.extconfig, e.extcondition) x(reloid, cond)
  JOIN pg_class c ON c.oid = x.reloid
 WHERE e.extname = 'creditrisk'
UNION ALL
SELECT 'model', m.model_key, concat_ws(' ', m.status, md5((creditrisk.model_export(m.model_key) - 'status')::text))
  FROM creditrisk.model m
$q$;
END
$fn$;

-- 1. The newest version, installed fresh
DROP EXTENSION creditrisk;
CREATE EXTENSION creditrisk;
SELECT extversion FROM pg_extension WHERE extname = 'creditrisk';
CREATE TEMP TABLE fresh AS SELECT * FROM pg_temp.creditrisk_catalog();

-- 2. The oldest version, with user data, then the whole chain
DROP EXTENSION creditrisk;
CREATE EXTENSION creditrisk VERSION '1.0';
SELECT extversion FROM pg_extension WHERE extname = 'creditrisk';
CREATE TABLE upgrade_user_data (code creditrisk.uscc PRIMARY KEY, class creditrisk.riskclass);
INSERT INTO upgrade_user_data VALUES ('91411622MA9XXXXX04', 'C'), ('91350100M000100Y43', 'A');
ALTER EXTENSION creditrisk UPDATE TO '1.1';
SELECT extversion FROM pg_extension WHERE extname = 'creditrisk';
ALTER EXTENSION creditrisk UPDATE TO '1.2';
SELECT extversion FROM pg_extension WHERE extname = 'creditrisk';
ALTER EXTENSION creditrisk UPDATE TO '1.3';
SELECT extversion FROM pg_extension WHERE extname = 'creditrisk';
ALTER EXTENSION creditrisk UPDATE TO '1.4';
SELECT extversion FROM pg_extension WHERE extname = 'creditrisk';
ALTER EXTENSION creditrisk UPDATE TO '1.5';
SELECT extversion FROM pg_extension WHERE extname = 'creditrisk';
ALTER EXTENSION creditrisk UPDATE TO '1.6';
SELECT extversion FROM pg_extension WHERE extname = 'creditrisk';
ALTER EXTENSION creditrisk UPDATE TO '1.7';
SELECT extversion FROM pg_extension WHERE extname = 'creditrisk';
ALTER EXTENSION creditrisk UPDATE TO '1.8';
SELECT extversion FROM pg_extension WHERE extname = 'creditrisk';
ALTER EXTENSION creditrisk UPDATE TO '1.9';
SELECT extversion FROM pg_extension WHERE extname = 'creditrisk';
ALTER EXTENSION creditrisk UPDATE TO '1.10';
SELECT extversion FROM pg_extension WHERE extname = 'creditrisk';
ALTER EXTENSION creditrisk UPDATE TO '1.11';
SELECT extversion FROM pg_extension WHERE extname = 'creditrisk';
ALTER EXTENSION creditrisk UPDATE TO '1.12';
SELECT extversion FROM pg_extension WHERE extname = 'creditrisk';
CREATE TEMP TABLE upgraded AS SELECT * FROM pg_temp.creditrisk_catalog();

-- the same catalog either way
SELECT 'only in fresh' AS where_, * FROM (SELECT * FROM fresh EXCEPT SELECT * FROM upgraded) a
UNION ALL
SELECT 'only in upgraded', * FROM (SELECT * FROM upgraded EXCEPT SELECT * FROM fresh) b
ORDER BY 1, 2, 3;
-- (every kind is present; the counts change with every feature, so only their presence is shown)
SELECT kind, count(*) > 0 AS present FROM fresh GROUP BY kind ORDER BY kind;

-- user data kept, and usable with the new functions
SELECT code, class, creditrisk.class_label(class) FROM upgrade_user_data ORDER BY code;
SELECT creditrisk.score('reference-v1', array_fill(NULL::float8, ARRAY[(SELECT count(*)::int FROM creditrisk.model_indicators('reference-v1'))])) > 0 AS scores_after_upgrade;
DROP TABLE upgrade_user_data;

-- 3. Versions without a full script of their own (1.1 and on) install through
-- the chain from the 1.0 base, and update from there to the same catalog.
DROP EXTENSION creditrisk;
CREATE EXTENSION creditrisk VERSION '1.2';
SELECT extversion FROM pg_extension WHERE extname = 'creditrisk';
ALTER EXTENSION creditrisk UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'creditrisk';
SELECT 'only in fresh' AS where_, * FROM (SELECT * FROM fresh EXCEPT SELECT * FROM pg_temp.creditrisk_catalog()) a
UNION ALL
SELECT 'only via 1.2', * FROM (SELECT * FROM pg_temp.creditrisk_catalog() EXCEPT SELECT * FROM fresh) b
ORDER BY 1, 2, 3;
