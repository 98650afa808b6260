#!/usr/bin/env bash
# Converges N containers from empty on the local dockerd four ways, in
# alternating rounds, and prints the median of each and the ratios:
#   raw      the engine's own limit: create + start through the Engine API
#            with curl over the socket, 8 containers in flight, no tool around
#   apply    driftless apply -s DIR (8 actions in flight, its default)
#   run      driftless run, already watching an empty folder: from the first
#            file written to the last container's start event
#   compose  Debian's docker-compose up -d on the equivalent compose file
#            (COMPOSE_PARALLEL_LIMIT raised above N: see time_compose)
# Every container is the same: the locally built busybox image running its
# default `sleep infinity`, on the default bridge network.
# Usage: bench/converge.sh [N...]   (default: 50 200; ROUNDS=3 rounds each)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(50 200)
rounds=${ROUNDS:-3}

prepare_docker

work=$(mktemp -d)
tag=bench-converge-$$
run_pid=
cleanup() {
  [ -n "$run_pid" ] && { kill "$run_pid" 2>/dev/null || true; wait "$run_pid" 2>/dev/null || true; }
  stop_watch 2>/dev/null || true
  remove_labelled "driftless.bench=$tag"
  rm -rf "$work"
}
trap cleanup EXIT

# The same N containers, written for each tool.
write_inputs() {
  local n=$1
  rm -rf "$work/specs" "$work/compose"
  mkdir -p "$work/specs" "$work/compose"
  {
    echo 'version: "2.4"'
    echo 'services:'
  } >"$work/compose/docker-compose.yml"
  for i in $(seq 1 "$n"); do
    printf 'kind: Service\nname: %s-%d\nimage: %s\npull: never\nlabels: {driftless.bench: %s}\n' \
      "$tag" "$i" "$image" "$tag" >"$work/specs/c$i.yaml"
    printf '  c%d:\n    image: %s\n    container_name: %s-c%d\n    network_mode: bridge\n    labels: {driftless.bench: %s}\n' \
      "$i" "$image" "$tag" "$i" "$tag" >>"$work/compose/docker-compose.yml"
  done
}

raw_one() {
  local name=$1
  local id
  id=$(curl -sf --unix-socket /var/run/docker.sock -H 'Content-Type: application/json' \
    -d "{\"Image\":\"$image\",\"Labels\":{\"driftless.bench\":\"$tag\"}}" \
    "http://localhost/v1.41/containers/create?name=$name" | sed -E 's/.*"Id":"([0-9a-f]+)".*/\1/')
  curl -sf --unix-socket /var/run/docker.sock -X POST "http://localhost/v1.41/containers/$id/start" >/dev/null
}
export -f raw_one
export image tag

time_raw() {
  local n=$1 t0 t1
  t0=$(now_ns)
  seq 1 "$n" | xargs -P 8 -I{} bash -c "raw_one $tag-r{}"
  t1=$(now_ns)
  [ "$(docker ps -q --filter "label=driftless.bench=$tag" | wc -l)" -eq "$n" ] || { echo "raw: not all running" >&2; exit 1; }
  elapsed_ms "$t0" "$t1"
}

time_apply() {
  local n=$1 t0 t1
  t0=$(now_ns)
  "$driftless" apply -s "$work/specs" --owner "$tag-a" --log-level warn >/dev/null
  t1=$(now_ns)
  [ "$(docker ps -q --filter "label=io.driftless.owner=$tag-a" | wc -l)" -eq "$n" ] || { echo "apply: not all running" >&2; exit 1; }
  elapsed_ms "$t0" "$t1"
}

time_run() {
  local n=$1 t0 last
  rm -rf "$work/watched"
  mkdir -p "$work/watched"
  # Ready once its first pass over the empty folder is done.
  start_driftless_run "$work/run.log" -s "$work/watched" --owner "$tag-w"
  t0=$(now_ns)
  watch_starts "io.driftless.owner=$tag-w" "$work/starts" "$t0"
  cp "$work"/specs/*.yaml "$work/watched/"
  last=$(wait_starts "$work/starts" "$n")
  stop_watch
  kill "$run_pid"; wait "$run_pid" 2>/dev/null || true
  run_pid=
  elapsed_ms "$t0" "$last"
}

time_compose() {
  local n=$1 t0 t1
  # docker-compose 1.29 deadlocks once a file has more services than its
  # parallel limit (default 64; docker/compose#5864, #8161): nested tasks
  # wait for slots their parents hold. Raising the limit is the known way
  # round it, and leaves compose unbounded, its fastest.
  local limit=$(( 2 * n > 64 ? 2 * n : 64 ))
  t0=$(now_ns)
  COMPOSE_PARALLEL_LIMIT=$limit docker-compose -p "${tag//-/}" -f "$work/compose/docker-compose.yml" up -d >/dev/null 2>"$work/compose.log" \
    || { cat "$work/compose.log" >&2; exit 1; }
  t1=$(now_ns)
  [ "$(docker ps -q --filter "label=driftless.bench=$tag" | wc -l)" -eq "$n" ] || { echo "compose: not all running" >&2; exit 1; }
  elapsed_ms "$t0" "$t1"
}

machine_line
for n in "${sizes[@]}"; do
  write_inputs "$n"
  declare -A times=()
  for r in $(seq 1 "$rounds"); do
    for way in raw apply run compose; do
      remove_labelled "driftless.bench=$tag"
      t=$("time_$way" "$n")
      times[$way]="${times[$way]:-} $t"
      echo "N=$n round $r $way: $t ms" >&2
    done
  done
  remove_labelled "driftless.bench=$tag"
  raw=$(median ${times[raw]}); apply=$(median ${times[apply]}); run=$(median ${times[run]}); compose=$(median ${times[compose]})
  echo "N=$n ($rounds rounds, medians): raw $raw ms | driftless apply $apply ms | driftless run $run ms | docker-compose $compose ms"
  echo "N=$n ratios: apply/raw $(ratio "$apply" "$raw") | run/raw $(ratio "$run" "$raw") | apply/compose $(ratio "$apply" "$compose") | run/compose $(ratio "$run" "$compose")"
  unset times
done
