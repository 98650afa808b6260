#!/usr/bin/env bash
# Starts Debian's podman as a Docker-compatible API service for the podman
# driver, unless something already answers on its socket, and imports the
# test images into it. Idempotent; leaves the service running.
#
#   start-podman.sh [IMAGE...]    (default: driftless-test/busybox:1)
#
# Podman keeps an image imported as "driftless-test/busybox:1" under
# "localhost/driftless-test/busybox:1"; specs name it either way (podman
# resolves the short name to the local image first).
set -euo pipefail
cd "$(dirname "$0")"

sock=/run/podman/podman.sock
answers() { curl -sf --max-time 2 --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1; }

# runc on this VM fails with "error setting rlimit type 6" unless podman is
# told default ulimits it may set (DESIGN.md §8).
conf=/etc/containers/containers.conf
if ! grep -qs '^[[:space:]]*default_ulimits' "$conf"; then
  mkdir -p /etc/containers
  if grep -qs '^\[containers\]' "$conf"; then
    sed -i '/^\[containers\]/a default_ulimits = ["nofile=1024:1024","nproc=4096:4096"]' "$conf"
  else
    printf '[containers]\ndefault_ulimits = ["nofile=1024:1024","nproc=4096:4096"]\n' >> "$conf"
  fi
  echo "wrote default_ulimits to $conf" >&2
fi

if ! answers; then
  mkdir -p "$(dirname "$sock")"
  echo "starting podman system service on unix://$sock (log: /var/log/driftless-podman.log)" >&2
  # From /: conmon runs in the service's working folder, and every container
  # start fails ("Failed to get working directory") once that folder is gone
  # (a test checkout removed while the service lives on).
  (cd / && nohup podman system service --time=0 "unix://$sock" >/var/log/driftless-podman.log 2>&1 &)
  ok=
  for _ in $(seq 1 120); do
    if answers; then ok=1; break; fi
    sleep 0.5
  done
  if [ -z "$ok" ]; then
    echo "podman did not answer on $sock within 60 s; see /var/log/driftless-podman.log" >&2
    exit 1
  fi
fi

if [ "$#" -eq 0 ]; then set -- driftless-test/busybox:1; fi
for image in "$@"; do
  bash ./build-image.sh "$image" podman
done
