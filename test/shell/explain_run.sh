#!/usr/bin/env bash
# explain_enterprise() reproduces the stored run (issue 15), on at least
# 10,000 classified enterprises: for every enterprise of a run, one call of
# explain_enterprise(uscc, as_of) (its single-enterprise path: the indicators
# from that enterprise's records through the indexes, at the run's model,
# date and knowledge time) agrees with the row the run stored:
#   score        the recomputed score (the class line's value) = the stored score, exactly;
#   score class  classify(recomputed score) = the stored score class = the class line's matched;
#   final class  the class line = the stored final class = the riskiest of the
#                recomputed score class and the classes the override lines impose;
#   overrides    the override lines, in order = the stored overrides = the rules
#                in force that name the enterprise on that date, evaluated again
#                (override_rule_matches(), as the run evaluates them);
#   reasons      score_reasons() of the values on the indicator lines = the stored reasons;
#   and the indicator and floor lines' contributions add up to the score.
# All of it as the superuser (every enterprise of the run) and, for a part of
# them, as a city analyst logged in with only the documented grants: the
# analyst's explanations are those of the city's enterprises alone, agree with
# the superuser's, and an enterprise outside the city is refused.
# Each comparison is one set-wise query (a LATERAL call per stored row) that
# prints the rows that differ, if any.  Output: TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."

db=creditrisk_explain_run
n_sample=${CREDITRISK_EXPLAIN_RUN_N:-11400}   # gives 10,075 enterprises in the population of 2026-10-31
as_of=2026-10-31
trap 'dropdb --if-exists $db >/dev/null 2>&1; psql -X -q -d postgres -c "DROP ROLE IF EXISTS regress_er_zhoukou" >/dev/null 2>&1' EXIT
. test/shell/lib/tap.bash

echo "1..12"
t0=${EPOCHREALTIME/./}
lap() { local t=${EPOCHREALTIME/./}; echo "# time: $1 $(( (t - t0) / 1000000 )).$(( (t - t0) / 100000 % 10 )) s"; t0=$t; }
dropdb --if-exists $db >/dev/null 2>&1
createdb $db
PGOPTIONS="-c search_path=creditrisk,public" psql -X -q -v ON_ERROR_STOP=1 -v n=$n_sample -v as_of=$as_of -d $db >/dev/null 2>&1 <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION creditrisk;
\i sample/generate.sql
SET client_min_messages = warning;
SELECT creditrisk.refresh_classification(:'as_of');
SELECT creditrisk.create_roles();
DROP ROLE IF EXISTS regress_er_zhoukou;
CREATE ROLE regress_er_zhoukou LOGIN PASSWORD 'creditrisk-test';
SELECT creditrisk.enrol('regress_er_zhoukou', 'analyst', '411600');
SQL
lap "sample of $n_sample and the run"
su() { q $db "SET search_path = creditrisk, public; $1"; }
# as the city analyst, logged in: the search_path enrol() set, nothing else
zk() { PGPASSWORD=creditrisk-test psql -X -q -t -A -v ON_ERROR_STOP=1 -U regress_er_zhoukou -d $db -c "$1" 2>&1; }

# One row per stored result of the run and one explanation per row, reduced
# to the columns compared.  $1: the stored rows' filter.  Used by both roles
# (row-level security leaves the analyst the city's rows).
explained() {
    cat <<SQL
WITH stored AS (
    SELECT r.uscc, r.as_of, r.score, r.score_class, r.final_class, r.overrides, r.reasons, run.model_key
      FROM classification_result r
      JOIN classification_run run ON run.as_of = r.as_of AND run.version = r.version
     WHERE r.as_of = '$as_of' AND r.version = (SELECT max(version) FROM classification_run WHERE as_of = '$as_of') $1
), x AS (
    SELECT s.*, e.*
      FROM stored s,
           LATERAL (SELECT max(x.value) FILTER (WHERE x.section = 'class') AS e_score,
                           max(x.code) FILTER (WHERE x.section = 'class') AS e_final,
                           max(x.matched) FILTER (WHERE x.section = 'class') AS e_score_class,
                           bool_or((x.detail ->> 'reproduced')::boolean) FILTER (WHERE x.section = 'class') AS e_reproduced,
                           coalesce(array_agg(x.code ORDER BY x.line) FILTER (WHERE x.section = 'override'), '{}') AS e_overrides,
                           max(x.matched::riskclass) FILTER (WHERE x.section = 'override') AS e_override_class,
                           array_agg(x.value ORDER BY (x.detail ->> 'position')::int) FILTER (WHERE x.section = 'indicator') AS e_values,
                           sum(x.contribution) FILTER (WHERE x.section IN ('indicator', 'floor')) AS e_sum,
                           count(*) FILTER (WHERE x.section = 'outside_jurisdiction') AS e_outside
                      FROM explain_enterprise(s.uscc, s.as_of) x) e
)
SQL
}
# The rules in force that name each enterprise on the date, evaluated again.
rematched="(SELECT m.uscc, array_agg(m.code ORDER BY m.code) AS overrides
              FROM (SELECT DISTINCT o.code, x.uscc
                      FROM override_rule o, classification_run run,
                           LATERAL override_rule_matches(o.code, run.as_of, run.known_at) x
                     WHERE run.as_of = '$as_of' AND run.version = (SELECT max(version) FROM classification_run WHERE as_of = '$as_of')
                       AND o.enabled AND o.effective_from <= run.as_of AND (o.effective_to IS NULL OR o.effective_to >= run.as_of)) m
             GROUP BY m.uscc)"

