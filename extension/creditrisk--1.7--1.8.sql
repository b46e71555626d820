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
