#!/usr/bin/env bash
# A soak of `driftless run` against the local dockerd under churn, for
# MINUTES (default 30): spec files edited, added, removed and half-written,
# a file of garbage now and then, containers killed and removed by hand, and
# once, half way, the engine gone for a while. Every 10 s the driftless
# process's resident memory, open descriptors, CPU and passes done (from
# /metrics) go to a CSV. At the end the churn stops and the invariants are
# checked: every declared container runs, exactly once, nothing else of the
# owner's is left, and a bystander with the same spec name but another
# owner is untouched. Prints a summary; exits 1 when an invariant fails.
#
# The engine outage: SOAK_RESTART_DOCKERD=1 (the default) restarts the
# machine's dockerd, stopping every container on it (not for a machine
# others are testing on); SOAK_RESTART_DOCKERD=0 instead cuts driftless off
# the engine for 20 s: driftless reaches dockerd through a relay socket
# (socat), which is stopped and started again.
# Not run by CI. Usage: bench/soak.sh [MINUTES]   (CSV: $SOAK_CSV, default soak-<pid>.csv)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

minutes=${1:-30}
restart_dockerd=${SOAK_RESTART_DOCKERD:-1}
csv=${SOAK_CSV:-soak-$$.csv}
services=${SOAK_SERVICES:-12}

[ "${SOAK_SKIP_BUILD:-0}" = 1 ] || prepare_docker
command -v socat >/dev/null || { echo "soak needs socat (apt-get install socat)" >&2; exit 1; }

owner=soak-$$
work=$(mktemp -d)
specs=$work/specs
relay=/tmp/driftless-$owner.sock
bystander=$owner-bystander
run_pid= relay_pid= sampler_pid=
cleanup() {
  for p in "$sampler_pid" "$run_pid" "$relay_pid"; do
    [ -n "$p" ] && { kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; }
  done
  remove_labelled "io.driftless.owner=$owner"
  docker rm -f "$bystander" >/dev/null 2>&1 || true
  rm -rf "$work" "$relay"
}
trap cleanup EXIT

start_relay() {
  rm -f "$relay"
  socat "UNIX-LISTEN:$relay,fork" UNIX-CONNECT:/var/run/docker.sock &
  relay_pid=$!
  for _ in $(seq 1 50); do [ -S "$relay" ] && return 0; sleep 0.1; done
}

spec() {   # NAME [ROUND]
  printf 'kind: Service\nname: %s\nimage: %s\npull: never\ncommand: [sleep, infinity]\nstop_grace_period: 1s\nenv: {ROUND: "%s"}\n' \
    "$1" "$image" "${2:-0}"
}
write_spec() {   # FILE NAME [ROUND]: atomically, as editors and git do
  spec "$2" "${3:-0}" >"$specs/.$1.tmp"
  mv "$specs/.$1.tmp" "$specs/$1"
}

mkdir -p "$specs"
for i in $(seq 1 "$services"); do write_spec "s$i.yaml" "$owner-s$i"; done
# unless-stopped: the dockerd restart must not be what stops it.
docker run -d --restart unless-stopped --name "$bystander" --label "io.driftless.owner=$owner-other" --label "io.driftless.name=$owner-s1" \
  "$image" sleep infinity >/dev/null
bystander_id=$(docker inspect -f '{{.Id}}' "$bystander")

start_relay
DOCKER_HOST=unix://$relay start_driftless_run "$work/run.log" -s "$specs" --owner "$owner" --resync 10s --log-level info

echo "seconds,rss_kib,fds,cpu_percent,passes,managed" >"$csv"
sample() {
  local hz t0 ticks0 t ticks
  hz=$(getconf CLK_TCK)
  t0=$(date +%s.%N)
  ticks0=$(awk '{print $14 + $15}' "/proc/$run_pid/stat")
  local start=$t0
  while kill -0 "$run_pid" 2>/dev/null; do
    sleep 10
    t=$(date +%s.%N)
    ticks=$(awk '{print $14 + $15}' "/proc/$run_pid/stat" 2>/dev/null) || break
    local rss fds metrics passes managed
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$run_pid/status")
    fds=$(ls "/proc/$run_pid/fd" | wc -l)
    metrics=$(curl -s --max-time 5 "http://127.0.0.1:$port/metrics" || true)
    passes=$(awk '/^driftless_passes_total/ {print $2}' <<<"$metrics")
    managed=$(awk '/^driftless_objects\{.*state="managed"/ {s += $2} END {print s + 0}' <<<"$metrics")
    awk -v s="$start" -v t="$t" -v t0="$t0" -v a="$ticks0" -v b="$ticks" -v hz="$hz" -v rss="$rss" -v fds="$fds" \
      -v p="${passes:-0}" -v m="$managed" \
      'BEGIN { printf "%.0f,%d,%d,%.2f,%d,%d\n", t - s, rss, fds, 100 * (b - a) / hz / (t - t0), p, m }' >>"$csv"
    t0=$t ticks0=$ticks
  done
}
sample &
sampler_pid=$!

