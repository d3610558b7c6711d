#!/usr/bin/env bash
# Benchmark harness of stadtatlas, in one command:
#
#   bench/run.sh [SIZES...]        (default sizes: 1000 10000 100000 1000000)
#
# 1. checks the prerequisites: ogr2ogr (gdal-bin) and GNU time (time), installed
#    with apt-get when missing and running as root; python3 with venv;
# 2. creates bench/.venv and installs bench/requirements.txt (pinned);
# 3. builds the release binary and the examples (synth, bench_assign);
# 4. generates bench/data/N/ per size (seed 42; kept while N and seed match;
#    delete bench/data/ to regenerate after changing bench/synth.rs);
# 5. runs bench/run.py (results in bench/results/results.jsonl) and
#    bench/plot.py (bench/results/scaling.svg and bench/results/tables.md).
#
# The postgis suite runs beside a throwaway PostgreSQL/PostGIS server that
# tests/pg.sh starts (or the one STADTATLAS_TEST_PG names).
#
# Environment: BENCH_RUNS (default 5) and BENCH_ONLY (e.g. "assign,import")
# are passed to run.py as --runs and --only; BENCH_NAMES (register, the
# default, or made-up) chooses how synth names the partners.
set -euo pipefail

SEED=42
NAMES="${BENCH_NAMES:-register}"
DEFAULT_SIZES=(1000 10000 100000 1000000)
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
VENV="$BENCH/.venv"
DATA="$BENCH/data"
RESULTS="$BENCH/results"
RUNS="${BENCH_RUNS:-5}"
ONLY="${BENCH_ONLY:-}"

say() { echo "[run.sh] $*" >&2; }
die() { echo "[run.sh] ERROR: $*" >&2; exit 2; }

# Installs Debian packages, or says how to when not root.
install_debian_packages() {
    if [ "$(id -u)" -ne 0 ]; then
        die "missing Debian package(s) $*: run 'apt-get install -y $*' as root"
    fi
    say "installing Debian package(s): $*"
    apt-get update
    apt-get install -y "$@"
}

