#!/usr/bin/env bash
# Starts Debian's dockerd in the background unless an engine already answers
# on the default socket. Idempotent; leaves it running for the next caller.
set -euo pipefail

sock=/var/run/docker.sock
answers() { curl -sf --max-time 2 --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1; }

answers && exit 0
if ! pgrep -x dockerd >/dev/null; then
  echo "starting dockerd (log: /var/log/driftless-dockerd.log)" >&2
  nohup dockerd >/var/log/driftless-dockerd.log 2>&1 &
fi
for _ in $(seq 1 120); do
  answers && exit 0
  sleep 0.5
done
echo "dockerd did not answer on $sock within 60 s; see /var/log/driftless-dockerd.log" >&2
exit 1
