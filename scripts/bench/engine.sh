#!/usr/bin/env bash
# Engine benchmarks: per-example and contribution-level query scoring, and index build
# (N = 10^5, p = 1000) side by side with a NumPy/SciPy implementation of the same math.
# Usage: scripts/bench/engine.sh [N] [D]      (defaults 100000 999 -> p = 1000)
# Criterion versions of the scoring benchmarks: cargo bench -p tributary-attribution
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-100000}
D=${2:-999}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/engine-target}
python3 -c "import numpy, scipy" 2>/dev/null || pip install --quiet numpy scipy
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cargo build --release -q -p tributary-attribution --example bench_engine
BIN=$CARGO_TARGET_DIR/release/examples/bench_engine

echo "## Query scoring"
echo
"$BIN"
echo

echo "## Index build: N=$N, p=$((D + 1)), logistic, exact, G=100, l2=0.01"
python3 - "$WORK" "$N" "$D" <<'PY'
import sys, numpy as np
w, n, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(1)
X = rng.standard_normal((n, d)).astype(np.float32)
beta = rng.standard_normal(d) * 2 / np.sqrt(d)
y = ((X @ beta + 0.5 * rng.standard_normal(n)) > 0).astype(np.float32).reshape(n, 1)
np.save(f"{w}/X.npy", X)
np.save(f"{w}/y.npy", y)
PY
echo
RUST_OUT=$("$BIN" --build "$WORK/X.npy" "$WORK/y.npy")
echo "$RUST_OUT" | grep '^|'
NP_OUT=$(python3 scripts/bench/engine_numpy.py "$WORK/X.npy" "$WORK/y.npy" 100)
RS=$(echo "$RUST_OUT" | awk '/^BUILD_SECONDS/{print $2}')
NS=$(echo "$NP_OUT" | awk '/^NUMPY_SECONDS/{print $2}')
NPIT=$(echo "$NP_OUT" | awk '/^NUMPY_ITERATIONS/{print $2, $3, $4}')
printf '| NumPy/SciPy, same math (%s; BLAS threads: default) | %.2f s |\n' "$NPIT" "$NS"
awk -v a="$NS" -v b="$RS" 'BEGIN { printf "| ratio NumPy / Rust | %.2fx (> 1: the engine is faster) |\n", a / b }'
echo
echo "Agreement (first values of theta and u):"
echo "  rust : $(echo "$RUST_OUT" | grep -E '^THETA0') $(echo "$RUST_OUT" | grep -E '^CHECK' | cut -c1-160)"
echo "  numpy: $(echo "$NP_OUT" | grep -E '^THETA0') $(echo "$NP_OUT" | grep -E '^CHECK' | cut -c1-160)"
