#!/usr/bin/env bash
# Sets everything up and runs every test: the Rust workspace's unit and integration tests
# (pallets, runtime, engine, node) and the end-to-end test against a real dev node.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"
"$REPO_ROOT/scripts/setup.sh"

echo "== build: node (with the runtime's wasm)"
"$REPO_ROOT/scripts/build-node.sh"

echo "== cargo test --workspace"
cargo test --locked --workspace

echo "== benchmark test suites (runtime-benchmarks, pallets only)"
SKIP_WASM_BUILD=1 cargo test --locked -p pallet-datasets -p pallet-models -p pallet-stake -p pallet-attribution \
  --features runtime-benchmarks benchmark

echo "== end-to-end: dev node + polkadot.js client"
# One test file at a time: the multi-node tests measure blocks from payment to settlement,
# and on a many-core machine node would otherwise run every file (each with its own nodes) at
# once on shared cores.
node --test --test-concurrency=1 "$REPO_ROOT/scripts/e2e/"