# ogr2ogr, GNU time (peak RSS of each child), python3 with venv, cargo.
check_prerequisites() {
    command -v python3 >/dev/null || die "python3 is missing"
    command -v cargo >/dev/null || die "cargo is missing (install Rust with rustup)"
    local missing=()
    command -v ogr2ogr >/dev/null || missing+=(gdal-bin)
    [ -x /usr/bin/time ] || missing+=(time)
    python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
    if wants_postgis && ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
        missing+=(postgresql postgresql-15-postgis-3)
    fi
    if wants serve && ! ls /usr/lib/*/mod_spatialite.so >/dev/null 2>&1; then
        missing+=(libsqlite3-mod-spatialite)
    fi
    if wants serve && ! /usr/bin/python3 -c 'import venv, ensurepip' 2>/dev/null; then
        missing+=(python3-venv)
    fi
    if [ "${#missing[@]}" -gt 0 ]; then
        install_debian_packages "${missing[@]}"
    fi
    say "ogr2ogr: $(ogr2ogr --version)"
}

# bench/.venv with the pinned packages; reinstalls when requirements.txt changes.
setup_venv() {
    local stamp="$VENV/.requirements.sha256"
    local want
    want="$(sha256sum "$BENCH/requirements.txt" | cut -d' ' -f1)"
    if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        say "bench/.venv is up to date"
        return
    fi
    local start=$SECONDS
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating bench/.venv with $(python3 --version)"
        python3 -m venv "$VENV"
    fi
    say "installing bench/requirements.txt into bench/.venv"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        -r "$BENCH/requirements.txt"
    echo "$want" > "$stamp"
    say "bench/.venv ready in $((SECONDS - start)) s"
}

# The stadtatlas binary and the examples synth and bench_assign.
build_binaries() {
    say "cargo build --release --bin stadtatlas --examples"
    (cd "$ROOT" && cargo build --release --bin stadtatlas --examples)
}

# bench/data/N/ for one size, unless it is there with the same N and seed.
generate_data() {
    local n="$1"
    local dir="$DATA/$n"
    local stamp="$dir/.generated"
    local want="entities=$n seed=$SEED names=$NAMES"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
        && [ -f "$dir/partners.csv" ] && [ -f "$dir/districts.geojson" ] \
        && [ -f "$dir/atlas.toml" ]; then
        say "bench/data/$n is up to date ($want)"
        return
    fi
    local partial="$DATA/.partial-$n"
    rm -rf "$partial"
    mkdir -p "$DATA"
    say "generating bench/data/$n ($want)"
    "$ROOT/target/release/examples/synth" --out "$partial" --entities "$n" --seed "$SEED" \
        --names "$NAMES"
    rm -rf "$dir"
    mv "$partial" "$dir"
    echo "$want" > "$stamp"
}

# Whether a suite is among those measured (BENCH_ONLY, or all).
wants() {
    [ -z "$ONLY" ] || [[ ",$ONLY," == *,$1,* ]]
}
wants_postgis() {
    wants postgis
}

# pygeoapi for the serve suite, in a venv of Debian's python3 (its sqlite3
# loads mod_spatialite, which pygeoapi's GeoPackage provider needs).
setup_pygeoapi_venv() {
    wants serve || return 0
    local venv="$BENCH/.venv-pygeoapi" stamp want
    stamp="$venv/.requirements.sha256"
    want="$(sha256sum "$BENCH/requirements-pygeoapi.txt" | cut -d' ' -f1)"
    if [ -x "$venv/bin/gunicorn" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return
    fi
    say "installing bench/requirements-pygeoapi.txt into bench/.venv-pygeoapi"
    rm -rf "$venv"
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        -r "$BENCH/requirements-pygeoapi.txt"
    echo "$want" > "$stamp"
}

main() {
    local sizes=("$@")
    if [ "${#sizes[@]}" -eq 0 ]; then
        sizes=("${DEFAULT_SIZES[@]}")
    fi
    local n
    for n in "${sizes[@]}"; do
        [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "size '$n' is not a positive integer"
    done

    check_prerequisites
    # The postgis suite measures against a throwaway server: tests/pg.sh
    # starts one (durable settings, as a real server has), runs this script
    # again beside it, and stops it afterwards.
    if wants_postgis && [ -z "${STADTATLAS_TEST_PG:-}" ] && [ -z "${BENCH_PG_STARTED:-}" ]; then
        say "starting a throwaway PostgreSQL/PostGIS server for the postgis suite (tests/pg.sh)"
        BENCH_PG_STARTED=1 STADTATLAS_PG_DURABLE=1 exec "$ROOT/tests/pg.sh" "$0" "$@"
    fi
    setup_venv
    setup_pygeoapi_venv
    build_binaries
    for n in "${sizes[@]}"; do
        generate_data "$n"
    done
    # Data just generated is still being written back to the disk; an import
    # syncs its store, and on ext4 that sync waits for the rest too.
    sync

    local run_args=(--sizes "${sizes[@]}" --runs "$RUNS" --seed "$SEED")
    if [ -n "$ONLY" ]; then
        run_args+=(--only "$ONLY")
    fi
    local status=0
    "$VENV/bin/python" "$BENCH/run.py" "${run_args[@]}" || status=$?
    if [ "$status" -eq 2 ]; then
        die "run.py measured nothing (exit code 2, see above)"
    elif [ "$status" -ne 0 ]; then
        say "run.py exited with $status (see the errors above); plotting what was measured"
    fi

    mkdir -p "$RESULTS"
    MPLBACKEND=Agg "$VENV/bin/python" "$BENCH/plot.py" > "$RESULTS/tables.md"
    cat "$RESULTS/tables.md"
    say "wrote bench/results/results.jsonl, scaling.svg, scaling.png and tables.md"
    return "$status"
}

main "$@"
