# Shared by the end-to-end benchmarks in bench/: sourced, not run.

driftless=${DRIFTLESS_BIN:-build/cli/driftless}
image=driftless-test/busybox:1

now_ns() { date +%s%N; }

# Builds driftless, starts dockerd when none answers, builds the image.
prepare_docker() {
  bash scripts/build.sh >/dev/null
  bash scripts/start-dockerd.sh
  bash scripts/build-image.sh "$image"
}

# Starts `driftless run ARGS... --listen 127.0.0.1:0` logging into LOG and
# waits (60 s at most) until its first pass is done. Sets run_pid and port.
start_driftless_run() {
  local log=$1; shift
  "$driftless" run "$@" --listen 127.0.0.1:0 >"$log" 2>&1 &
  run_pid=$!
  port=
  for _ in $(seq 1 600); do
    port=$(sed -nE 's|.*status on http://127\.0\.0\.1:([0-9]+)/.*|\1|p' "$log" | head -1)
    [ -n "$port" ] && curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    port=
    sleep 0.1
  done
  echo "run did not become ready; log:" >&2
  cat "$log" >&2
  exit 1
}

# ms between two nanosecond stamps, to one decimal.
elapsed_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }

# Removes every container carrying LABEL (key or key=value), 8 removals in flight.
remove_labelled() {
  docker ps -aq --filter "label=$1" | xargs -r -n 25 -P 8 docker rm -f >/dev/null
}

# Starts `docker events` for container start events of containers carrying
# LABEL since the nanosecond stamp SINCE, one "STAMP WORKLOAD" line per start
# into FILE, WORKLOAD being the swarm service a task container belongs to,
# else the container's name. The engine replays events since SINCE, so none
# is missed however late the stream opens. Sets events_pid.
watch_starts() {
  local label=$1 file=$2 since=$3
  : >"$file"
  docker events --since "${since:0:10}.${since:10}" --filter type=container --filter event=start \
    --filter "label=$label" \
    --format '{{.TimeNano}} {{with index .Actor.Attributes "com.docker.swarm.service.name"}}{{.}}{{else}}{{.Actor.Attributes.name}}{{end}}' \
    >"$file" 2>/dev/null &
  events_pid=$!
}

# Waits until N distinct workloads have started in FILE (deadline SECONDS,
# default 600) and prints the stamp at which the Nth first started. A
# workload counts once: a task that failed and was replaced must not make
# the count early. Fails when the deadline passes.
first_starts() { sort -n "$1" | awk '!seen[$2]++ { print $1 }'; }
wait_starts() {
  local file=$1 n=$2 deadline=$(( $(date +%s) + ${3:-600} ))
  while [ "$(first_starts "$file" | wc -l)" -lt "$n" ]; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "only $(first_starts "$file" | wc -l) of $n workloads started before the deadline" >&2
      return 1
    fi
    sleep 0.05
  done
  local extra=$(( $(wc -l <"$file") - $(first_starts "$file" | wc -l) ))
  [ "$extra" -eq 0 ] || echo "note: $extra start(s) of workloads already started (tasks replaced)" >&2
  first_starts "$file" | sed -n "${n}p"
}

stop_watch() {
  [ -n "${events_pid:-}" ] || return 0
  kill "$events_pid" 2>/dev/null || true
  wait "$events_pid" 2>/dev/null || true
  events_pid=
}

# Prints the median of the numbers given as arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

machine_line() {
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
       "dockerd $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})'), $(uname -r)"
}
