-- Privilege baseline: nothing in public, PUBLIC gets nothing, a fresh role
-- without grants can use nothing and read nothing.
BEGIN;
SELECT plan(10);

SELECT is_empty($$
    SELECT pg_describe_object(d.classid, d.objid, d.objsubid)
      FROM pg_depend d
      JOIN pg_extension e ON e.oid = d.refobjid AND d.refclassid = 'pg_extension'::regclass
     WHERE e.extname = 'creditrisk'
       AND pg_describe_object(d.classid, d.objid, d.objsubid) !~ 'creditrisk\.'
       -- (event triggers belong to no schema; its function is creditrisk.guard_views())
       AND pg_describe_object(d.classid, d.objid, d.objsubid) <> 'event trigger creditrisk_guard_views'
$$, 'every member object of the extension lives in schema creditrisk');

SELECT is_empty($$
    SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
    UNION ALL SELECT t.oid::regtype::text FROM pg_type t WHERE t.typnamespace = 'public'::regnamespace
    UNION ALL SELECT c.oid::regclass::text FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
    UNION ALL SELECT o.oid::regoperator::text FROM pg_operator o WHERE o.oprnamespace = 'public'::regnamespace
$$, 'CREATE EXTENSION creditrisk puts nothing in public');

SELECT is((SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'creditrisk'),
          'creditrisk', 'the extension is installed in schema creditrisk');

SELECT is_empty($$
    SELECT nspname FROM pg_namespace n, aclexplode(n.nspacl) a
     WHERE n.nspname = 'creditrisk' AND a.grantee = 0
$$, 'PUBLIC holds no privilege on schema creditrisk');

SELECT is_empty($$
    SELECT p.oid::regprocedure FROM pg_proc p
     WHERE p.pronamespace = 'creditrisk'::regnamespace
       AND has_function_privilege('public', p.oid, 'EXECUTE')
$$, 'PUBLIC may execute no creditrisk function');

SELECT is_empty($$
    SELECT t.oid::regtype FROM pg_type t
     WHERE t.typnamespace = 'creditrisk'::regnamespace
       AND t.typtype IN ('b', 'd', 'e', 'r') AND has_type_privilege('public', t.oid, 'USAGE')
       -- (arrays of table row types follow the table, which PUBLIC cannot read)
       AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.oid = t.typelem AND e.typrelid <> 0)
$$, 'PUBLIC may use no creditrisk type');

-- A fresh login role, member of nothing.
CREATE ROLE regress_creditrisk_nobody LOGIN;
-- (only so that it can run the pgTAP assertions below)
GRANT USAGE ON SCHEMA tap TO regress_creditrisk_nobody;

SELECT ok(NOT has_schema_privilege('regress_creditrisk_nobody', 'creditrisk', 'USAGE'),
          'a fresh role has no USAGE on schema creditrisk');

SELECT is_empty($$
    SELECT c.oid::regclass FROM pg_class c
     WHERE c.relnamespace = 'creditrisk'::regnamespace
       AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
       AND (has_table_privilege('regress_creditrisk_nobody', c.oid, 'SELECT')
            OR has_any_column_privilege('regress_creditrisk_nobody', c.oid, 'SELECT'))
$$, 'a fresh role can read no creditrisk table, view or materialized view');

SET ROLE regress_creditrisk_nobody;
SELECT throws_ok($$ SELECT creditrisk.classify(100) $$, '42501',
                 'permission denied for schema creditrisk',
                 'a fresh role cannot call creditrisk functions');
SELECT throws_ok($$ SELECT 'A'::creditrisk.riskclass $$, '42501',
                 'permission denied for schema creditrisk',
                 'a fresh role cannot use creditrisk types');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
