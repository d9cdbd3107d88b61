#!/usr/bin/env bash
# Times the engine's contribution-level query (G = 10^4, k = 512) in its no_std core compiled
# for wasm32v1-none and run under wasmtime (the node's executor), next to the native build.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/engine-target}
cargo build --release -q --target wasm32v1-none \
  --manifest-path primitives/attribution/wasm-probe/Cargo.toml
cargo build --release -q --manifest-path scripts/bench/wasm-query/Cargo.toml
"$CARGO_TARGET_DIR/release/tributary-wasm-query-bench" \
  "$CARGO_TARGET_DIR/wasm32v1-none/release/tributary_attribution_wasm_probe.wasm"
