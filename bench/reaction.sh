#!/usr/bin/env bash
# How fast `driftless run` reacts, on the local dockerd, TRIALS times each
# (default 100):
#   file   a spec file written into the watched folder (atomic rename, as
#          git-sync and editors do) -> driftless's first engine request
#          after it, and -> its create request for that container;
#   event  an owned container removed by hand -> the create request that
#          brings it back, counted from the engine's own destroy event.
# Times come from driftless's JSON log at trace level (each engine request
# is logged as it is sent, to the microsecond) and from the engine's event
# stamps; each trial waits for the previous one to settle.
# Usage: bench/reaction.sh [TRIALS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

trials=${1:-100}

prepare_docker

work=$(mktemp -d)
owner=bench-react-$$
run_pid=
cleanup() {
  [ -n "$run_pid" ] && { kill "$run_pid" 2>/dev/null || true; wait "$run_pid" 2>/dev/null || true; }
  remove_labelled "io.driftless.owner=$owner"
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/watched" "$work/staging"

start_driftless_run "$work/run.log" -s "$work/watched" --owner "$owner" --log-format json --log-level trace

passes() { grep -c '"msg":"pass done' "$work/run.log" || true; }
# Waits until the log shows PATTERN and then no new pass for 300 ms: the
# loop is idle again.
settle() {
  local pattern=$1 deadline=$(( $(date +%s) + 30 ))
  until grep -q -- "$pattern" "$work/run.log"; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "timed out waiting for $pattern" >&2; exit 1; }
    sleep 0.01
  done
  local seen
  seen=$(passes)
  while :; do
    sleep 0.3
    local now
    now=$(passes)
    [ "$now" = "$seen" ] && break
    seen=$now
  done
}

echo "file trials ..." >&2
: >"$work/written"
for i in $(seq 1 "$trials"); do
  name="$owner-f$i"
  printf 'kind: Service\nname: %s\nimage: %s\npull: never\n' "$name" "$image" >"$work/staging/f$i.yaml"
  t=$(now_ns)
  mv "$work/staging/f$i.yaml" "$work/watched/f$i.yaml"
  echo "$name $t" >>"$work/written"
  settle "containers/create?name=$name\""
done

echo "event trials ..." >&2
t0=$(now_ns)
events_file="$work/destroyed"
docker events --since "${t0:0:10}.${t0:10}" --filter type=container --filter event=destroy \
  --filter "label=io.driftless.owner=$owner" --format '{{.TimeNano}} {{index .Actor.Attributes "name"}}' >"$events_file" &
events_pid=$!
for i in $(seq 1 "$trials"); do
  name="$owner-f$(( (i - 1) % trials + 1 ))"
  before=$(grep -c "containers/create?name=$name\"" "$work/run.log" || true)
  curl -sf --unix-socket /var/run/docker.sock -X DELETE "http://localhost/v1.41/containers/$name?force=1" >/dev/null
  deadline=$(( $(date +%s) + 30 ))
  until [ "$(grep -c "containers/create?name=$name\"" "$work/run.log" || true)" -gt "$before" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "$name was not recreated within 30 s" >&2; exit 1; }
    sleep 0.01
  done
  settle "containers/create?name=$name\""
done
stop_watch

machine_line
python3 - "$work/written" "$events_file" "$work/run.log" "$trials" <<'PY'
import datetime, json, re, sys
written = [(l.split()[0], int(l.split()[1]) / 1e9) for l in open(sys.argv[1])]
destroyed = [(l.split()[1], int(l.split()[0]) / 1e9) for l in open(sys.argv[2]) if l.strip()]
requests = []   # (time, request line)
for line in open(sys.argv[3]):
    try: rec = json.loads(line)
    except ValueError: continue
    if not rec.get("msg", "").startswith("engine request: "): continue
    t = datetime.datetime.strptime(rec["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()
    requests.append((t, rec["msg"]))
requests.sort()

def first_after(t, pred=lambda m: True):
    for rt, m in requests:
        if rt >= t and pred(m): return rt
    return None

def stats(label, xs):
    xs = sorted(xs)
    q = lambda p: xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]
    print(f"{label}: n={len(xs)} p50={q(0.5):.1f} ms p90={q(0.9):.1f} ms p99={q(0.99):.1f} ms max={xs[-1]:.1f} ms")

first, create = [], []
for name, t in written:
    a = first_after(t)
    b = first_after(t, lambda m: m.endswith(f"containers/create?name={name}"))
    if a is not None: first.append((a - t) * 1000)
    if b is not None: create.append((b - t) * 1000)
back = []
for name, t in destroyed:
    b = first_after(t, lambda m: m.endswith(f"containers/create?name={name}"))
    if b is not None: back.append((b - t) * 1000)
stats("file written -> first engine request", first)
stats("file written -> its create request", create)
stats("removed by hand (destroy event) -> create request", back)
if min(len(first), len(create), len(back)) < int(sys.argv[4]):
    sys.exit("some trials have no matching request in the log")
PY
