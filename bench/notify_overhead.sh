#!/usr/bin/env bash
# What a webhook costs the loop: `driftless run` over SERVICES containers on
# the local dockerd heals TRIALS containers removed by hand, one at a time,
# three times over:
#   none     no --notify;
#   answers  --notify to a receiver that answers 200 at once;
#   hangs    --notify to a receiver that accepts and never answers (each
#            delivery waits out the notifier's 5 s timeout, then retries).
# For each: the passes' mean and largest duration (from the
# driftless_pass_duration_seconds histogram on /metrics, over the trials
# only) and the time from `docker rm -f` to the container running again.
# The receivers are python3's socket module on 127.0.0.1.
# Usage: bench/notify_overhead.sh [TRIALS] [SERVICES]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

trials=${1:-30}
services=${2:-50}

prepare_docker

work=$(mktemp -d)
owner=bench-notify-$$
run_pid=
hook_pid=
stop_run() {
  [ -n "$run_pid" ] && { kill "$run_pid" 2>/dev/null || true; wait "$run_pid" 2>/dev/null || true; }
  run_pid=
}
stop_hook() {
  [ -n "$hook_pid" ] && { kill "$hook_pid" 2>/dev/null || true; wait "$hook_pid" 2>/dev/null || true; }
  hook_pid=
}
cleanup() {
  stop_run
  stop_hook
  remove_labelled "io.driftless.owner=$owner"
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/watched"
for i in $(seq 1 "$services"); do
  printf 'kind: Service\nname: %s\nimage: %s\npull: never\ncommand: ["sleep", "3600"]\nstop_grace_period: 1s\n' \
    "$owner-s$i" "$image" >"$work/watched/s$i.yaml"
done

# A receiver on a free port, written to FILE once it listens: MODE answers
# (200 at once) or hangs (reads the request, never answers).
start_hook() {
  local mode=$1 file=$2
  python3 - "$mode" "$file" <<'PY' &
import socket, sys, threading
mode, file = sys.argv[1], sys.argv[2]
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
open(file, "w").write(str(s.getsockname()[1]))
held = []
def serve(c):
    c.recv(65536)
    if mode == "answers":
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        c.close()
    else:
        held.append(c)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
  hook_pid=$!
  for _ in $(seq 1 100); do [ -s "$file" ] && return 0; sleep 0.05; done
  echo "the receiver did not start" >&2
  exit 1
}

metric() { curl -sf "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
running_id() { docker inspect -f '{{if .State.Running}}{{.Id}}{{end}}' "$1" 2>/dev/null || true; }

measure() {
  local mode=$1 extra=()
  stop_hook
  if [ "$mode" != none ]; then
    start_hook "$mode" "$work/hook-$mode"
    extra=(--notify "http://127.0.0.1:$(cat "$work/hook-$mode")/hook")
  fi
  start_driftless_run "$work/run-$mode.log" -s "$work/watched" --owner "$owner" --log-format json --log-level debug "${extra[@]}"
  local deadline=$(( $(date +%s) + 300 ))
  until [ "$(docker ps -q --filter "label=io.driftless.owner=$owner" | wc -l)" -eq "$services" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "$mode: not all $services running" >&2; exit 1; }
    sleep 0.2
  done
  sleep 2   # the pass that confirms what the first one made
  local sum0 count0
  sum0=$(metric driftless_pass_duration_seconds_sum)
  count0=$(metric driftless_pass_duration_seconds_count)
  : >"$work/heal-$mode"
  for i in $(seq 1 "$trials"); do
    local name="$owner-s$(( (i - 1) % services + 1 ))" old t0 t1 id
    old=$(running_id "$name")
    t0=$(now_ns)
    docker rm -f "$name" >/dev/null
    deadline=$(( $(date +%s) + 60 ))
    while :; do
      id=$(running_id "$name")
      [ -n "$id" ] && [ "$id" != "$old" ] && break
      [ "$(date +%s)" -lt "$deadline" ] || { echo "$mode: $name was not healed within 60 s" >&2; exit 1; }
      sleep 0.01
    done
    t1=$(now_ns)
    elapsed_ms "$t0" "$t1" >>"$work/heal-$mode"
    echo >>"$work/heal-$mode"
  done
  sleep 2
  local sum1 count1 largest
  sum1=$(metric driftless_pass_duration_seconds_sum)
  count1=$(metric driftless_pass_duration_seconds_count)
  largest=$(grep -o '"msg":"pass done: [0-9]* action(s), [0-9.]* ms' "$work/run-$mode.log" 2>/dev/null | tail -n +2 |
            sed -E 's/.*, ([0-9.]+) ms/\1/' | sort -n | tail -1)
  awk -v m="$mode" -v s0="$sum0" -v s1="$sum1" -v c0="$count0" -v c1="$count1" -v big="${largest:-?}" \
    'BEGIN { printf "%-8s passes=%d mean pass=%.1f ms largest pass=%s ms", m, c1 - c0, (s1 - s0) * 1000 / (c1 - c0), big }'
  sort -n "$work/heal-$mode" | awk '{ x[NR] = $1 } END { printf "  heal p50=%.0f ms max=%.0f ms\n", x[int((NR + 1) / 2)], x[NR] }'
  stop_run
}

machine_line
echo "$services services, $trials heals each" >&2
for mode in none answers hangs; do measure "$mode"; done
