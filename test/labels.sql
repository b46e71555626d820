-- Function labels, checked from the catalog: volatility, strictness,
-- parallel safety, leakproofness, pinned search_path.
BEGIN;
SELECT plan(42);
SET LOCAL search_path = creditrisk, tap, public;

-- Every function of the extension, with its catalog labels.
CREATE TEMP VIEW ext_funcs AS
SELECT p.oid::regprocedure AS func, p.proname, p.prolang, p.provolatile, p.proisstrict,
       p.proparallel, p.proleakproof, p.prosecdef, p.proconfig, p.prokind, p.procost,
       p.prosqlbody IS NOT NULL AS bound_body
  FROM pg_proc p
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                  AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'creditrisk';

-- The user-facing functions of the foundation: IMMUTABLE STRICT PARALLEL SAFE.
SELECT volatility_is('creditrisk', f, a, 'immutable', format('%s is IMMUTABLE', f))
  FROM (VALUES ('classify', ARRAY['double precision']),
               ('classify', ARRAY['double precision', 'double precision[]']),
               ('class_label', ARRAY['riskclass']),
               ('uscc_region', ARRAY['uscc']),
               ('uscc_entity_type', ARRAY['uscc']),
               ('uscc_is_valid', ARRAY['text'])) v(f, a);
-- min_spot_check_ratio() reads the supervision measures in force (1.4): STABLE.
SELECT volatility_is('creditrisk', 'min_spot_check_ratio', ARRAY['riskclass', 'division_code', 'date'], 'stable',
                     'min_spot_check_ratio reads the measures in force: STABLE');
SELECT is_strict('creditrisk', f, a, format('%s is STRICT', f))
  FROM (VALUES ('classify', ARRAY['double precision']),
               ('classify', ARRAY['double precision', 'double precision[]']),
               ('min_spot_check_ratio', ARRAY['riskclass', 'division_code', 'date']),
               ('class_label', ARRAY['riskclass']),
               ('uscc_region', ARRAY['uscc']),
               ('uscc_entity_type', ARRAY['uscc']),
               ('uscc_is_valid', ARRAY['text'])) v(f, a);

SELECT is_empty($$
    SELECT func FROM ext_funcs
     WHERE proname IN ('classify', 'min_spot_check_ratio', 'class_label',
                       'uscc_region', 'uscc_entity_type', 'uscc_is_valid')
       AND proparallel <> 's'
$$, 'the foundation functions are PARALLEL SAFE');

-- Type support: every I/O, comparison and hash function is IMMUTABLE STRICT PARALLEL SAFE.
SELECT is_empty($$
    SELECT func FROM ext_funcs
     WHERE proname ~ '^(riskclass|uscc)_(in|out|recv|send|eq|ne|lt|le|gt|ge|cmp|hash|hash_extended|sortsupport|smaller|larger)$'
       AND (provolatile <> 'i' OR NOT proisstrict OR proparallel <> 's')
$$, 'type support functions are IMMUTABLE STRICT PARALLEL SAFE');

-- Comparison and hash support cannot fail, so they are LEAKPROOF (usable
-- under row-level security and security-barrier views) ...
SELECT is(count(*)::int, 20, 'the 20 comparison, hash and sort support functions are LEAKPROOF')
  FROM ext_funcs
 WHERE proname ~ '^(riskclass|uscc)_(eq|ne|lt|le|gt|ge|cmp|hash|hash_extended|sortsupport)$'
   AND proleakproof;
-- ... and nothing that can raise an error is.
SELECT is_empty($$
    SELECT func FROM ext_funcs
     WHERE proleakproof
       AND proname IN ('classify', 'riskclass_in', 'riskclass_recv', 'uscc_in', 'uscc_recv',
                       'min_spot_check_ratio', 'class_label')
$$, 'functions that can raise errors are not LEAKPROOF');

