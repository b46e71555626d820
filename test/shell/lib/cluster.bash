# An inner throwaway cluster for shell tests that need server settings the
# outer one lacks (shared_preload_libraries: pgaudit, pg_cron).  Sourced; not a
# test itself.  Uses the PostgreSQL that $PG_CONFIG names (so that it works
# the same under devpg, pg_virtualenv and CI), a private socket directory and
# port, trust authentication; run as root it runs the server as postgres.
#
#   inner_cluster_start "-c shared_preload_libraries=pg_cron -c cron.host=@DIR@ ..."
#       initdb + start (@DIR@ in the settings is the socket directory); sets inner_dir (data in $inner_dir/data, log in
#       $inner_dir/log), inner_port, inner_started (pg_ctl's exit status) and
#       exports PGHOST/PGPORT/PGUSER/PGDATABASE for it; stops and removes it
#       at exit (an EXIT trap: a test with its own cleanup calls
#       inner_cluster_stop from it).
#   inner_cluster_has LIB   whether LIB.so is installed for that PostgreSQL
inner_pgc=${PG_CONFIG:-pg_config}
inner_bindir=$("$inner_pgc" --bindir)
inner_as_pg=()
[ "$(id -u)" -eq 0 ] && inner_as_pg=(runuser -u postgres --)

inner_cluster_has() { [ -f "$("$inner_pgc" --pkglibdir)/$1.so" ]; }

inner_cluster_stop() {
    [ -n "${inner_dir:-}" ] || return 0
    "${inner_as_pg[@]}" "$inner_bindir/pg_ctl" -D "$inner_dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$inner_dir"
    inner_dir=
}

inner_cluster_start() {
    inner_dir=$(mktemp -d /tmp/creditrisk-inner.XXXXXX)
    [ ${#inner_as_pg[@]} -gt 0 ] && chown postgres: "$inner_dir"
    inner_port=$(( 40000 + RANDOM % 20000 ))
    trap inner_cluster_stop EXIT
    "${inner_as_pg[@]}" "$inner_bindir/initdb" -A trust -U postgres -E UTF8 --no-locale -D "$inner_dir/data" >/dev/null 2>&1
    inner_started=$("${inner_as_pg[@]}" "$inner_bindir/pg_ctl" -D "$inner_dir/data" -l "$inner_dir/log" -w start \
        -o "-p $inner_port -k $inner_dir -c listen_addresses='' ${1//@DIR@/$inner_dir}" >/dev/null 2>&1; echo $?)
    export PGHOST=$inner_dir PGPORT=$inner_port PGUSER=postgres PGDATABASE=postgres
}
