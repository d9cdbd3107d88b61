#!/usr/bin/env bash
# Runs the FRAME benchmarks of Tributary's pallets on this machine and regenerates each
# pallet's `weights.rs` from `weight-template.hbs`.
#   scripts/bench/pallet-weights.sh                 # every Tributary pallet
#   scripts/bench/pallet-weights.sh pallet_datasets # one pallet
# STEPS/REPEAT override the sampling (defaults 50/20, polkadot-sdk's own).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
cd "$REPO_ROOT"
"$REPO_ROOT/scripts/setup.sh"
"$REPO_ROOT/scripts/build-node.sh" --features runtime-benchmarks

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
  "$TRIBUTARY_BIN" benchmark pallet \
    --chain dev \
    --pallet "$pallet" \
    --extrinsic '*' \
    --steps "${STEPS:-50}" \
    --repeat "${REPEAT:-20}" \
    --wasm-execution compiled \
    --heap-pages 4096 \
    --template scripts/bench/weight-template.hbs \
    --output "$dir/src/weights.rs"
done
