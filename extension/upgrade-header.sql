-- creditrisk upgrade script (assembled at build time; see Makefile)
\echo Use "ALTER EXTENSION creditrisk UPDATE TO '@TO@'" to load this file. \quit
