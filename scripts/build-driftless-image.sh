#!/usr/bin/env bash
# Builds the driftless container image with no registry: the root
# Dockerfile's runtime stage (FROM scratch), filled by
# scripts/driftless-rootfs.sh from this machine's build of the driftless
# target: the stripped binary, exactly the shared libraries ldd names plus
# the dynamic loader, a non-root user (65532 "driftless") owning
# /var/lib/driftless (the key's folder), and the CA certificates. Tagged NAME
# (default driftless:latest) and REPOSITORY:VERSION.
#
# Usage: build-driftless-image.sh [NAME]
#   DRIFTLESS_BIN=PATH   put that binary in the image instead of building
#                        the driftless target into build/
#
# Idempotent: the build context is reproducible (sorted names, fixed times and
# owners), and its digest is kept in the image's label driftless.image.inputs;
# an image with the same digest is kept, anything else (a new binary, a
# library upgraded on the host) is rebuilt.
#
# It builds through the Engine API (POST /build on the engine's unix socket),
# so neither the docker client's version nor whether it defaults to BuildKit
# matters; a tcp:// or ssh:// DOCKER_HOST goes through `docker build` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/rootfs.sh

name=${1:-driftless:latest}
case "${name##*/}" in
  *:*) repository=${name%:*} ;;
  *) repository=$name; name=$name:latest ;;
esac

bin=${DRIFTLESS_BIN:-}
if [ -z "$bin" ]; then
  bash scripts/build.sh --target driftless
  bin=build/cli/driftless
fi
[ -x "$bin" ] || { echo "build-driftless-image.sh: no driftless binary at $bin" >&2; exit 1; }
version=$("$bin" version | awk '{print $2}')
[ -n "$version" ] || { echo "build-driftless-image.sh: $bin version printed nothing" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ctx=$work/context
mkdir -p "$ctx"
bash scripts/driftless-rootfs.sh "$bin" "$work/rootfs"
# One layer; root owns everything but the key's folder.
rootfs_tar "$work/rootfs" "$ctx/rootfs.tar" var/lib/driftless 65532:65532

# The root Dockerfile's runtime stage, with the file system from here
# instead of from its build stage: one description of the image.
sed -n '/^FROM scratch AS runtime/,$p' Dockerfile | sed 's|^COPY --from=build /rootfs/ /$|ADD rootfs.tar /|' >"$ctx/Dockerfile"
grep -q '^ADD rootfs.tar /$' "$ctx/Dockerfile" || {
  echo "build-driftless-image.sh: the Dockerfile has no runtime stage starting FROM scratch with COPY --from=build /rootfs/ /" >&2
  exit 1
}

inputs=$(rootfs_digest "$ctx/Dockerfile" "$ctx/rootfs.tar")
if [ "$(docker image inspect -f '{{index .Config.Labels "driftless.image.inputs"}}' "$name" 2>/dev/null)" = "$inputs" ] &&
   [ "$(docker image inspect -f '{{.Id}}' "$name")" = "$(docker image inspect -f '{{.Id}}' "$repository:$version" 2>/dev/null)" ]; then
  echo "$name is up to date" >&2
  exit 0
fi

labels=(
  "org.opencontainers.image.title=driftless"
  "org.opencontainers.image.version=$version"
  "driftless.image.inputs=$inputs"
)

urlencode() {
  local s=$1 out= c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in
      [A-Za-z0-9._~-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

host=${DOCKER_HOST:-unix:///var/run/docker.sock} sock=
[[ $host != unix://* ]] || sock=${host#unix://}

if [ -n "$sock" ]; then
  json='{'
  for l in "${labels[@]}"; do json+="\"${l%%=*}\":\"${l#*=}\","; done
  json="${json%,}}"
  query="t=$(urlencode "$name")&t=$(urlencode "$repository:$version")&labels=$(urlencode "$json")&rm=1&forcerm=1"
  tar -C "$ctx" -cf "$work/context.tar" Dockerfile rootfs.tar
  # The answer is a stream of JSON lines; a failed step is a line with "error".
  out=$(curl -sS --unix-socket "$sock" -X POST -H 'Content-Type: application/x-tar' \
    --data-binary @"$work/context.tar" "http://localhost/v1.41/build?$query")
  if ! grep -q '"aux":{"ID"' <<<"$out" || grep -q '"error"' <<<"$out"; then
    echo "build-driftless-image.sh: the engine's build failed:" >&2
    echo "$out" >&2
    exit 1
  fi
else
  # A client whose BuildKit needs a buildx it lacks can still use the
  # engine's own builder.
  docker buildx version >/dev/null 2>&1 || export DOCKER_BUILDKIT=0
  label_args=()
  for l in "${labels[@]}"; do label_args+=(--label "$l"); done
  docker build -q -t "$name" -t "$repository:$version" "${label_args[@]}" "$ctx" >/dev/null
fi
echo "built $name and $repository:$version ($(docker image inspect -f '{{.Size}}' "$name") bytes)" >&2
