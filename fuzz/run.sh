#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 600) each, one after another.
# Needs cargo-fuzz (`cargo install cargo-fuzz`); stable Rust with
# RUSTC_BOOTSTRAP=1 is enough for its sanitizer flags.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
for target in csv geojson shapefile kml zip; do
  mkdir -p "corpus/$target"
  RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
done
