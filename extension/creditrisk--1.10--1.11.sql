-- creditrisk 1.10 -> 1.11 (hand-written; frozen once released)
--
-- One section per concern, each under its own marker.  Each section turns a
-- 1.10 catalog into 1.11 for its concern; the install sources (extension/*.sql)
-- hold the current definitions, and sql/upgrade.sql proves that the chain
-- 1.0 -> ... -> 1.11 gives the same catalog as a fresh install.

\echo Use "ALTER EXTENSION creditrisk UPDATE TO '1.11'" to load this file. \quit