declare -A extra=()   # added spec files
end=$(( $(date +%s) + minutes * 60 ))
outage_at=$(( $(date +%s) + minutes * 30 ))
outage_done=0
actions=0
round=0
echo "soak: $minutes min, owner $owner, CSV $csv" >&2
while [ "$(date +%s)" -lt "$end" ]; do
  round=$((round + 1))
  if [ "$outage_done" = 0 ] && [ "$(date +%s)" -ge "$outage_at" ]; then
    outage_done=1
    if [ "$restart_dockerd" = 1 ]; then
      echo "soak: restarting dockerd" >&2
      pid=$(pgrep -xo dockerd)
      kill "$pid"
      while kill -0 "$pid" 2>/dev/null; do sleep 0.5; done
      bash scripts/start-dockerd.sh
    else
      echo "soak: engine unreachable for 20 s (relay stopped)" >&2
      kill "$relay_pid"; wait "$relay_pid" 2>/dev/null || true
      rm -f "$relay"
      sleep 20
      start_relay
    fi
  fi
  n=$(( RANDOM % services + 1 ))
  case $(( RANDOM % 8 )) in
    0 | 1) write_spec "s$n.yaml" "$owner-s$n" "$round" ;;                       # edited
    2) f=a$round.yaml; write_spec "$f" "$owner-a$round"; extra[$f]=1 ;;          # added
    3) for f in "${!extra[@]}"; do rm -f "$specs/$f"; unset "extra[$f]"; break; done ;;   # removed
    4) spec "$owner-s$n" "$round" >"$work/full"                                   # half-written, then finished
       head -c 40 "$work/full" >"$specs/s$n.yaml"; sleep 0.5; cat "$work/full" >"$specs/s$n.yaml" ;;
    5) printf 'kind: Service\nname: [unclosed\n' >"$specs/junk.yaml"; sleep 0.5; rm -f "$specs/junk.yaml" ;;
    6) docker kill "$owner-s$n" >/dev/null 2>&1 || true ;;
    7) docker rm -f "$owner-s$n" >/dev/null 2>&1 || true ;;
  esac
  actions=$((actions + 1))
  sleep $(( RANDOM % 3 + 1 ))
done

echo "soak: churn over after $actions actions; checking the invariants" >&2
declared=$(for f in "$specs"/*.yaml; do sed -n 's/^name: //p' "$f"; done | sort)
converged=0
for _ in $(seq 1 120); do
  running=$(docker ps --filter "label=io.driftless.owner=$owner" --filter status=running --format '{{.Names}}' | sort)
  [ "$running" = "$declared" ] && { converged=1; break; }
  sleep 1
done
all=$(docker ps -a --filter "label=io.driftless.owner=$owner" --format '{{.Names}}' | sort)
ok=1
check() { if eval "$2"; then echo "  ok    $1"; else echo "  FAIL  $1"; ok=0; fi; }
echo "invariants:"
check "every declared container runs (within 120 s of the churn's end)" '[ "$converged" = 1 ]'
check "one container per declared name, none besides" '[ "$all" = "$declared" ]'
check "the bystander (another owner) is untouched" \
  '[ "$(docker inspect -f "{{.Id}} {{.State.Running}}" "$bystander" 2>/dev/null)" = "$bystander_id true" ]'
check "driftless plan finds nothing to do" \
  '"$driftless" plan -s "$specs" --owner "$owner" --log-level warn >/dev/null 2>&1'
check "driftless run still runs" 'kill -0 "$run_pid" 2>/dev/null'

kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=
echo "summary ($(nproc) cores, $(. /etc/os-release && echo "$PRETTY_NAME"), $(docker version -f '{{.Server.Version}}' 2>/dev/null)):"
awk -F, -v actions="$actions" 'NR == 2 { r0 = $2; f0 = $3 }
  NR > 1 { n++; if ($2 > rmax) rmax = $2; if ($3 > fmax) fmax = $3; cpu += $4; if ($4 > cmax) cmax = $4; last = $0; r = $2; f = $3; p = $5; s = $1 }
  END {
    printf "  %d s sampled, %d churn actions, %d passes\n", s, actions, p
    printf "  RSS KiB: first %d, max %d, last %d\n", r0, rmax, r
    printf "  open descriptors: first %d, max %d, last %d\n", f0, fmax, f
    printf "  CPU: mean %.2f%%, max %.2f%% of one core per 10 s sample\n", cpu / n, cmax
  }' "$csv"
echo "  CSV: $csv"
[ "$ok" = 1 ]
