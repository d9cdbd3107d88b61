#!/usr/bin/env bash
# Builds the `tributary` node, runtime wasm included: the debug profile by default, the
# `production` profile (LTO, one codegen unit) with `--release`:
#   scripts/build-node.sh                  -> $CARGO_TARGET_DIR/debug/tributary
#   scripts/build-node.sh --release        -> $CARGO_TARGET_DIR/production/tributary
# Other arguments go to cargo, e.g. `--features runtime-benchmarks`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"
args=()
profile=debug
for arg in "$@"; do
  if [ "$arg" = --release ]; then
    args+=(--profile production)
    profile=production
  else
    args+=("$arg")
  fi
done
cargo build --locked -p tributary-node "${args[@]}"
echo "node: $CARGO_TARGET_DIR/$profile/tributary"
