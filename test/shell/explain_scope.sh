#!/usr/bin/env bash
# explain_enterprise() for an enterprise of the caller's county whose related
# parties lie in another jurisdiction (issue 15; doc/SECURITY.md, "Explaining
# an enterprise whose related parties lie outside the jurisdiction").
# As a county analyst (SET ROLE, the documented grants only): the indicators
# show what the county sees; the share of the stored score that comes from the
# out-of-scope parties is one line (outside_jurisdiction), their number and
# one sum of points, so the explanation adds up to the stored score; nothing
# in the output names them (no USCC, no name, no record).  As the province
# analyst (who sees both ends) there is no such line and the score is
# reproduced.  Output: TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."

db=creditrisk_explain_scope
trap 'dropdb --if-exists $db >/dev/null 2>&1; for r in regress_xs_county regress_xs_henan; do psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1; done' EXIT
. test/shell/lib/tap.bash

echo "1..8"
dropdb --if-exists $db >/dev/null 2>&1
createdb $db
PGOPTIONS="-c search_path=creditrisk,public" psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null 2>&1 <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION creditrisk;
\set n 3000
\set as_of 2026-10-31
\i sample/generate.sql
SET client_min_messages = warning;
SELECT creditrisk.refresh_classification('2026-10-31');
SELECT creditrisk.create_roles();
SQL
su() { q $db "SET search_path = creditrisk, public; $1"; }

# The enterprise: of a county, with related parties in force in another county
# that have adverse records (revoked, penalised, listed); the one with most.
pick=$(su "SELECT r.uscc || ' ' || r.division_code
             FROM classification_result r
             JOIN related_party_link l ON l.from_uscc = r.uscc OR l.to_uscc = r.uscc
             JOIN enterprise o ON o.uscc = CASE WHEN l.from_uscc = r.uscc THEN l.to_uscc ELSE l.from_uscc END
            WHERE r.as_of = '2026-10-31' AND o.division_code <> r.division_code
              AND r.division_code !~ '00\$'
              AND (l.valid_to IS NULL OR l.valid_to > '2026-10-31')
              AND (o.status <> 'in_business' OR EXISTS (SELECT 1 FROM penalty p WHERE p.uscc = o.uscc)
                   OR EXISTS (SELECT 1 FROM abnormal_listing a WHERE a.uscc = o.uscc))
            GROUP BY r.uscc, r.division_code ORDER BY count(*) DESC, r.uscc::text COLLATE \"C\" LIMIT 1")
uscc=${pick% *}
county=${pick#* }
check "the sample has an enterprise with adverse related parties in another county" "$(echo "$uscc" | grep -c '^9')" "1"
# its related parties outside the county, as the superuser sees them
others=$(su "SELECT string_agg(o.uscc::text || '|' || o.name, ' ' ORDER BY o.uscc::text COLLATE \"C\")
               FROM related_party_link l JOIN enterprise o ON o.uscc = CASE WHEN l.from_uscc = '$uscc' THEN l.to_uscc ELSE l.from_uscc END
              WHERE (l.from_uscc = '$uscc' OR l.to_uscc = '$uscc') AND o.division_code <> '$county'")
n_others=$(su "SELECT count(DISTINCT o.uscc)
                 FROM related_party_link l JOIN enterprise o ON o.uscc = CASE WHEN l.from_uscc = '$uscc' THEN l.to_uscc ELSE l.from_uscc END
                WHERE (l.from_uscc = '$uscc' OR l.to_uscc = '$uscc') AND o.division_code <> '$county'
                  AND (l.valid_from IS NULL OR l.valid_from <= '2026-10-31') AND (l.valid_to IS NULL OR l.valid_to > '2025-10-31')")
stored=$(su "SELECT score FROM classification_result WHERE as_of = '2026-10-31' AND uscc = '$uscc'")

q $db "SET client_min_messages = warning;
       CREATE ROLE regress_xs_county; SELECT creditrisk.enrol('regress_xs_county', 'analyst', '$county');
       CREATE ROLE regress_xs_henan;  SELECT creditrisk.enrol('regress_xs_henan', 'analyst', '410000');" >/dev/null
# as a role, on the default search_path plus creditrisk (what enrol sets at login)
as() { q $db "SET ROLE $1; SET search_path = creditrisk, public; $2" 2>&1; }

check "as the county analyst: one outside_jurisdiction line counting the out-of-scope related parties" \
      "$(as regress_xs_county "SELECT count(*) || ' ' || max(value) FROM explain_enterprise('$uscc') WHERE section = 'outside_jurisdiction'")" \
      "1 $n_others"
check "as the county analyst: the indicators, the floors and that one sum add up to the stored score" \
      "$(as regress_xs_county "SELECT round(sum(contribution) FILTER (WHERE section IN ('indicator', 'floor', 'outside_jurisdiction'))::numeric, 2)
                                      = round($stored::numeric, 2)
                                 FROM explain_enterprise('$uscc')")" "t"
check "as the county analyst: the class line states the stored score and the out-of-scope points" \
      "$(as regress_xs_county "SELECT (detail->>'stored_score')::float8 = $stored AND (detail ? 'outside_jurisdiction_points')
                                      AND (detail->>'outside_jurisdiction_parties')::int = $n_others
                                 FROM explain_enterprise('$uscc') WHERE section = 'class'")" "t"
# nothing of the out-of-scope enterprises in the output: no USCC, no name
leaks=0
for o in $others; do
    code=${o%%|*}; name=${o#*|}
    hit=$(as regress_xs_county "SELECT count(*) FROM explain_enterprise('$uscc') x
                                 WHERE strpos(x::text, '$code') > 0 OR strpos(x::text, \$n\$$name\$n\$) > 0")
    [ "$hit" = "0" ] || leaks=$((leaks + 1))
done
check "as the county analyst: no line names an out-of-scope related party (USCC or name)" "$leaks" "0"
check "as the county analyst: their register rows stay unreadable" \
      "$(as regress_xs_county "SELECT count(*) FROM enterprise WHERE uscc IN (SELECT CASE WHEN l.from_uscc = '$uscc' THEN l.to_uscc ELSE l.from_uscc END
                                                                           FROM related_party_link l WHERE l.from_uscc = '$uscc' OR l.to_uscc = '$uscc')
                                                   AND division_code <> '$county'")" "0"
check "as the province analyst (both ends in scope): no outside_jurisdiction line" \
      "$(as regress_xs_henan "SELECT count(*) FROM explain_enterprise('$uscc') WHERE section = 'outside_jurisdiction'")" "0"
check "as the province analyst: the stored score is reproduced from the records" \
      "$(as regress_xs_henan "SELECT detail->>'reproduced' FROM explain_enterprise('$uscc') WHERE section = 'class'")" "true"
