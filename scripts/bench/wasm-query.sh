#!/usr/bin/env bash
# Times the engine's contribution-level query (G = 10^4, k = 512) in its no_std core compiled
# for wasm32v1-none and run under wasmtime (the node's executor), next to the native build;
# then the copying decode (`Index::decode_with_limits`) against the zero-copy view
# (`IndexView::parse`), each with 10 queries, natively and in wasm, with peak allocation.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/engine-target}
cargo build --release -q --target wasm32v1-none \
  --manifest-path primitives/attribution/wasm-probe/Cargo.toml
cargo build --release -q --manifest-path scripts/bench/wasm-query/Cargo.toml
cargo build --release -q --manifest-path primitives/attribution/wasm-probe/bench/Cargo.toml
probe="$CARGO_TARGET_DIR/wasm32v1-none/release/tributary_attribution_wasm_probe.wasm"
"$CARGO_TARGET_DIR/release/tributary-wasm-query-bench" "$probe"
echo
"$CARGO_TARGET_DIR/release/tributary-attribution-view-bench" "$probe"
