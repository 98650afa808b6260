#!/usr/bin/env bash
# What a client of a small HTTP service sees while the service is updated
# (an environment variable bumped, so the spec changes), on the local
# dockerd, driftless `apply` against `docker-compose up -d` on the same
# change, ROUNDS times each (default 3), in alternating rounds:
#   alias  the service is reached through a user network alias and publishes
#          no port: driftless updates it start-first (the candidate
#          NAME--NEXT beside the old one until its healthcheck passes). The
#          client runs in the network namespace of a container on the same
#          network and resolves the alias with docker's embedded DNS before
#          every request.
#   port   the service publishes a host port: driftless updates it
#          stop-first. The client runs on the host against 127.0.0.1:PORT.
# docker-compose recreates the container in both (stop, create, start).
# The service is busybox httpd serving a file that names its version, with a
# healthcheck (wget on 127.0.0.1 every 1 s) and a shell as PID 1 that stops
# httpd on SIGTERM, so that a stop takes no grace period. driftless runs
# with its defaults (no update_config: the order follows from the spec).
# The client (a small Python program) sends an HTTP GET on a new connection
# every 20 ms plus the request's own time, 1 s allowed for the lookup,
# connection and answer together.
#
# Per trial: the old version is deployed and healthy, the client runs 1 s,
# the update runs, the client goes on TAIL seconds (default 2) after the
# command returned. Counted are the requests started from the update
# command's start to the end of the tail: the failed ones, all of them, and
# the longest time without a successful answer (from the last success before
# the update, between successes, and to the end of the last request). The
# last answer must come from the new version. Each trial's line also counts
# the failures by kind: refused, timeout (nothing answered within 1 s),
# reset, empty (closed without an answer). A client that waits longer than
# 1 s turns some timeouts into slow answers; the longest gap stays.
#
# ROLLOUT_TRACE=1 prints each trial's failed requests beside the engine's
# events for the service (relative to the update's start).
# BENCH_SKIP_BUILD=1 uses the driftless binary already built (DRIFTLESS_BIN,
# default build/cli/driftless) instead of running scripts/build.sh.
# Usage: bench/rollout_downtime.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

rounds=${1:-${ROUNDS:-3}}
tail_s=${TAIL:-2}
trace=${ROLLOUT_TRACE:-0}

if [ "${BENCH_SKIP_BUILD:-0}" = 1 ]; then
  [ -x "$driftless" ] || { echo "no driftless binary at $driftless" >&2; exit 1; }
  bash scripts/start-dockerd.sh
  bash scripts/build-image.sh "$image"
else
  prepare_docker
fi
command -v docker-compose >/dev/null || { echo "needs docker-compose (apt-get install docker-compose)" >&2; exit 1; }

tag=bench-rollout-$$
project=${tag//-/}
net=$tag-net
svc=$tag-web        # the driftless Service, and the alias the client resolves
work=$(mktemp -d)
probe_pid= events_pid=
cleanup() {
  for p in "$probe_pid" "$events_pid"; do
    [ -n "$p" ] && { kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; }
  done
  for s in alias port; do
    [ -d "$work/native/$s" ] && "$driftless" down -s "$work/native/$s" --owner "$tag-$s" --volumes --yes --log-level warn >/dev/null 2>&1 || true
    [ -f "$work/compose/$s/docker-compose.yml" ] &&
      docker-compose -p "$project$s" -f "$work/compose/$s/docker-compose.yml" down -t 2 >/dev/null 2>&1 || true
  done
  remove_labelled "driftless.bench=$tag"
  remove_labelled "driftless.bench.probe=$tag"
  docker network rm "$net" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# A free host port for the port scenario.
port=
for p in $(seq 18080 18180); do
  [ -z "$(ss -Htln "sport = :$p")" ] && { port=$p; break; }
done
[ -n "$port" ] || { echo "no free port in 18080-18180" >&2; exit 1; }

docker network create --label "driftless.bench=$tag" "$net" >/dev/null

# The server: writes its version where httpd serves it; stops httpd on TERM.
# ($$ is compose's escape for $.)
server_cmd='mkdir -p /tmp/www && echo "$ROUND" >/tmp/www/index.html && httpd -f -p 8080 -h /tmp/www & trap "kill $!; exit 0" TERM; wait'
health='{test: [CMD, wget, -q, -O-, "http://127.0.0.1:8080/"], interval: 1s, timeout: 1s, retries: 3}'

write_native() {   # SCENARIO VERSION
  local dir=$work/native/$1
  mkdir -p "$dir"
  {
    printf 'kind: Service\nname: %s\nimage: %s\npull: never\n' "$svc" "$image"
    printf "command: [sh, -c, '%s']\n" "$server_cmd"
    printf 'env: {ROUND: "%s"}\nlabels: {driftless.bench: %s}\nhealthcheck: %s\nstop_grace_period: 2s\n' "$2" "$tag" "$health"
    case $1 in
      alias) printf 'networks: [%s]\n' "$net" ;;
      port) printf 'ports: ["127.0.0.1:%s:8080"]\n' "$port" ;;
    esac
  } >"$dir/.web.tmp"
  mv "$dir/.web.tmp" "$dir/web.yaml"
}

