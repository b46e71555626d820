-- creditrisk 1.8 -> 1.9 (hand-written; frozen once released)
--
-- One section per concern, each under its own marker.  Each section turns a
-- 1.8 catalog into 1.9 for its concern; the install sources (extension/*.sql)
-- hold the current definitions, and sql/upgrade.sql proves that the chain
-- 1.0 -> ... -> 1.9 gives the same catalog as a fresh install.

\echo Use "ALTER EXTENSION creditrisk UPDATE TO '1.9'" to load this file. \quit
