#!/usr/bin/env bash
# Installs what driftless builds and tests with, from Debian's archive.
# Usage: install-deps.sh [build|run|all]   (default: $DRIFTLESS_DEPS, else all)
#   build   what building the driftless target needs (the Dockerfile's build stage)
#   run     that, and dockerd with the example image's busybox (scripts/hello.sh)
#   all     that, and what the tests, benchmarks and fuzzing add: the other
#           engines and peers, Kafka's and Prometheus's tools, clang for
#           libFuzzer, git for the sidecar example, systemd-analyze, chromium
#           for the status page
# Idempotent: packages already present are not fetched again.
set -euo pipefail

set_name=${1:-${DRIFTLESS_DEPS:-all}}
packages=(
  build-essential cmake pkg-config ca-certificates
  libboost-dev nlohmann-json3-dev libyaml-cpp-dev librdkafka-dev nettle-dev
  libspdlog-dev libfmt-dev doctest-dev libcli11-dev libsimdjson-dev
  libssl-dev libarchive-dev libsystemd-dev prometheus-cpp-dev
  zlib1g-dev liblzma-dev libbz2-dev     # libarchive.a's compressors, linked with it
)
case "$set_name" in
  build) ;;
  run|all)
    packages+=(docker.io busybox-static iproute2 procps)
    if [ "$set_name" = all ]; then
      packages+=(
        git curl libbenchmark-dev
        kcat prometheus docker-registry docker-compose podman
        openssl socat systemd
        clang libclang-rt-14-dev
        chromium                              # the status page, tested headless
      )
    fi ;;
  *) echo "install-deps.sh: unknown set \"$set_name\" (build, run or all)" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  [ "$(id -u)" = 0 ] && SUDO= || SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
