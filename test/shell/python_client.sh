#!/usr/bin/env bash
# The Python example of doc/clients.md runs as documented (psycopg2 and
# pandas, as an enrolled analyst): riskclass[] and uscc[] arrive as lists
# once registered, classes sort A < B < C < D in a DataFrame.  Skipped when
# python3-psycopg2 or python3-pandas is absent.
# Output: TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."

# Debian's python3-psycopg2 and python3-pandas are for Debian's interpreter
py=
for p in python3 /usr/bin/python3; do
    if command -v $p >/dev/null 2>&1 && $p -c 'import psycopg2, pandas' >/dev/null 2>&1; then py=$p; break; fi
done
if [ -z "$py" ]; then
    echo "1..0 # SKIP python3-psycopg2 or python3-pandas is not installed (tools/install-deps installs them)"
    exit 0
fi
db=creditrisk_python
example=$(mktemp --suffix=.py)
trap 'rm -f "$example"; dropdb --if-exists $db >/dev/null 2>&1; psql -X -q -d postgres -c "DROP ROLE IF EXISTS regress_py_analyst" >/dev/null 2>&1' EXIT
. test/shell/lib/tap.bash

echo "1..4"
dropdb --if-exists $db >/dev/null 2>&1
createdb $db
PGOPTIONS="-c search_path=creditrisk,public" psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null 2>&1 <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION creditrisk;
\set n 300
\set as_of 2026-10-31
\i sample/generate.sql
SET client_min_messages = warning;
SELECT creditrisk.refresh_classification('2026-10-31');
SELECT creditrisk.create_roles();
DROP ROLE IF EXISTS regress_py_analyst;
CREATE ROLE regress_py_analyst LOGIN PASSWORD 'creditrisk-test';
SELECT creditrisk.enrol('regress_py_analyst', 'analyst', '410000');
SQL
# the documented block, exactly
sed -n '/^```python$/,/^```$/p' doc/clients.md | sed '1d;$d' > "$example"
check "doc/clients.md holds one Python example" "$( [ -s "$example" ] && echo yes)" "yes"
out=$(PGDATABASE=$db PGUSER=regress_py_analyst PGPASSWORD=creditrisk-test $py "$example" 2>&1)
status=$?
check "the example runs as the analyst (its own assertions hold)" "$status" "0"
[ "$status" -eq 0 ] || echo "$out" | sed 's/^/# /' | head -20
expected=$(q $db "SELECT string_agg(c || ' ' || n, ',' ORDER BY c) FROM (SELECT final_class::text AS c, count(*) AS n FROM creditrisk.classification_current GROUP BY 1) x")
got=$(echo "$out" | grep -E '^[ABCD] +[0-9]+$' | awk '{print $1 " " $2}' | grep -v ' 0$' | paste -sd, -)
check "the DataFrame counts the classes in the order A, B, C, D, as SQL does" "$got" "$expected"
cd_sql=$(q $db "SELECT count(*) || ' of ' || (SELECT count(*) FROM creditrisk.classification_current) FROM creditrisk.classification_current WHERE final_class::text >= 'C'")
check "C or D compares as classes in pandas" "$(echo "$out" | grep -o 'C or D: .*' | sed 's/C or D: //')" "$cd_sql"