write_compose() {  # SCENARIO VERSION
  local dir=$work/compose/$1
  mkdir -p "$dir"
  {
    printf 'version: "2.4"\nservices:\n  web:\n    image: %s\n' "$image"
    printf "    command: [sh, -c, '%s']\n" "${server_cmd//\$/\$\$}"
    printf '    environment: {ROUND: "%s"}\n    labels: {driftless.bench: %s}\n    healthcheck: %s\n    stop_grace_period: 2s\n' "$2" "$tag" "$health"
    case $1 in
      alias) printf '    networks:\n      net: {aliases: [%s]}\nnetworks:\n  net: {external: true, name: %s}\n' "$svc" "$net" ;;
      port) printf '    network_mode: bridge\n    ports: ["127.0.0.1:%s:8080"]\n' "$port" ;;
    esac
  } >"$dir/docker-compose.yml"
}

write_inputs() {   # TOOL SCENARIO VERSION
  case $1 in
    driftless) write_native "$2" "$3" ;;
    compose) write_compose "$2" "$3" ;;
  esac
}

deploy() {   # TOOL SCENARIO
  case $1 in
    driftless) "$driftless" apply -s "$work/native/$2" --owner "$tag-$2" >>"$work/tool.log" 2>&1 ;;
    compose) docker-compose -p "$project$2" -f "$work/compose/$2/docker-compose.yml" up -d >>"$work/tool.log" 2>&1 ;;
  esac || { echo "$1 failed on $2; its log:" >&2; tail -20 "$work/tool.log" >&2; exit 1; }
}

teardown() {   # TOOL SCENARIO
  case $1 in
    driftless) [ ! -d "$work/native/$2" ] ||
      "$driftless" down -s "$work/native/$2" --owner "$tag-$2" --volumes --yes >>"$work/tool.log" 2>&1 ;;
    compose) [ ! -f "$work/compose/$2/docker-compose.yml" ] ||
      docker-compose -p "$project$2" -f "$work/compose/$2/docker-compose.yml" down -t 2 >>"$work/tool.log" 2>&1 ;;
  esac || { echo "$1 could not take $2 down; its log:" >&2; tail -20 "$work/tool.log" >&2; exit 1; }
  remove_labelled "driftless.bench=$tag"
}

# Waits (60 s at most) until exactly one container of the service runs, healthy.
wait_healthy() {
  local deadline=$(( $(date +%s) + 60 ))
  until [ "$(docker ps -q --filter "label=driftless.bench=$tag" | wc -l)" -eq 1 ] &&
        [ "$(docker ps -q --filter "label=driftless.bench=$tag" --filter health=healthy | wc -l)" -eq 1 ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "the service did not turn healthy" >&2; docker ps -a --filter "label=driftless.bench=$tag" >&2; exit 1; }
    sleep 0.1
  done
}

now_s() { echo "$EPOCHREALTIME"; }

# The client: one process, so that its requests are not spaced by process
# starts on a busy machine (a busybox wget loop manages one every ~120 ms
# here; busybox's static wget also cannot resolve names without NSS and
# crashes with -T). In the alias scenario it runs in the network namespace
# of a container on the service's network and asks docker's embedded DNS.
cat >"$work/probe.py" <<'PROBE'
import errno, random, signal, socket, struct, sys, time

