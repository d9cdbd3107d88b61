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
python3 -c "import numpy, scipy, threadpoolctl" 2>/dev/null || pip install --quiet numpy scipy threadpoolctl
# NumPy runs with OpenBLAS's own CPU detection: no core type or cache size forced from the
# environment.
NUMPY=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3)
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
# Alternate the two implementations twice and keep each one's best time, so that both
# see the same machine load.
RS=""; NS=""
for round in 1 2; do
  RUST_OUT=$("$BIN" --build "$WORK/X.npy" "$WORK/y.npy")
  NP_OUT=$("${NUMPY[@]}" scripts/bench/engine_numpy.py "$WORK/X.npy" "$WORK/y.npy" 100)
  r=$(echo "$RUST_OUT" | awk '/^BUILD_SECONDS/{print $2}')
  n=$(echo "$NP_OUT" | awk '/^NUMPY_SECONDS/{print $2}')
  echo "round $round: engine ${r}s, numpy ${n}s" >&2
  RS=$(awk -v a="$RS" -v b="$r" 'BEGIN { print (a == "" || b < a) ? b : a }')
  NS=$(awk -v a="$NS" -v b="$n" 'BEGIN { print (a == "" || b < a) ? b : a }')
done
NPIT=$(echo "$NP_OUT" | awk '/^NUMPY_ITERATIONS/{print $2, $4}')
echo "NumPy's BLAS: $(echo "$NP_OUT" | sed -n 's/^BLAS //p' | paste -sd ';' - | sed 's/;/; /g')"
echo "engine kernel: $(echo "$RUST_OUT" | sed -n 's/^KERNEL //p')"
echo "$RUST_OUT" | grep '^|' | sed -E "s/\| [0-9.]+ s \(/| best of 2: ${RS} s (/"
printf '| NumPy/SciPy, same math (%s Newton iterations, grad norm %s; OpenBLAS, default threads and kernel) | best of 2: %.2f s |\n' $NPIT "$NS"
awk -v a="$NS" -v b="$RS" 'BEGIN { printf "| ratio NumPy / engine | %.2fx (> 1: the engine is faster) |\n", a / b }'
echo
echo "Agreement (first values of theta and u):"
echo "  rust : $(echo "$RUST_OUT" | grep -E '^THETA0') $(echo "$RUST_OUT" | grep -E '^CHECK' | cut -c1-160)"
echo "  numpy: $(echo "$NP_OUT" | grep -E '^THETA0') $(echo "$NP_OUT" | grep -E '^CHECK' | cut -c1-160)"
