#!/usr/bin/env bash
# Builds driftless into build/ (reused between runs).
# Usage: build.sh [--target T] [cmake args...]
#   --target T   build only the CMake target T (e.g. driftless), not everything
set -euo pipefail
cd "$(dirname "$0")/.."

target=()
if [ "${1:-}" = --target ]; then
  [ $# -ge 2 ] || { echo "build.sh: --target needs a target name" >&2; exit 2; }
  target=(--target "$2")
  shift 2
fi
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build build -j"$(nproc)" "${target[@]}"
