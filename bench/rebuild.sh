#!/usr/bin/env bash
# From a source file edited in a small build context to the rebuilt
# container running with the new content, on the local dockerd, two ways,
# in alternating rounds:
#   run      driftless run watching the project (--resync 10m: only its
#            inotify watch on the build context can see the edit);
#   compose  Debian's docker-compose 1.29 `up -d --build`, started right
#            after the edit (so a person's reaction time is not counted).
# The same compose project for both, in two folders (two project names):
# one service built FROM the locally built busybox image (no pull), a
# context of 20 small files and index.txt; the edit writes a new index.txt
# in place. Each round's time ends at the new container's start event (the
# engine's own stamp); its /index.txt is then checked to hold the edit.
# Usage: bench/rebuild.sh [ROUNDS]   (default 7; BENCH_SKIP_BUILD=1 uses
# the binary already in build/)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

rounds=${1:-7}

if [ -n "${BENCH_SKIP_BUILD:-}" ]; then
  bash scripts/start-dockerd.sh
  bash scripts/build-image.sh "$image"
else
  prepare_docker
fi

work=$(mktemp -d)
tag=bench-rebuild-$$
owner=$tag
run_project=rbd$$
compose_project=rbc$$
run_pid=
cleanup() {
  [ -n "$run_pid" ] && { kill "$run_pid" 2>/dev/null || true; wait "$run_pid" 2>/dev/null || true; }
  stop_watch 2>/dev/null || true
  remove_labelled "io.driftless.owner=$owner"
  remove_labelled "com.docker.compose.project=$compose_project"
  docker image ls -q --filter "label=driftless.bench=$tag" | sort -u | xargs -r docker rmi -f >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# The project, in FOLDER. The container's shell ends at once on SIGTERM
# (busybox sleep as PID 1 would not), so neither tool waits out a grace
# period to replace it.
write_project() {
  local dir=$1
  mkdir -p "$dir/app/src"
  cat >"$dir/docker-compose.yml" <<EOF
version: "2.4"
services:
  web:
    build: ./app
    stop_grace_period: 2s
EOF
  cat >"$dir/app/Dockerfile" <<EOF
FROM $image
LABEL driftless.bench=$tag
COPY src /src
COPY index.txt /index.txt
CMD ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1 & wait; done"]
EOF
  for i in $(seq 1 20); do printf 'source file %d\n' "$i" >"$dir/app/src/f$i.txt"; done
  echo v0 >"$dir/app/index.txt"
}

write_project "$work/$run_project"
write_project "$work/$compose_project"

# Waits until CONTAINER's /index.txt reads TEXT (60 s at most).
wait_content() {
  local container=$1 text=$2 deadline=$(( $(date +%s) + 60 ))
  until [ "$(docker exec "$container" cat /index.txt 2>/dev/null)" = "$text" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "$container never showed $text" >&2; exit 1; }
    sleep 0.1
  done
}

# One edit: writes TEXT into FOLDER's index.txt in place and prints the ms
# to the start of the container carrying LABEL; COMMAND (optional) runs
# right after the edit.
time_edit() {
  local folder=$1 text=$2 label=$3 container=$4; shift 4
  local t0 start
  t0=$(now_ns)
  watch_starts "$label" "$work/starts" "$t0"
  echo "$text" >"$folder/app/index.txt"
  if [ $# -gt 0 ]; then "$@" >"$work/compose.log" 2>&1 || { cat "$work/compose.log" >&2; exit 1; }; fi
  start=$(wait_starts "$work/starts" 1 120)
  stop_watch
  wait_content "$container" "$text"
  elapsed_ms "$t0" "$start"
}

compose() { docker-compose -p "$compose_project" -f "$work/$compose_project/docker-compose.yml" "$@"; }

# Both up once, so every round rebuilds over a warm cache.
start_driftless_run "$work/run.log" -s "$work/$run_project" --owner "$owner" --resync 10m
wait_content "$run_project-web-1" v0
compose up -d --build >"$work/compose.log" 2>&1 || { cat "$work/compose.log" >&2; exit 1; }
wait_content "${compose_project}_web_1" v0

machine_line
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
run_times=() compose_times=()
for r in $(seq 1 "$rounds"); do
  t=$(time_edit "$work/$run_project" "run-$r" "io.driftless.owner=$owner" "$run_project-web-1")
  run_times+=("$t")
  echo "round $r run: $t ms" >&2
  # The loop's confirming list after acting: let it pass before the next edit.
  sleep 2
  t=$(time_edit "$work/$compose_project" "compose-$r" "com.docker.compose.project=$compose_project" \
    "${compose_project}_web_1" compose up -d --build)
  compose_times+=("$t")
  echo "round $r compose: $t ms" >&2
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

spread() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "min %s, max %s", lo, hi }'; }
run_median=$(median "${run_times[@]}")
compose_median=$(median "${compose_times[@]}")
echo "edit -> rebuilt container running ($rounds rounds): driftless run $run_median ms ($(spread "${run_times[@]}"))" \
     "| docker-compose up -d --build $compose_median ms ($(spread "${compose_times[@]}"))" \
     "| run/compose $(ratio "$run_median" "$compose_median")"
