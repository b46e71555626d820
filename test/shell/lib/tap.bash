# Helpers of the shell TAP tests (sourced; not a test itself).
#   q DB SQL                      one query, unaligned, tuples only
#   check "description" ACTUAL EXPECTED   prints "ok N - ..." or "not ok N - ..." with both values
q() { psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
n=0
check() {
    n=$((n + 1))
    if [ "$2" = "$3" ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; echo "#   got:      $2"; echo "#   expected: $3"; fi
}
