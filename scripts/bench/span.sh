#!/usr/bin/env bash
# Span method (text attribution) at scale: index build throughput, suffix-array construction
# (libsais vs a comparison sort of the same stream), peak build memory, bytes of index per
# token, and the latency of a ~200-token output query against the brute-force scan, measured
# side by side in one run on a synthetic Zipf corpus of MB megabytes (default 1000 = 1 GB).
# Usage: scripts/bench/span.sh [MB] [extra bench_span options, e.g. --queries 50]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
cd "$REPO_ROOT"
MB=${1:-1000}
shift || true
cargo build --release --locked -q -p tributary-attribution --example bench_span
exec "$CARGO_TARGET_DIR/release/examples/bench_span" --mb "$MB" "$@"