# The explanations, in parallel sessions (the machine's cores): the
# superuser's, every enterprise of the run split by a hash of the USCC into
# $jobs unlogged tables, and the city analyst's (its row-level security
# leaves it the city's rows) into a file; then the comparisons.
jobs=${CREDITRISK_EXPLAIN_RUN_JOBS:-2}
zout_file=$(mktemp)
trap 'rm -f "$zout_file"; dropdb --if-exists $db >/dev/null 2>&1; psql -X -q -d postgres -c "DROP ROLE IF EXISTS regress_er_zhoukou" >/dev/null 2>&1' EXIT
pids=()
for k in $(seq 0 $((jobs - 1))); do
    su "CREATE UNLOGGED TABLE public.explained_$k AS $(explained "AND mod(abs(hashtext(r.uscc::text)::bigint), $jobs) = $k") SELECT * FROM x" >/dev/null &
    pids+=($!)
done
zk "$(explained '') SELECT count(*) || ' ' || count(*) FILTER (WHERE e_score IS NOT NULL) || ' '
           || count(*) FILTER (WHERE e_outside = 0 AND (e_score IS DISTINCT FROM score OR score_reasons(model_key, e_values, 3) IS DISTINCT FROM reasons
                                                        OR e_final IS DISTINCT FROM final_class::text OR e_overrides IS DISTINCT FROM overrides))
           || ' ' || count(*) FILTER (WHERE e_outside > 0 AND e_final IS DISTINCT FROM final_class::text) || ' ' || count(*) FILTER (WHERE e_outside > 0)
      FROM x" > "$zout_file" &
pids+=($!)
for p in "${pids[@]}"; do wait "$p"; done
lap "the explanations ($jobs superuser sessions and the city analyst's, side by side)"

