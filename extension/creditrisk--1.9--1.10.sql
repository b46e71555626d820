-- creditrisk 1.9 -> 1.10 (hand-written; frozen once released)
--
-- One section per concern, each under its own marker.  Each section turns a
-- 1.9 catalog into 1.10 for its concern; the install sources (extension/*.sql)
-- hold the current definitions, and sql/upgrade.sql proves that the chain
-- 1.0 -> ... -> 1.10 gives the same catalog as a fresh install.

\echo Use "ALTER EXTENSION creditrisk UPDATE TO '1.10'" to load this file. \quit

-- ===========================================================================
-- JIT off for the monthly run and the SQL definitions (issue 16)
-- ===========================================================================
-- The run compiled nothing worth its cost: 3.9 s of JIT (inlining,
-- optimisation) in a province admin's run at 1M.  (The engine turns JIT
-- off itself while it plans the SQL definitions: C, no catalog change.)
ALTER FUNCTION creditrisk.refresh_classification(date, text, timestamptz) SET jit = off;
