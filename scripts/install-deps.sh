#!/usr/bin/env bash
# Installs what driftless builds and tests with, from Debian's archive.
# Usage: install-deps.sh [build]
#   build   only what building the driftless target needs (the Dockerfile's
#           build stage uses this set)
# Idempotent: packages already present are not fetched again.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ca-certificates
  libboost-dev nlohmann-json3-dev libyaml-cpp-dev librdkafka-dev nettle-dev
  libspdlog-dev libfmt-dev doctest-dev libcli11-dev libsimdjson-dev
  libssl-dev libarchive-dev
)
case "${1:-all}" in
  build) ;;
  all)
    packages+=(
      git curl libbenchmark-dev
      docker.io busybox-static kcat prometheus docker-registry docker-compose podman
      openssl socat
      iproute2 procps
      clang libclang-rt-14-dev
    ) ;;
  *) echo "install-deps.sh: unknown set \"$1\" (build, or nothing for everything)" >&2; exit 2 ;;
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
