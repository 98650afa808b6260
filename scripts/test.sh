#!/usr/bin/env bash
# Runs every test: unit tests, the fuzz targets briefly and the parser tests
# again, both under ASan+UBSan (one clang build), and the integration tests against the real engines,
# which it starts when nothing answers (and leaves running). Idempotent;
# reuses build/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build.sh
echo "== fuzzing (libFuzzer, 10 s per target), AddressSanitizer + UndefinedBehaviorSanitizer" >&2
bash scripts/fuzz.sh 10
echo "== parser tests under the same sanitizers (build-fuzz)" >&2
cmake --build build-fuzz -j"$(nproc)" --target desired_state_tests
build-fuzz/tests/desired_state_tests

echo "== engines" >&2
bash scripts/start-dockerd.sh
bash scripts/build-image.sh driftless-test/busybox:1
bash scripts/build-image.sh driftless/busybox:1
# driftless's own image, from the build above, and the sidecar example's
# git-sync: the sidecar tests run them.
DRIFTLESS_BIN=build/cli/driftless bash scripts/build-driftless-image.sh driftless-test/driftless:latest
bash examples/sidecar/build-git-sync-image.sh driftless-test/git-sync:1
bash scripts/start-swarm.sh
bash scripts/start-podman.sh driftless-test/busybox:1

echo "== unit and integration tests" >&2
ctest --test-dir build --output-on-failure