# As the superuser: every enterprise of the run.  The differing rows (at
# most 20) are printed as comments; the counts are the checks.
out=$(su "CREATE TEMP TABLE t AS $(for k in $(seq 0 $((jobs - 1))); do [ "$k" -gt 0 ] && echo "UNION ALL"; echo "SELECT * FROM public.explained_$k"; done);
          CREATE TEMP TABLE rm AS SELECT * FROM $rematched rm;
          SELECT 'diff ' || t.uscc || ' stored ' || t.score || ' ' || t.score_class || ' ' || t.final_class || ' ' || t.overrides::text || ' ' || coalesce(t.reasons::text, '-')
                 || ' explained ' || coalesce(t.e_score::text, '-') || ' ' || coalesce(t.e_score_class, '-') || ' ' || coalesce(t.e_final, '-') || ' ' || t.e_overrides::text
                 || ' ' || coalesce(score_reasons(t.model_key, t.e_values, 3)::text, '-') || ' rematched ' || coalesce(rm.overrides::text, '{}')
            FROM t LEFT JOIN rm USING (uscc)
           WHERE t.e_score IS DISTINCT FROM t.score OR classify(t.e_score) IS DISTINCT FROM t.score_class
              OR t.e_score_class IS DISTINCT FROM t.score_class::text OR t.e_final IS DISTINCT FROM t.final_class::text
              OR t.final_class IS DISTINCT FROM greatest(classify(t.e_score), t.e_override_class)
              OR t.e_overrides IS DISTINCT FROM t.overrides OR coalesce(rm.overrides, '{}') IS DISTINCT FROM (SELECT coalesce(array_agg(o ORDER BY o), '{}') FROM unnest(t.overrides) o)
              OR score_reasons(t.model_key, t.e_values, 3) IS DISTINCT FROM t.reasons
              OR round(t.e_sum::numeric, 2) IS DISTINCT FROM round(t.e_score::numeric, 2)
              OR NOT t.e_reproduced OR t.e_outside <> 0
           ORDER BY t.uscc LIMIT 20;
          SELECT 'count ' || count(*) || ' ' || count(*) FILTER (WHERE e_score IS NOT NULL) || ' '
                 || (SELECT count(*) FROM classification_result WHERE as_of = '$as_of')
                 || ' ' || count(*) FILTER (WHERE overrides <> '{}') || ' ' || count(DISTINCT final_class)
                 || ' ' || count(*) FILTER (WHERE reasons <> '{}') FROM t;
          SELECT 'bad ' || count(*) FILTER (WHERE e_score IS DISTINCT FROM score) || ' '
                 || count(*) FILTER (WHERE classify(e_score) IS DISTINCT FROM score_class OR e_score_class IS DISTINCT FROM score_class::text) || ' '
                 || count(*) FILTER (WHERE e_final IS DISTINCT FROM final_class::text OR final_class IS DISTINCT FROM greatest(classify(e_score), e_override_class)) || ' '
                 || count(*) FILTER (WHERE e_overrides IS DISTINCT FROM overrides) || ' '
                 || count(*) FILTER (WHERE score_reasons(model_key, e_values, 3) IS DISTINCT FROM reasons) || ' '
                 || count(*) FILTER (WHERE round(e_sum::numeric, 2) IS DISTINCT FROM round(e_score::numeric, 2) OR NOT e_reproduced OR e_outside <> 0)
            FROM t;
          SELECT 'rematched ' || count(*) FILTER (WHERE coalesce(rm.overrides, '{}') IS DISTINCT FROM (SELECT coalesce(array_agg(o ORDER BY o), '{}') FROM unnest(t.overrides) o))
                 || ' ' || count(rm.uscc)
            FROM t LEFT JOIN rm USING (uscc);")
lap "the superuser's comparison"
echo "$out" | grep '^diff ' | sed 's/^/# /'
counts=$(echo "$out" | sed -n 's/^count //p')
read -r compared explained_n stored overridden classes with_reasons <<< "$counts"
echo "# superuser: $compared stored rows compared, $overridden with overrides, $classes final classes, $with_reasons with reasons"
check "at least 10,000 enterprises of the run compared, as the superuser" "$( [ "${compared:-0}" -ge 10000 ] && echo yes)" "yes"
check "each stored row of the run explained" "$explained_n $stored" "$compared $compared"
check "the sample is varied: overrides, every final class, reasons" \
      "$( [ "${overridden:-0}" -gt 100 ] && [ "${classes:-0}" -eq 4 ] && [ "${with_reasons:-0}" -gt 1000 ] && echo yes)" "yes"
bad=$(echo "$out" | sed -n 's/^bad //p')
read -r b_score b_sclass b_final b_over b_reasons b_lines <<< "$bad"
check "score: the explanation's recomputed score = the stored score, for every one" "$b_score" "0"
check "score class: classify(recomputed) = the stored score class = the explanation's" "$b_sclass" "0"
check "final class: the explanation's = the stored = the riskiest of the score class and the overrides" "$b_final" "0"
check "overrides: the explanation's override lines = the stored overrides" "$b_over" "0"
rematched=$(echo "$out" | sed -n 's/^rematched //p')
check "overrides: the rules in force, evaluated again, name each enterprise of the run with the stored overrides" \
      "${rematched% *} $( [ "${rematched#* }" = "$overridden" ] && echo same)" "0 same"
check "reasons: score_reasons() of the explanation's indicator values = the stored reasons" "$b_reasons" "0"
check "the lines add up to the score, reproduced is true, nothing outside the superuser's view" "$b_lines" "0"

# As the city analyst: the city's enterprises, through the analyst's row-level
# security; each explanation agrees with the stored run for the enterprises
# whose related parties the analyst all sees, and for the others the
# outside_jurisdiction line carries the rest of the stored score.
city=$(su "SELECT count(*) FROM classification_result WHERE as_of = '$as_of' AND in_division(division_code, '4116')")
zout=$(cat "$zout_file")
echo "# city analyst (周口市): compared, explained, differing, differing with parties outside, with parties outside: $zout"
check "as the 周口市 analyst: the city's $city enterprises explained, those seeing every party equal to the stored run" \
      "$(echo "$zout" | cut -d' ' -f1-4)" "$city $city 0 0"
outsider=$(su "SELECT uscc FROM classification_result WHERE as_of = '$as_of' AND NOT in_division(division_code, '4116') ORDER BY uscc LIMIT 1")
check "as the 周口市 analyst: an enterprise outside the city is refused (P0002)" \
      "$(zk "SELECT count(*) FROM explain_enterprise('$outsider', '$as_of')" | grep -o 'has no result in the run')" "has no result in the run"
