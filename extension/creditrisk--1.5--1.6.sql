-- creditrisk 1.5 -> 1.6 (hand-written; frozen once released)
--
-- One section per concern, each under its own marker.  Each section turns a
-- 1.5 catalog into 1.6 for its concern; the install sources (extension/*.sql)
-- hold the current definitions, and sql/upgrade.sql proves that the chain
-- 1.0 -> ... -> 1.6 gives the same catalog as a fresh install.

\echo Use "ALTER EXTENSION creditrisk UPDATE TO '1.6'" to load this file. \quit

-- ===========================================================================
-- Current classification without materialized views (issues 12, 16)
-- ===========================================================================

-- ===========================================================================
-- Spot-check draws at scale (issue 13)
-- ===========================================================================

-- ===========================================================================
-- Record kinds in the engine, revocations, units of repair and commitments (issue 14)
-- ===========================================================================

-- ===========================================================================
-- Calibration and model performance (issue 15)
-- ===========================================================================

-- ===========================================================================
-- Memory budget and chunked computation (issue 16)
-- ===========================================================================
