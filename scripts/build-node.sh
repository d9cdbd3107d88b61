#!/usr/bin/env bash
# Builds the `tributary` node (debug profile, runtime wasm included).
# Pass extra cargo arguments through, e.g. `--features runtime-benchmarks`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"
cargo build --locked -p tributary-node "$@"
