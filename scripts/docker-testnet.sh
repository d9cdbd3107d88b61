#!/usr/bin/env bash
# The 4-validator network in Docker, from the node binary built on the host:
#   scripts/docker-testnet.sh        build the images (base image included, idempotent), start
#                                    docker/compose.yml, wait until every node has 3 peers and
#                                    blocks finalise, and leave it running
#   scripts/docker-testnet.sh down   stop it and remove its containers and volumes
# RPC on the host's loopback: ws://127.0.0.1:19944 (Alice) .. 19947 (Dave). The image runs
# `$TRIBUTARY_BIN` (the debug build by default; `scripts/build-node.sh --release` and
# TRIBUTARY_BIN=…/production/tributary for the release one).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
say() { printf '[docker-testnet] %s\n' "$*"; }
compose() {
  if docker compose version >/dev/null 2>&1; then
    docker compose -p tributary -f "$REPO_ROOT/docker/compose.yml" "$@"
  else
    docker-compose -p tributary -f "$REPO_ROOT/docker/compose.yml" "$@"
  fi
}

if [ "${1:-up}" = down ]; then
  compose down -v --remove-orphans
  exit 0
fi

"$REPO_ROOT/scripts/docker/engine.sh"
[ -x "$TRIBUTARY_BIN" ] || "$REPO_ROOT/scripts/build-node.sh"
"$REPO_ROOT/scripts/docker/base-image.sh"

# The node image: a stripped copy of the host's binary on the base image.
stage="$(mktemp -d /tmp/tributary-image.XXXXXX)"
trap 'rm -rf "$stage"' EXIT
strip -o "$stage/tributary" "$TRIBUTARY_BIN"
say "docker build tributary:latest ($(du -h "$stage/tributary" | cut -f1) binary)"
docker build -q -f "$REPO_ROOT/docker/tributary_injected.Dockerfile" -t tributary:latest "$stage" >/dev/null

compose up -d --no-build
say "waiting for 3 peers each and a finalised block (timeout ${DOCKER_TESTNET_TIMEOUT:-900} s)"
rpc() {
  curl -sf -m 5 -H 'Content-Type: application/json' \
    -d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$2\",\"params\":${3:-[]}}" "http://127.0.0.1:$1"
}
deadline=$((SECONDS + ${DOCKER_TESTNET_TIMEOUT:-900}))
while :; do
  ready=0
  for port in 19944 19945 19946 19947; do
    # (A node still starting refuses the connection: that counts as not ready.)
    peers="$(rpc "$port" system_health | sed -n 's/.*"peers":\([0-9]*\).*/\1/p' || true)"
    head="$(rpc "$port" chain_getFinalizedHead | sed -n 's/.*"result":"\(0x[0-9a-f]*\)".*/\1/p' || true)"
    number=""
    [ -z "$head" ] || number="$(rpc "$port" chain_getHeader "[\"$head\"]" | sed -n 's/.*"number":"\(0x[0-9a-f]*\)".*/\1/p' || true)"
    if [ "${peers:-0}" -ge 3 ] && [ -n "$number" ] && [ $((number)) -gt 0 ]; then
      ready=$((ready + 1))
    fi
  done
  if [ "$ready" -eq 4 ]; then
    say "4 nodes with 3 peers each, finalising: ws://127.0.0.1:19944..19947"
    exit 0
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    say "not ready in time ($ready of 4 nodes ready); logs: docker logs tributary_alice_1"
    compose ps
    exit 1
  fi
  sleep 5
done
