#!/usr/bin/env bash
# Time from a record produced to the topic to driftless's create request for
# it, end to end: librdkafka's mock cluster, `driftless run -s kafka://...`
# against the local dockerd, records produced one at a time with kcat.
# Usage: bench/kafka_latency.sh [N]   (default 20 records; prints p50, p90, max)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
bash scripts/build.sh >/dev/null
bash scripts/start-dockerd.sh
bash scripts/build-image.sh driftless-test/busybox:1

work=$(mktemp -d)
owner=bench-kafka-$$
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  docker ps -aq --filter "label=io.driftless.owner=$owner" | xargs -r docker rm -f >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

build/tests/kafka_mock_cluster --topic desired:3 >"$work/cluster.out" 2>&1 &
pids+=($!)
boot=
for _ in $(seq 1 200); do
  boot=$(grep -m1 -E '^(127\.0\.0\.1|localhost):' "$work/cluster.out" || true)
  [ -n "$boot" ] && break
  sleep 0.05
done
[ -n "$boot" ] || { echo "mock cluster did not start" >&2; exit 1; }

build/cli/driftless run -s "kafka://$boot/desired" --owner "$owner" --listen 127.0.0.1:0 \
  --log-format json ${DRIFTLESS_BENCH_ARGS:-} >"$work/run.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 200); do grep -q '"msg":"driftless ' "$work/run.log" && break; sleep 0.05; done

for i in $(seq 1 "$n"); do
  name="$owner-$i"
  printf '{"name":"%s","image":"driftless-test/busybox:1","pull":"never","command":["sleep","600"]}' "$name" >"$work/value"
  sent=$(date +%s.%N)
  kcat -b "$boot" -P -t desired -k "$name" "$work/value"
  echo "$name $sent" >>"$work/sent"
  for _ in $(seq 1 500); do grep -q "+ Service/$name " "$work/run.log" && break; sleep 0.01; done
done

python3 - "$work/sent" "$work/run.log" <<'PY'
import json, sys, datetime, statistics
sent = dict(line.split() for line in open(sys.argv[1]))
seen = {}
for line in open(sys.argv[2]):
    try: rec = json.loads(line)
    except ValueError: continue
    msg = rec.get("msg", "")
    if msg.startswith("+ Service/"):
        name = msg.split()[1].split("/", 1)[1]
        t = datetime.datetime.strptime(rec["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()
        seen.setdefault(name, t)
lat = sorted((seen[k] - float(v)) * 1000 for k, v in sent.items() if k in seen)
if not lat: sys.exit("no create request seen")
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print(f"record produced -> create request: n={len(lat)} p50={q(0.5):.0f} ms p90={q(0.9):.0f} ms max={lat[-1]:.0f} ms "
      f"(includes kcat's own start-up)")
PY
