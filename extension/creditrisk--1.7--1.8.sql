-- creditrisk 1.7 -> 1.8 (hand-written; frozen once released)
--
-- One section per concern, each under its own marker.  Each section turns a
-- 1.7 catalog into 1.8 for its concern; the install sources (extension/*.sql)
-- hold the current definitions, and sql/upgrade.sql proves that the chain
-- 1.0 -> ... -> 1.8 gives the same catalog as a fresh install.

\echo Use "ALTER EXTENSION creditrisk UPDATE TO '1.8'" to load this file. \quit

-- ====================================================================
-- Both cores for the indicator engine (issue 16)
-- ====================================================================
-- Nothing in the catalog: the parallel workers (src/parallel.c) and the
-- setting creditrisk.parallel_workers live in the library, which the update
-- replaces; compute_indicators() and score_population() keep their
-- definitions and labels (PARALLEL RESTRICTED).

-- ===========================================================================
-- Row-level security cost (issue 12)
-- ===========================================================================
-- The jurisdiction's cache (src/scope.c) keeps the role's attributes too and
-- is reset through syscache callbacks: no SQL change.  shared_ranges() is
-- PL/pgSQL, its query planned once per session.
CREATE OR REPLACE FUNCTION creditrisk.shared_ranges(for_aggregates boolean)
RETURNS TABLE (division_from text, division_to text, fields text[])
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE ROWS 10 SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    -- PL/pgSQL, not SQL (1.8, issue 12): its query is planned once per
    -- session and kept (a SQL function that cannot be inlined, as one with
    -- SET search_path cannot, plans its body again in every query that
    -- calls it: about half of a partner's count of one county)
    RETURN QUERY
    WITH a AS (
        SELECT d AS lo, creditrisk.division_upper(d) AS hi, s.fields
          FROM creditrisk.sharing_agreement s, unnest(s.divisions) d
         WHERE s.partner = current_user AND s.valid_until >= current_date
           AND (shared_ranges.for_aggregates OR NOT s.aggregates_only)
    ), i AS (
        SELECT p.x AS lo, lead(p.x) OVER (ORDER BY p.x) AS hi
          FROM (SELECT a.lo FROM a UNION SELECT a.hi FROM a) p(x)
    )
    SELECT i.lo, i.hi,
           (SELECT array_agg(DISTINCT f ORDER BY f) FROM a, unnest(a.fields) f WHERE a.lo <= i.lo AND a.hi >= i.hi)
      FROM i
     WHERE i.hi IS NOT NULL AND EXISTS (SELECT 1 FROM a WHERE a.lo <= i.lo AND a.hi >= i.hi);
END
$$;
COMMENT ON FUNCTION creditrisk.shared_ranges(boolean) IS
    'The division ranges [division_from, division_to) the current role''s unexpired sharing agreements (共享协议) cover, disjoint, each with the union of the fields granted on it; with for_aggregates, aggregates-only agreements count too';

-- ===========================================================================
-- Explanations checked on 10,000 enterprises; suite time (issue 15)
-- ===========================================================================
-- No SQL change: test/shell/explain_run.sh, tools/run-tests and the Makefile's
-- test targets only.
