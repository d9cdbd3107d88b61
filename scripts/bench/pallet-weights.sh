#!/usr/bin/env bash
# Runs the FRAME benchmarks of Tributary's pallets on this machine and regenerates each
# pallet's `weights.rs` from `weight-template.hbs`.
#   scripts/bench/pallet-weights.sh                 # every Tributary pallet
#   scripts/bench/pallet-weights.sh pallet_datasets # one pallet
# STEPS/REPEAT override the sampling (defaults 20/5).
# PROFILE=release (the default) benchmarks with an optimised node: the runtime always runs as
# optimised wasm, but the host functions it calls (storage, hashing) are the node's own code,
# and a debug node makes every call ~2 ms slower. PROFILE=debug reuses the debug build (fast to
# build, weights far too high; only for checking that the benchmarks run).
#
# The runtime is built with `runtime-benchmarks` into its wasm, and the node with the
# `benchmark` command but without an embedded runtime: the benchmarks run the wasm given
# with `--runtime`, from the `development` genesis preset.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
cd "$REPO_ROOT"
"$REPO_ROOT/scripts/setup.sh"
PROFILE="${PROFILE:-release}"
cargo build --locked -p tributary-runtime --features runtime-benchmarks
WASM="$CARGO_TARGET_DIR/debug/wbuild/tributary-runtime/tributary_runtime.wasm"
if [ "$PROFILE" = release ]; then
  SKIP_WASM_BUILD=1 cargo build --locked --release -p tributary-node --features runtime-benchmarks
  BENCH_BIN="$CARGO_TARGET_DIR/release/tributary"
else
  SKIP_WASM_BUILD=1 cargo build --locked -p tributary-node --features runtime-benchmarks
  BENCH_BIN="$TRIBUTARY_BIN"
fi

declare -A DIRS=(
  [pallet_datasets]=pallets/datasets
  [pallet_models]=pallets/models
  [pallet_stake]=pallets/staking
  [pallet_attribution]=pallets/attribution
)
pallets=("$@")
[ ${#pallets[@]} -gt 0 ] || pallets=(pallet_datasets pallet_models pallet_stake pallet_attribution)
for pallet in "${pallets[@]}"; do
  dir="${DIRS[$pallet]:?unknown pallet $pallet}"
  echo "== $pallet -> $dir/src/weights.rs"
  "$BENCH_BIN" benchmark pallet \
    --runtime "$WASM" \
    --genesis-builder runtime \
    --genesis-builder-preset development \
    --pallet "$pallet" \
    --extrinsic '*' \
    --steps "${STEPS:-20}" \
    --repeat "${REPEAT:-5}" \
    --wasm-execution compiled \
    --heap-pages 4096 \
    --template scripts/bench/weight-template.hbs \
    --output "$dir/src/weights.rs"
done
# The debug node binary may now lack its runtime: rebuild the regular one.
touch "$REPO_ROOT/runtime/src/lib.rs"
"$REPO_ROOT/scripts/build-node.sh"
