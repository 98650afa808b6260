#!/usr/bin/env bash
# Builds driftless into build/ (reused between runs).
# Usage: build.sh [--target T] [cmake args...]
#   --target T   build only the CMake target T (e.g. driftless), not everything
# DRIFTLESS_BUILD_DIR (default build) and DRIFTLESS_BUILD_TYPE (default
# RelWithDebInfo) choose another folder and type: scripts/hello.sh builds
# the binary alone without debug information into build-release/ (debug
# information costs the Beast translation units about 40% of their time).
set -euo pipefail
cd "$(dirname "$0")/.."

target=()
if [ "${1:-}" = --target ]; then
  [ $# -ge 2 ] || { echo "build.sh: --target needs a target name" >&2; exit 2; }
  target=(--target "$2")
  shift 2
fi
dir=${DRIFTLESS_BUILD_DIR:-build}
type=${DRIFTLESS_BUILD_TYPE:-RelWithDebInfo}
bash scripts/install-deps.sh
# ccache, when the machine has it, makes a rebuild in a fresh clone cheap.
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" "${launcher[@]}" "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)" "${target[@]}"
