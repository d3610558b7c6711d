#!/usr/bin/env bash
# Runs a command (default: the whole test suite) beside a throwaway
# PostgreSQL/PostGIS server: `initdb` into a temporary folder, `pg_ctl start`
# on a free port of 127.0.0.1, STADTATLAS_TEST_PG set to its URL; the server
# is stopped and its folder removed afterwards, whatever the command did.
#
#   tests/pg.sh                         # the whole suite, on both backends
#   tests/pg.sh cargo test --release --test postgres
#
# With no command it runs `cargo test --release` (GeoPackage stores, and the
# PostgreSQL tests proper: tests/postgres.rs, the store oracle), then the
# command-line suites again with STADTATLAS_TEST_BACKEND=postgres, where every
# `.gpkg` store a test names is a database of this server instead.
#
# Needs Debian's postgresql and postgresql-15-postgis-3 (.ci/run installs them);
# without them it runs the command alone, and the PostgreSQL tests skip.
# As root, the server runs as the `postgres` user (initdb refuses root).
set -euo pipefail
cd "$(dirname "$0")/.."

# The suites that run through the command line, on PostgreSQL in the second pass.
CLI_SUITES=(cli governance import_formats import_geodata_formats import_mapping
    incremental_import locate locate_oracle moderation official_layers propose_cli report serve sql_guard)
both_backends() {
    cargo test --release
    echo "tests/pg.sh: the command-line suites again, on PostgreSQL" >&2
    STADTATLAS_TEST_BACKEND=postgres cargo test --release --no-fail-fast "${CLI_SUITES[@]/#/--test=}"
}
if [ $# -eq 0 ]; then
    set -- both_backends
fi

# OWSLib and openapi-spec-validator (tests/serve.rs) and Selenium, driving
# Chromium through forms (tests/moderation.rs), test the server: a venv
# in target/ made once from tests/clients/requirements.txt. Without Python's
# venv or the package index those tests say they skip (CI sets
# STADTATLAS_REQUIRE_CLIENTS=1, where it fails instead).
if [ -z "${STADTATLAS_TEST_PYTHON:-}" ]; then
    venv=target/test-venv
    if [ ! -x "$venv/bin/python" ] || ! cmp -s tests/clients/requirements.txt "$venv/requirements.txt"; then
        rm -rf "$venv"
        if python3 -m venv "$venv" >/dev/null 2>&1 &&
            "$venv/bin/pip" install -q -r tests/clients/requirements.txt >/dev/null 2>&1; then
            cp tests/clients/requirements.txt "$venv/requirements.txt"
        else
            echo "tests/pg.sh: no Python venv with OWSLib (python3-venv, pip); the OWSLib test skips" >&2
            rm -rf "$venv"
        fi
    fi
    if [ -x "$venv/bin/python" ]; then
        export STADTATLAS_TEST_PYTHON="$PWD/$venv/bin/python"
    fi
fi
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ] || [ ! -e /usr/share/postgresql/*/extension/postgis.control ]; then
    # Without a server the PostgreSQL tests say so and pass, unless
    # STADTATLAS_REQUIRE_PG=1 (as in .ci/run), where they fail.
    echo "tests/pg.sh: no PostgreSQL/PostGIS server here (apt-get install postgresql postgresql-15-postgis-3);" \
        "running without the shared-store tests" >&2
    if [ "$1" = both_backends ]; then
        set -- cargo test --release
    fi
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
# Durability is of no use to a throwaway server for tests: no fsync. The
# benchmark (STADTATLAS_PG_DURABLE=1) measures with the defaults a real
# server has.
options="-p $port -c listen_addresses=127.0.0.1 -k $dir -c max_connections=100"
if [ -z "${STADTATLAS_PG_DURABLE:-}" ]; then
    options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi
"${as_server[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "$options" \
    start >/dev/null

export STADTATLAS_TEST_PG="postgres://postgres@127.0.0.1:$port/postgres"
# The PostgreSQL tests fail instead of skipping when the server is missing.
export STADTATLAS_REQUIRE_PG=1
"$@"
