#!/usr/bin/env bash
# The main job: driftless converging examples/hello on the local Docker
# engine, continuously, until Ctrl-C. Sets up only what that needs: the
# packages to build and run it (not the test tools), the driftless binary
# alone, optimised without debug information (not the tests and benchmarks;
# into build-release/, apart from the tests' build/), dockerd (when none
# answers) and the example's image, built locally from Debian's
# busybox-static.
set -euo pipefail
cd "$(dirname "$0")/.."
DRIFTLESS_DEPS=run DRIFTLESS_BUILD_DIR=build-release DRIFTLESS_BUILD_TYPE=Release \
  bash scripts/build.sh --target driftless -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG"
bash scripts/start-dockerd.sh
bash scripts/build-image.sh driftless/busybox:1
build-release/reconciler/driftless validate examples/hello
exec build-release/reconciler/driftless run -s examples/hello --owner hello "$@"