# probe.py dns NAME PORT | host ADDRESS PORT: one HTTP GET per request on a
# new connection, 1 s for all of it, every 20 ms; one line per request:
# START END ANSWER|fail:WHY ADDRESS (wall clock, seconds), WHY one of
# refused, timeout (1 s passed), reset, empty (closed without an answer),
# noaddr (the name has no address), http (not 200) or the error's errno name.
mode, target, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

def resolve(name, deadline):
    # A fresh A query to docker's embedded DNS (the netns's 127.0.0.11) per
    # request; the answer's first address.
    qid = random.getrandbits(16)
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    q += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0" + struct.pack(">HH", 1, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(max(deadline - time.time(), 0.001))
        s.sendto(q, ("127.0.0.11", 53))
        while True:
            r = s.recv(4096)
            if struct.unpack(">H", r[:2])[0] == qid: break
    an = struct.unpack(">H", r[6:8])[0]
    i = 12
    while r[i]: i += r[i] + 1
    i += 5
    for _ in range(an):
        i = i + 2 if r[i] & 0xC0 == 0xC0 else r.index(b"\0", i) + 1
        typ, _, _, ln = struct.unpack(">HHIH", r[i:i + 10])
        i += 10
        if typ == 1 and ln == 4: return socket.inet_ntoa(r[i:i + 4])
        i += ln
    return None

def get(addr, deadline):
    with socket.create_connection((addr, port), timeout=max(deadline - time.time(), 0.001)) as s:
        s.sendall(b"GET / HTTP/1.0\r\nHost: probe\r\n\r\n")
        data = b""
        while True:
            s.settimeout(max(deadline - time.time(), 0.001))
            chunk = s.recv(4096)
            if not chunk: break
            data += chunk
    if not data: return "fail:empty"   # accepted, then closed (docker-proxy without a backend)
    head, _, body = data.partition(b"\r\n\r\n")
    return body.decode(errors="replace").strip() if head.split(b" ")[1:2] == [b"200"] else "fail:http"

out = sys.stdout
while True:
    t0 = time.time()
    addr, answer = "-", "fail:noaddr"
    try:
        addr = resolve(target, t0 + 1) if mode == "dns" else target
        if addr: answer = get(addr, t0 + 1) or "fail:http"
        else: addr = "-"
    except TimeoutError: answer = "fail:timeout"
    except ConnectionRefusedError: answer = "fail:refused"
    except ConnectionResetError: answer = "fail:reset"
    except OSError as e: answer = "fail:" + (errno.errorcode.get(e.errno, "oserror") if e.errno else "oserror")
    except (IndexError, struct.error): answer = "fail:dns"
    t1 = time.time()
    out.write(f"{t0:.6f} {t1:.6f} {answer} {addr}\n")
    out.flush()
    time.sleep(0.02)
PROBE

client_pid=$(docker run -d --name "$tag-client" --network "$net" --label "driftless.bench.probe=$tag" "$image" sleep infinity |
  xargs docker inspect -f '{{.State.Pid}}')

start_probe() {   # SCENARIO FILE
  case $1 in
    alias) nsenter -t "$client_pid" -n python3 "$work/probe.py" dns "$svc" 8080 >"$2" & ;;
    port) python3 "$work/probe.py" host 127.0.0.1 "$port" >"$2" & ;;
  esac
  probe_pid=$!
}

stop_probe() {
  kill "$probe_pid" 2>/dev/null || true
  wait "$probe_pid" 2>/dev/null || true
  probe_pid=
}

# FILE U0 U1 -> "FAILED TOTAL GAP_MS LAST_ANSWER WHY", WHY the failures
# counted by kind ("refused:5,timeout:2", or "-").
analyse() {
  awk -v u0="$2" -v u1="$3" -v tl="$tail_s" '
    $1 !~ /^[0-9]+\.[0-9]+$/ || NF < 4 { next }
    $1 < u0 { if ($3 !~ /^fail/) last = $2; next }
    $1 > u1 + tl { next }
    {
      n++; endt = $2
      if ($3 ~ /^fail/) { f++; k = substr($3, 6); if (!(k in why)) order[++kinds] = k; why[k]++ }
      else { if (last == "") last = u0; g = $2 - last; if (g > max) max = g; last = $2; lastv = $3 }
    }
    END {
      if (last == "") last = u0
      if (endt - last > max) max = endt - last
      w = ""; for (i = 1; i <= kinds; i++) w = w (i > 1 ? "," : "") order[i] ":" why[order[i]]
      printf "%d %d %.0f %s %s\n", f, n, max * 1000, (lastv == "" ? "none" : lastv), (w == "" ? "-" : w)
    }' "$1"
}