-- The scorers: score() is IMMUTABLE (it accepts only frozen models),
-- score_draft() and the explanations STABLE; all STRICT PARALLEL SAFE.
SELECT volatility_is('creditrisk', 'score', a, 'immutable', format('score(%s) is IMMUTABLE', a[2]))
  FROM (VALUES (ARRAY['text', 'double precision[]']), (ARRAY['text', 'jsonb'])) v(a);
SELECT volatility_is('creditrisk', 'score_draft', a, 'stable', format('score_draft(%s) is STABLE', a[2]))
  FROM (VALUES (ARRAY['text', 'double precision[]']), (ARRAY['text', 'jsonb'])) v(a);
SELECT is_empty($$
    SELECT func FROM ext_funcs
     WHERE proname IN ('score', 'score_draft', 'score_explain', 'score_reasons')
       AND (NOT proisstrict OR proparallel <> 's' OR procost < 50)
$$, 'scorers are STRICT PARALLEL SAFE with a realistic cost');
SELECT is_empty($$
    SELECT func FROM ext_funcs
     WHERE proname IN ('score_explain', 'score_reasons', 'model_validate', 'model_export',
                       'model_to_sql', 'model_indicators')
       AND (provolatile <> 's' OR proparallel <> 's')
$$, 'model readers are STABLE PARALLEL SAFE');
SELECT is_empty($$
    SELECT func FROM ext_funcs
     WHERE proname IN ('model_import', 'model_publish', 'model_retire', 'model_copy')
       AND (provolatile <> 'v' OR proparallel <> 'u')
$$, 'model writers are VOLATILE and PARALLEL UNSAFE');
SELECT is((SELECT prorows FROM pg_proc WHERE oid = 'score_explain(text, jsonb)'::regprocedure),
          85::real, 'score_explain estimates one row per reference indicator plus floors');
-- SECURITY DEFINER functions: since 1.6 the current views read the history
-- (no materialized view to refresh), so refresh_current_views() is a no-op
-- kept for compatibility and runs with its caller's rights; the
-- history's guard and the seal of a finished run (trigger functions) and its
-- verification must see the seals and every row of the history whatever the
-- caller's rights (all pin search_path, checked below); the check of a
-- reporting unit's active period (a trigger, 1.6) counts the unit's records
-- in every jurisdiction, through reporting_unit_stray_records() since 1.7
-- (the trigger itself runs with the caller's rights, so that the record it
-- names is one the caller may read).
SELECT set_eq($$ SELECT proname::text FROM ext_funcs WHERE prosecdef $$,
              ARRAY['history_guard', 'seal_finished_run', 'verify_history', 'reporting_unit_stray_records'],
              'the SECURITY DEFINER functions are the history''s guard and seal (triggers), its verification and the count of a reporting unit''s records outside its period (for the period check)');
SELECT is((SELECT proconfig FROM ext_funcs WHERE NOT prosecdef AND proname = 'refresh_current_views'),
          ARRAY['search_path=pg_catalog, pg_temp'],
          'refresh_current_views() (a no-op since 1.6) runs with its caller''s rights and pins search_path to pg_catalog, then pg_temp');
-- JIT off where one call plans statements JIT would compile at a loss
-- (1.10): the monthly run (3.9 s of compiling in a province admin's run at
-- 1M) and one enterprise's indicators (13 of 15 s of an explanation); the
-- seal (1.11: with sequential and index scans off, a query with no other path
-- is costed above jit_above_cost, 0.2 s of compiling).
SELECT set_eq($$ SELECT proname::text FROM ext_funcs WHERE 'jit=off' = ANY (proconfig) $$,
              ARRAY['refresh_classification', 'compute_enterprise_indicators', 'seal_run'],
              'the monthly run, one enterprise''s indicators and the seal run with JIT off');
