#!/usr/bin/env bash
# Installs everything the project needs to build, run and test, and nothing twice:
# Rust targets (wasm32v1-none, wasm32-unknown-unknown) and rust-src, Debian packages
# (protoc, clang), and the polkadot.js client's npm dependencies. Safe to run repeatedly.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

say() { printf '[setup] %s\n' "$*"; }

# Rust toolchain pieces for the runtime's wasm build.
installed_targets="$(rustup target list --installed)"
for target in wasm32v1-none wasm32-unknown-unknown; do
  if ! grep -qx "$target" <<<"$installed_targets"; then
    say "rustup target add $target"
    rustup target add "$target"
  fi
done
if ! rustup component list --installed | grep -q '^rust-src'; then
  say "rustup component add rust-src"
  rustup component add rust-src
fi

# Debian packages: protoc (libp2p's protobufs), clang (C dependencies).
missing=()
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
command -v clang >/dev/null 2>&1 || missing+=(clang)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
if ((${#missing[@]})); then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  say "apt-get install ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

# The polkadot.js client (lockfile-exact).
client="$REPO_ROOT/scripts/client"
if [ ! -d "$client/node_modules/@polkadot/api" ] || [ "$client/package-lock.json" -nt "$client/node_modules/.package-lock.json" ]; then
  say "npm ci in scripts/client"
  (cd "$client" && npm ci --no-audit --no-fund --loglevel=error)
fi
say "ready (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