# The failed requests and the engine's events for the service's containers
# and the alias network (the stream is not filtered by the engine: it ANDs
# filters of different keys), in seconds from U0.
print_trace() {   # PROBE_FILE EVENTS_FILE U0
  {
    awk -v u0="$3" '$3 ~ /^fail/ && $1 >= u0 - 0.5 { printf "%+7.2f  request failed after %.2f s: %s (address %s)\n", $1 - u0, $2 - $1, substr($3, 6), $4 }' "$1"
    awk -v u0="$3" -v tag="$tag" -v net="$net" '
      $5 ~ /^exec_/ { next }
      {
        split($4, f, "|")
        if ($2 == "container" && f[2] == tag) who = $3
        else if ($2 == "network" && $3 == net) who = $3 " (container " substr(f[1], 1, 12) ")"
        else next
        action = $0; for (i = 1; i <= 4; i++) sub(/^[^ ]+ /, "", action)
        printf "%+7.2f  %s %s %s\n", $1 / 1e9 - u0, $2, action, who
      }' "$2"
  } | sort -g >&2
}

echo "$(machine_line), $(docker-compose version --short 2>/dev/null | sed 's/^/docker-compose /')" >&2
declare -A results=()
for r in $(seq 1 "$rounds"); do
  for scenario in alias port; do
    for tool in driftless compose; do
      teardown "$tool" "$scenario"
      write_inputs "$tool" "$scenario" 1
      deploy "$tool" "$scenario"
      wait_healthy
      probe_file=$work/probe-$scenario-$tool-$r.log
      events_file=$work/events-$scenario-$tool-$r.log
      docker events --since "$(date +%s)" --filter type=container --filter type=network \
        --format '{{.TimeNano}} {{.Type}} {{.Actor.Attributes.name}} {{index .Actor.Attributes "container"}}|{{index .Actor.Attributes "driftless.bench"}} {{.Action}}' \
        >"$events_file" 2>/dev/null &
      events_pid=$!
      start_probe "$scenario" "$probe_file"
      sleep 1
      write_inputs "$tool" "$scenario" 2
      u0=$(now_s)
      deploy "$tool" "$scenario"
      u1=$(now_s)
      sleep "$tail_s"
      stop_probe
      kill "$events_pid" 2>/dev/null || true; wait "$events_pid" 2>/dev/null || true; events_pid=
      read -r failed total gap lastv why < <(analyse "$probe_file" "$u0" "$u1")
      [ "$lastv" = 2 ] || { echo "$scenario/$tool round $r: the last answer came from version \"$lastv\", not the new one" >&2; exit 1; }
      secs=$(awk -v a="$u0" -v b="$u1" 'BEGIN { printf "%.2f", b - a }')
      detail=
      [ "$why" = - ] || detail=" (${why//,/, })"
      echo "$scenario $tool round $r: $failed of $total requests failed$detail, longest gap ${gap} ms, update command ${secs} s" >&2
      [ "$trace" = 1 ] && print_trace "$probe_file" "$events_file" "$u0"
      results[$scenario/$tool]="${results[$scenario/$tool]:-}|$failed/$total, $gap ms, $secs s"
      results[$scenario/$tool/gaps]="${results[$scenario/$tool/gaps]:-} $gap"
    done
  done
done
for scenario in alias port; do
  for tool in driftless compose; do teardown "$tool" "$scenario"; done
done

echo
echo "| service | update | tool | per round: failed/requests, longest gap, update command | median gap |"
echo "|---|---|---|---|---|"
for scenario in alias port; do
  for tool in driftless compose; do
    case $scenario/$tool in
      alias/driftless) what="network alias, no port | start-first | driftless apply" ;;
      alias/compose) what="network alias, no port | recreate | docker-compose up -d" ;;
      port/driftless) what="host port | stop-first | driftless apply" ;;
      port/compose) what="host port | recreate | docker-compose up -d" ;;
    esac
    rows=${results[$scenario/$tool]#|}
    echo "| $what | ${rows//|/ · } | $(median ${results[$scenario/$tool/gaps]}) ms |"
  done
done
