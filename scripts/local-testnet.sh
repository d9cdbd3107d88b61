#!/usr/bin/env bash
# Starts the 4-validator `local` network (Alice, Bob, Charlie, Dave) on loopback; all four
# attest (their `attr` keys come from the dev seeds), quorum 3 of 4 (genesis preset).
# RPC: Alice ws://127.0.0.1:9944, Bob 9945, Charlie 9946, Dave 9947. Logs in $BASE/<name>.log.
# Stop with Ctrl-C (all four nodes stop).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$REPO_ROOT/scripts/setup.sh"
"$REPO_ROOT/scripts/build-node.sh"

BASE="${BASE:-$(mktemp -d /tmp/tributary-local.XXXXXX)}"
mkdir -p "$BASE"
# Fixed node keys (validators need one; Alice's also gives the others her peer id).
node_key() { printf '%064x' "$1"; }
ALICE_PEER_ID=$("$TRIBUTARY_BIN" key inspect-node-key --file <(node_key 1))
BOOTNODE="/ip4/127.0.0.1/tcp/30333/p2p/$ALICE_PEER_ID"

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
i=0
for name in alice bob charlie dave; do
  args=(--chain local "--$name" --base-path "$BASE/$name" --port $((30333 + i))
        --rpc-port $((9944 + i)) --prometheus-port $((9615 + i)) --no-mdns
        --node-key "$(node_key $((i + 1)))")
  [ "$name" = alice ] || args+=(--bootnodes "$BOOTNODE")
  "$TRIBUTARY_BIN" "${args[@]}" >"$BASE/$name.log" 2>&1 &
  pids+=($!)
  echo "$name: ws://127.0.0.1:$((9944 + i)) (log $BASE/$name.log)"
  i=$((i + 1))
done
wait
