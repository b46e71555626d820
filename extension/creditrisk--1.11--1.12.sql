-- creditrisk 1.11 -> 1.12 (hand-written; frozen once released)
--
-- One section per concern, each under its own marker.  Each section turns a
-- 1.11 catalog into 1.12 for its concern; the install sources (extension/*.sql)
-- hold the current definitions, and sql/upgrade.sql proves that the chain
-- 1.0 -> ... -> 1.12 gives the same catalog as a fresh install.

\echo Use "ALTER EXTENSION creditrisk UPDATE TO '1.12'" to load this file. \quit
