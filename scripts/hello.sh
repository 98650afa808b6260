#!/usr/bin/env bash
# The main job: driftless converging examples/hello on the local Docker
# engine, continuously, until Ctrl-C. Sets up only what that needs: the
# packages to build and run it (not the test tools), the driftless binary
# alone (not the tests and benchmarks), dockerd (when none answers) and the
# example's image, built locally from Debian's busybox-static.
set -euo pipefail
cd "$(dirname "$0")/.."
DRIFTLESS_DEPS=run bash scripts/build.sh --target driftless
bash scripts/start-dockerd.sh
bash scripts/build-image.sh driftless/busybox:1
build/reconciler/driftless validate examples/hello
exec build/reconciler/driftless run -s examples/hello --owner hello "$@"
