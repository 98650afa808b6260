#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang++ under ASan+UBSan into
# build-fuzz/ and runs each for SECONDS (default 20). Seeds: fuzz/corpus/
# (recorded engine answers, records, specs), tests/bad/ and examples/; what
# a run learns is kept in build-fuzz/corpus/ for the next. A crash, leak,
# timeout or sanitizer report fails the script and leaves the input in
# build-fuzz/artifacts/ (rerun it: build-fuzz/fuzz/fuzz_TARGET FILE).
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(spec_text kafka_record container_list service_list events_stream engine_answer)

bash scripts/install-deps.sh
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-fuzz -DDRIFTLESS_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "${launcher[@]}" >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]/#/fuzz_}"

seeds() {
  case $1 in
    spec_text) echo fuzz/corpus/spec_text tests/bad examples/hello examples/gitops/specs ;;
    kafka_record) echo fuzz/corpus/kafka_record ;;
    *) echo "fuzz/corpus/$1" ;;
  esac
}
dict() {
  case $1 in
    spec_text | kafka_record) echo -dict=fuzz/spec.dict ;;
    *) echo -dict=fuzz/engine.dict ;;
  esac
}

mkdir -p build-fuzz/artifacts
failed=()
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t"
  log=build-fuzz/fuzz_$t.log
  # shellcheck disable=SC2046
  if build-fuzz/fuzz/fuzz_"$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      $(dict "$t") -artifact_prefix="build-fuzz/artifacts/$t-" "build-fuzz/corpus/$t" $(seeds "$t") >"$log" 2>&1; then
    runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log")
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
    printf 'fuzz %-15s %10s runs in %ss, %s, corpus %s\n' "$t" "$runs" "$seconds" "$cov" \
      "$(find "build-fuzz/corpus/$t" -type f | wc -l)" >&2
  else
    failed+=("$t")
    echo "fuzz $t FAILED; the end of $log:" >&2
    tail -40 "$log" >&2
  fi
done
[ ${#failed[@]} -eq 0 ] || { echo "fuzz targets that found something: ${failed[*]}" >&2; exit 1; }
