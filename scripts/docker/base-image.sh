#!/usr/bin/env bash
# Makes the base image `tributary-base:bookworm-2` without a registry (idempotent): a minimal
# Debian root file system from debootstrap (with the root CA certificates the node's HTTP
# client needs), from the same Debian mirror apt uses here, imported with `docker import`.
# The tag's number changes whenever the package list does.
set -euo pipefail
IMAGE="${TRIBUTARY_BASE_IMAGE:-tributary-base:bookworm-2}"
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
say "debootstrap --variant=minbase --include=ca-certificates bookworm from $mirror"
debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror" >/tmp/tributary-debootstrap.log 2>&1 \
  || { tail -20 /tmp/tributary-debootstrap.log; exit 1; }
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
say "docker import -> $IMAGE"
tar -C "$rootfs" -c . | docker import - "$IMAGE" >/dev/null
