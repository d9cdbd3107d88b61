#!/usr/bin/env bash
# Where exact stops paying: build time and estimated peak memory of the exact and subspace
# (K = 512) methods as p grows (external gradients, n = 2p, G = 100). Prints Markdown.
# Usage: scripts/bench/methods.sh [p ...]      (default 1000 2000 3000 5000)
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/engine-target}
cargo run --release -q -p tributary-attribution --example bench_methods -- "$@"
