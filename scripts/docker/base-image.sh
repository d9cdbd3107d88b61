#!/usr/bin/env bash
# Makes the base image `tributary-base:bookworm` without a registry (idempotent): a minimal
# Debian root file system from debootstrap, from the same Debian mirror apt uses here,
# imported with `docker import`.
set -euo pipefail
IMAGE="${TRIBUTARY_BASE_IMAGE:-tributary-base:bookworm}"
say() { printf '[docker] %s\n' "$*"; }
if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  say "base image $IMAGE present"
  exit 0
fi
mirror="$(grep -rhoE '^URIs: *https?://[^ ]*/debian$' /etc/apt/sources.list.d 2>/dev/null | head -1 | sed 's/^URIs: *//')"
[ -n "$mirror" ] || mirror="$(grep -hoE '^deb +https?://[^ ]*/debian ' /etc/apt/sources.list 2>/dev/null | head -1 | awk '{print $2}')"
mirror="${mirror:-http://deb.debian.org/debian}"
rootfs="$(mktemp -d /tmp/tributary-rootfs.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT
say "debootstrap --variant=minbase bookworm from $mirror"
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/tmp/tributary-debootstrap.log 2>&1 \
  || { tail -20 /tmp/tributary-debootstrap.log; exit 1; }
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
say "docker import -> $IMAGE"
tar -C "$rootfs" -c . | docker import - "$IMAGE" >/dev/null
