#!/usr/bin/env bash
# Installs what driftless builds and tests with, from Debian's archive.
# Idempotent: packages already present are not fetched again.
set -euo pipefail

# What building driftless and running it against dockerd needs
# (scripts/hello.sh: DRIFTLESS_DEPS=run)...
packages=(
  build-essential cmake pkg-config git curl ca-certificates
  libboost-dev nlohmann-json3-dev libyaml-cpp-dev librdkafka-dev nettle-dev
  libspdlog-dev libfmt-dev doctest-dev libcli11-dev libsimdjson-dev
  libssl-dev libarchive-dev libsystemd-dev
  docker.io busybox-static iproute2 procps
)
# ...and what the tests, benchmarks and fuzzing add: the other engines and
# peers, Kafka's and Prometheus's tools, clang for libFuzzer, systemd-analyze.
if [ "${DRIFTLESS_DEPS:-all}" != run ]; then
  packages+=(
    libbenchmark-dev kcat prometheus docker-registry docker-compose podman
    openssl socat systemd
    clang libclang-rt-14-dev
  )
fi

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
