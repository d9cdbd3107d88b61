#!/usr/bin/env bash
# Makes a Docker engine available (idempotent): Debian's docker.io, docker-compose and
# debootstrap when missing, and a `dockerd` started in the background when none answers
# (machines without systemd). Exits 3 if no engine can be had (the caller then skips).
set -euo pipefail
say() { printf '[docker] %s\n' "$*"; }
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if ((${#missing[@]})); then
  say "apt-get install ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  say "starting dockerd (log /tmp/tributary-dockerd.log)"
  $sudo_cmd sh -c 'nohup dockerd >/tmp/tributary-dockerd.log 2>&1 &'
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
fi
docker info >/dev/null 2>&1 || { say "no Docker engine answers"; exit 3; }