SELECT is_empty($$
    SELECT c.oid::regclass FROM pg_class c
     WHERE c.relnamespace = 'creditrisk'::regnamespace AND c.relkind = 'r'
       AND c.oid NOT IN (SELECT unnest(extconfig) FROM pg_extension WHERE extname = 'creditrisk')
$$, 'every table is registered with pg_extension_config_dump (user data survives pg_dump)');
SELECT is_empty($$
    SELECT format('%s.%s', t.tgrelid::regclass, t.tgname) FROM pg_trigger t
     WHERE t.tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'creditrisk'::regnamespace)
       AND t.tgenabled <> 'O'
$$, 'the freezing triggers are enabled');
SELECT is(count(*)::int, 0, 'every user-facing function has a comment')
  FROM ext_funcs WHERE obj_description(func, 'pg_proc') IS NULL;
SELECT is(count(*)::int, 0, 'every table and column has a comment or is self-explaining key')
  FROM pg_class c WHERE c.relnamespace = 'creditrisk'::regnamespace AND c.relkind IN ('r', 'v', 'm')
   AND obj_description(c.oid, 'pg_class') IS NULL;

-- Operators carry the planner support the type needs.
SELECT ok(oprcanhash AND oprcanmerge, format('%s can hash and merge', oid::regoperator))
  FROM pg_operator
 WHERE oprnamespace = 'creditrisk'::regnamespace AND oprname = '='
 ORDER BY oid::regoperator::text;
SELECT is(count(*)::int, 4, 'riskclass and uscc each have default btree and hash operator classes')
  FROM pg_opclass
 WHERE opcnamespace = 'creditrisk'::regnamespace AND opcdefault
   AND opcmethod IN (SELECT oid FROM pg_am WHERE amname IN ('btree', 'hash'));
SELECT is(count(*)::int, 2, 'both hash operator families have an extended hash function (support 2)')
  FROM pg_amproc ap JOIN pg_opfamily f ON f.oid = ap.amprocfamily
 WHERE f.opfnamespace = 'creditrisk'::regnamespace AND ap.amprocnum = 2
   AND f.opfmethod = (SELECT oid FROM pg_am WHERE amname = 'hash');

-- Aggregates can run in parallel.
SELECT is_empty($$
    SELECT a.aggfnoid::regprocedure FROM pg_aggregate a JOIN ext_funcs f ON f.func = a.aggfnoid
     WHERE a.aggcombinefn = 0 OR f.proparallel <> 's'
$$, 'every aggregate has a combine function and is PARALLEL SAFE');

-- Every function written in SQL or PL/pgSQL pins its search_path, unless
-- its body is SQL-standard (BEGIN ATOMIC: names bound when it was created,
-- which lets the planner inline it); so does every SECURITY DEFINER function.
SELECT is_empty($$
    SELECT func FROM ext_funcs
     WHERE prolang IN (SELECT oid FROM pg_language WHERE lanname IN ('sql', 'plpgsql'))
       AND NOT coalesce(proconfig::text ~ 'search_path=', false) AND NOT bound_body
$$, 'every SQL and PL/pgSQL function pins search_path or has a body bound at creation');
SELECT set_eq($$ SELECT proname::text FROM ext_funcs WHERE bound_body AND proname !~ '_as_known$' $$,
              ARRAY['is_current', 'in_population', 'register_at', 'in_scope', 'in_division',
                    'record_end', 'record_ends', 'repair_end', 'listing_term_end', 'repair_rule_set_on'],
              'the date, population and division predicates, the tables as known at a time (<table>_as_known, register_at) and the ends of listings and publicity (record_end and its parts, called per listing row) have bodies bound at creation');
SELECT is_empty($$
    SELECT func FROM ext_funcs
     WHERE prosecdef AND NOT coalesce(proconfig::text ~ 'search_path=', false)
$$, 'every SECURITY DEFINER function pins search_path');

-- Realistic costs: no C function of the extension keeps an unset default
-- of 1 where it does real work (array parsing, numeric construction).
SELECT cmp_ok((SELECT procost FROM pg_proc WHERE oid = 'classify(double precision, double precision[])'::regprocedure),
              '>', 1::real, 'classify with cut-offs costs more than a comparison');

SELECT * FROM finish();
ROLLBACK;
