-- COPY under row-level security (doc/SECURITY.md, A7): COPY of a table or a
-- query shows a county analyst its own rows; COPY FROM is refused under
-- row-level security.  (test/attacks.sql holds the rest of the attack suite;
-- pgTAP cannot see what COPY ... TO STDOUT prints.)
\set SHOW_CONTEXT never
BEGIN;
\o /dev/null
\i test/fixtures/jurisdictions.sql
SELECT creditrisk.create_roles();
CREATE ROLE regress_cr_copy_analyst;
CREATE ROLE regress_cr_copy_admin;
SELECT creditrisk.enrol('regress_cr_copy_analyst', 'analyst', '411622'),
       creditrisk.enrol('regress_cr_copy_admin', 'admin', '411622');
\o
SET ROLE regress_cr_copy_analyst;
COPY creditrisk.enterprise (uscc, division_code, name) TO STDOUT;
COPY creditrisk.penalty (uscc, decision_number) TO STDOUT;
COPY (SELECT as_of, uscc, division_code, final_class FROM creditrisk.classification_result ORDER BY as_of, uscc) TO STDOUT;
COPY (SELECT uscc, final_class, overrides FROM creditrisk.classification_current ORDER BY uscc) TO STDOUT;
SAVEPOINT s;
COPY creditrisk.penalty (uscc, decision_number, decision_date, severity, reported_by) FROM STDIN;
91410102MA40000E16	copied	2026-01-01	minor	x
\.
ROLLBACK TO SAVEPOINT s;
RESET ROLE;
SET ROLE regress_cr_copy_admin;
SAVEPOINT s;
COPY creditrisk.penalty (uscc, decision_number, decision_date, severity, reported_by) FROM STDIN;
91410102MA40000E16	copied	2026-01-01	minor	x
\.
ROLLBACK TO SAVEPOINT s;
RESET ROLE;
ROLLBACK;
