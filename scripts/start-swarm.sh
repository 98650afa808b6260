#!/usr/bin/env bash
# Makes the local dockerd a single-node swarm manager for the swarm driver:
# starts dockerd (scripts/start-dockerd.sh) when nothing answers, then
# `docker swarm init --advertise-addr 127.0.0.1` unless the node already is
# in an active swarm. Idempotent; leaves the swarm running.
set -euo pipefail
cd "$(dirname "$0")"

bash ./start-dockerd.sh
state=$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || true)
case "$state" in
  active) ;;
  pending)
    echo "this node is joining another swarm (state \"pending\"); leave it with 'docker swarm leave --force' first" >&2
    exit 1 ;;
  *)
    echo "initialising a single-node swarm on 127.0.0.1" >&2
    docker swarm init --advertise-addr 127.0.0.1 >/dev/null ;;
esac
# A manager that was just made may take a moment to answer service calls.
for _ in $(seq 1 60); do
  docker node ls >/dev/null 2>&1 && exit 0
  sleep 0.5
done
echo "the swarm did not become ready within 30 s (docker node ls keeps failing)" >&2
exit 1
