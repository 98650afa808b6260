#!/usr/bin/env bash
# Converges N swarm services (one replica each) from empty on the local
# single-node swarm three ways, in alternating rounds, and prints the median
# of each and the ratios, timed to the Nth task container started (engine
# event stamps):
#   raw        the engine's own limit: POST /networks/create, then
#              POST /services/create with curl over the socket, 8 in flight
#   driftless  driftless apply --driver swarm -s DIR
#   stack      docker stack deploy -c FILE (the CLI's own swarm deployer)
# Both put every service on one overlay network of their own, as a stack
# does by default, with the same /16 subnet: each service takes two
# addresses (its virtual IP and its task's), so the default /24 would run
# out at about 125 services. The image is the locally built busybox image.
# Usage: bench/converge_swarm.sh [N...]   (default: 50 200; ROUNDS=3)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(50 200)
rounds=${ROUNDS:-3}

bash scripts/build.sh >/dev/null
bash scripts/start-swarm.sh
bash scripts/build-image.sh "$image"

work=$(mktemp -d)
tag=bench-swarm-$$
stack=bs$$
subnet=10.214.0.0/16
events_pid=
cleanup_services() {
  docker service ls -q --filter "label=driftless.bench=$tag" | xargs -r -n 50 docker service rm >/dev/null
  # Services go first; their task containers follow, then the networks can go.
  local deadline=$(( $(date +%s) + 300 ))
  while [ -n "$(docker ps -aq --filter "label=driftless.bench=$tag")" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "task containers still there after 300 s" >&2; return 1; }
    sleep 0.5
  done
  for net in $(docker network ls -q --filter "label=driftless.bench=$tag"); do
    until docker network rm "$net" >/dev/null 2>&1; do
      [ "$(date +%s)" -lt "$deadline" ] || { echo "network $net still in use after 300 s" >&2; return 1; }
      sleep 0.5
    done
  done
}
cleanup() {
  [ -n "$events_pid" ] && stop_watch
  cleanup_services || true
  rm -rf "$work"
}
trap cleanup EXIT

write_inputs() {
  local n=$1
  rm -rf "$work/specs" "$work/stack.yml"
  mkdir -p "$work/specs"
  printf 'kind: Network\nname: %s-net\nsubnet: %s\nlabels: {driftless.bench: %s}\n' "$tag" "$subnet" "$tag" >"$work/specs/net.yaml"
  {
    echo 'version: "3.8"'
    echo 'networks:'
    echo "  default: {labels: {driftless.bench: $tag}, ipam: {config: [{subnet: $subnet}]}}"
    echo 'services:'
  } >"$work/stack.yml"
  for i in $(seq 1 "$n"); do
    printf 'kind: Service\nname: %s-%d\nimage: %s\nnetworks: [%s-net]\nlabels: {driftless.bench: %s}\n' \
      "$tag" "$i" "$image" "$tag" "$tag" >"$work/specs/s$i.yaml"
    printf '  s%d:\n    image: %s\n    labels: {driftless.bench: %s}\n    deploy: {replicas: 1, labels: {driftless.bench: %s}}\n' \
      "$i" "$image" "$tag" "$tag" >>"$work/stack.yml"
  done
}

raw_network() {
  curl -sf --unix-socket /var/run/docker.sock -H 'Content-Type: application/json' \
    -d "{\"Name\":\"$tag-raw\",\"Driver\":\"overlay\",\"Labels\":{\"driftless.bench\":\"$tag\"},\"IPAM\":{\"Config\":[{\"Subnet\":\"$subnet\"}]}}" \
    http://localhost/v1.41/networks/create >/dev/null
}
raw_service() {
  curl -sf --unix-socket /var/run/docker.sock -H 'Content-Type: application/json' \
    -d "{\"Name\":\"$tag-raw-$1\",\"Labels\":{\"driftless.bench\":\"$tag\"},\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"$image\",\"Labels\":{\"driftless.bench\":\"$tag\"}},\"Networks\":[{\"Target\":\"$tag-raw\"}]},\"Mode\":{\"Replicated\":{\"Replicas\":1}}}" \
    http://localhost/v1.41/services/create >/dev/null
}
export -f raw_service
export image tag
raw_deploy() {
  local n=$1
  raw_network
  seq 1 "$n" | xargs -P 8 -I{} bash -c "raw_service {}"
}

# Runs the command given, then waits for N task containers to start; prints
# ms from before the command to the Nth start.
time_to_tasks() {
  local n=$1; shift
  local t0 last
  t0=$(now_ns)
  watch_starts "driftless.bench=$tag" "$work/starts" "$t0"
  "$@" >"$work/cmd.log" 2>&1 || { cat "$work/cmd.log" >&2; exit 1; }
  last=$(wait_starts "$work/starts" "$n")
  stop_watch; events_pid=
  elapsed_ms "$t0" "$last"
}

machine_line
for n in "${sizes[@]}"; do
  write_inputs "$n"
  declare -A times=()
  for r in $(seq 1 "$rounds"); do
    for way in raw driftless stack; do
      cleanup_services
      case $way in
        raw) t=$(time_to_tasks "$n" raw_deploy "$n") ;;
        driftless) t=$(time_to_tasks "$n" "$driftless" apply --driver swarm -s "$work/specs" --owner "$tag" --log-level warn) ;;
        stack) t=$(time_to_tasks "$n" docker stack deploy --resolve-image never -c "$work/stack.yml" "$stack") ;;
      esac
      times[$way]="${times[$way]:-} $t"
      echo "N=$n round $r $way: $t ms" >&2
    done
  done
  cleanup_services
  raw=$(median ${times[raw]}); d=$(median ${times[driftless]}); s=$(median ${times[stack]})
  echo "N=$n swarm services ($rounds rounds, medians, to N tasks running): raw $raw ms | driftless $d ms | docker stack deploy $s ms"
  echo "N=$n ratios: driftless/raw $(ratio "$d" "$raw") | driftless/stack $(ratio "$d" "$s")"
  unset times
done
