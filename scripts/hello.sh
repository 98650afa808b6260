#!/usr/bin/env bash
# The main job: driftless converging examples/hello on the local Docker
# engine, continuously, until Ctrl-C. Sets up only what that needs: the
# packages to build and run it (not the test tools), the driftless binary
# alone, optimised without debug information (not the tests and benchmarks;
# into build-release/, apart from the tests' build/), dockerd (when none
# answers) and the example's image, built locally from Debian's
# busybox-static.
#
# DRIFTLESS_BUILD_DIR and DRIFTLESS_BUILD_TYPE name another build to use
# (the tests point it at theirs, which already holds the binary).
set -euo pipefail
cd "$(dirname "$0")/.."
export DRIFTLESS_DEPS=run
export DRIFTLESS_BUILD_DIR=${DRIFTLESS_BUILD_DIR:-build-release}
export DRIFTLESS_BUILD_TYPE=${DRIFTLESS_BUILD_TYPE:-Release}
flags=()
[ "$DRIFTLESS_BUILD_TYPE" = Release ] && flags=(-DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG")
bash scripts/build.sh --target driftless "${flags[@]}"
bash scripts/start-dockerd.sh
bash scripts/build-image.sh driftless/busybox:1
driftless=$DRIFTLESS_BUILD_DIR/cli/driftless
"$driftless" validate examples/hello
exec "$driftless" run -s examples/hello --owner hello "$@"
