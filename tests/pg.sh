#!/usr/bin/env bash
# Runs a command (default: the whole test suite) beside a throwaway
# PostgreSQL/PostGIS server: `initdb` into a temporary folder, `pg_ctl start`
# on a free port of 127.0.0.1, STADTATLAS_TEST_PG set to its URL; the server
# is stopped and its folder removed afterwards, whatever the command did.
#
#   tests/pg.sh                         # cargo test --release, both backends
#   tests/pg.sh cargo test --release --test postgres
#
# Needs Debian's postgresql and postgresql-15-postgis-3 (.ci/run installs them);
# without them it runs the command alone, and the PostgreSQL tests skip.
# As root, the server runs as the `postgres` user (initdb refuses root).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -eq 0 ]; then
    set -- cargo test --release
fi
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ] || [ ! -e /usr/share/postgresql/*/extension/postgis.control ]; then
    # Without a server the PostgreSQL tests say so and pass, unless
    # STADTATLAS_REQUIRE_PG=1 (as in .ci/run), where they fail.
    echo "tests/pg.sh: no PostgreSQL/PostGIS server here (apt-get install postgresql postgresql-15-postgis-3);" \
        "running without the shared-store tests" >&2
    exec "$@"
fi

dir=$(mktemp -d /tmp/stadtatlas-pg.XXXXXX)
as_server=()
if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"
    as_server=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
    "${as_server[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT

"${as_server[@]}" "$PGBIN/initdb" -D "$dir/data" --auth=trust -U postgres -E UTF8 \
    --locale=C.UTF-8 >"$dir/initdb.log"
# Durability is of no use to a throwaway server: no fsync.
"${as_server[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
    start >/dev/null

export STADTATLAS_TEST_PG="postgres://postgres@127.0.0.1:$port/postgres"
# The PostgreSQL tests fail instead of skipping when the server is missing.
export STADTATLAS_REQUIRE_PG=1
"$@"
