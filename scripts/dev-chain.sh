#!/usr/bin/env bash
# Sets everything up, builds the node and starts a one-node development chain:
# Alice validates and attests, off-chain workers run, RPC on ws://127.0.0.1:9944.
# Extra arguments go to the node (e.g. `--base-path /tmp/trib` to keep the chain).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$REPO_ROOT/scripts/setup.sh"
"$REPO_ROOT/scripts/build-node.sh"
args=(--dev --rpc-port "${RPC_PORT:-9944}")
# Without --base-path, --dev keeps the chain in a temporary directory.
exec "$TRIBUTARY_BIN" "${args[@]}" "$@"
