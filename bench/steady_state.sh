#!/usr/bin/env bash
# What driftless costs once N containers (default 1,000) are converged, on
# the local dockerd:
#   - one no-op pass: CPU time of the loop's thread and engine requests, from
#     driftless's own /metrics (driftless_pass_cpu_seconds,
#     driftless_pass_engine_requests), over PASSES passes (default 10) of
#     `run --resync 1s`;
#   - `run` between passes: CPU of the whole process over an idle window
#     (IDLE seconds, default 20) from /proc, with no pass in it;
#   - resident memory of `run` (VmRSS, and VmHWM, its peak) after those.
# Usage: bench/steady_state.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

n=${1:-1000}
passes=${PASSES:-10}
idle=${IDLE:-20}

prepare_docker

work=$(mktemp -d)
owner=bench-steady-$$
run_pid=
cleanup() {
  [ -n "$run_pid" ] && { kill "$run_pid" 2>/dev/null || true; wait "$run_pid" 2>/dev/null || true; }
  remove_labelled "io.driftless.owner=$owner"
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/specs"
for i in $(seq 1 "$n"); do
  printf 'kind: Service\nname: %s-%d\nimage: %s\npull: never\ncommand: [sleep, infinity]\nrestart: unless-stopped\nlabels: {app: steady, index: "%d"}\n' \
    "$owner" "$i" "$image" "$i" >"$work/specs/c$i.yaml"
done

echo "converging $n containers with driftless apply ..." >&2
t0=$(now_ns)
"$driftless" apply -s "$work/specs" --owner "$owner" --log-level warn
echo "  done in $(elapsed_ms "$t0" "$(now_ns)") ms" >&2
[ "$(docker ps -q --filter "label=io.driftless.owner=$owner" | wc -l)" -eq "$n" ] || { echo "not all $n running" >&2; exit 1; }

# Starts `run` with the given extra flags and waits for its first pass.
start_run() { start_driftless_run "$work/run.log" -s "$work/specs" --owner "$owner" "$@"; }
stop_run() { kill "$run_pid"; wait "$run_pid" 2>/dev/null || true; run_pid=; }
metric() { curl -sf "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
proc_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$run_pid/stat"; }
proc_status() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$run_pid/status"; }

# 1. No-op passes.
start_run --resync 1s
cpu=() reqs=()
seen=$(metric driftless_passes_total)
for _ in $(seq 1 "$passes"); do
  deadline=$(( $(date +%s) + 30 ))
  while [ "$(metric driftless_passes_total)" = "$seen" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "no pass within 30 s" >&2; exit 1; }
    sleep 0.1
  done
  seen=$(metric driftless_passes_total)
  cpu+=("$(awk -v s="$(metric driftless_pass_cpu_seconds)" 'BEGIN { printf "%.2f", s * 1000 }')")
  reqs+=("$(metric driftless_pass_engine_requests)")
done
actions=$(curl -sf "http://127.0.0.1:$port/metrics" | awk '/^driftless_actions_total/ { s += $2 } END { print s + 0 }')
busy_rss=$(proc_status VmRSS)
stop_run
[ "$actions" -eq 0 ] || { echo "the passes were not no-ops: $actions action(s)" >&2; exit 1; }

# 2. Idle between passes, and memory.
start_run
passes_before=$(metric driftless_passes_total)
ticks_before=$(proc_cpu_ticks)
sleep "$idle"
ticks_after=$(proc_cpu_ticks)
passes_after=$(metric driftless_passes_total)
rss=$(proc_status VmRSS)
hwm=$(proc_status VmHWM)
stop_run

hz=$(getconf CLK_TCK)
machine_line
echo "N=$n converged, no-op pass over $passes passes: CPU median $(median "${cpu[@]}") ms (min $(printf '%s\n' "${cpu[@]}" | sort -g | head -1), max $(printf '%s\n' "${cpu[@]}" | sort -g | tail -1)); engine requests per pass: $(printf '%s\n' "${reqs[@]}" | sort -u | tr '\n' ' ')"
echo "idle: $(awk -v t=$((ticks_after - ticks_before)) -v hz="$hz" -v s="$idle" 'BEGIN { printf "%.1f ms", t * 1000 / hz }') of CPU over ${idle} s ($((passes_after - passes_before)) pass(es) in the window; /proc resolution $((1000 / hz)) ms)"
echo "memory of run: VmRSS $rss kB idle after its first pass (peak VmHWM $hwm kB); $busy_rss kB after $passes passes 1 s apart"
