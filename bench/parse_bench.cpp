// Parsing and validating spec files: 10,000 realistic service specs, parsed
// from memory, and the same 10,000 as files in a folder taken all the way to
// a desired-state snapshot (walk, read, parse, validate, hash) as `run` does
// when it starts.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "desired_state/parse.hpp"
#include "desired_state/store.hpp"
#include "watchers/directory_source.hpp"

using namespace driftless;
namespace fs = std::filesystem;

namespace {

constexpr int files = 10'000;

// A service with most fields, as people write them (examples/hello/web.yaml).
std::string spec_text(int i) {
    const std::string n = std::to_string(i);
    return "kind: Service\n"
           "name: app-" + n + "\n"
           "image: registry.local/team/app:1." + std::to_string(i % 7) + "\n"
           "pull: missing\n"
           "command: [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n"
           "env:\n"
           "  INDEX: \"" + n + "\"\n"
           "  LOG_LEVEL: info\n"
           "  UPSTREAM: http://upstream-" + std::to_string(i % 10) + ":8080\n"
           "labels: {team: core, tier: web}\n"
           "ports: [\"127.0.0.1:" + std::to_string(20000 + i) + ":8080\"]\n"
           "networks: [backend]\n"
           "mounts:\n"
           "  - {type: volume, source: data-" + n + ", target: /data}\n"
           "  - {type: tmpfs, target: /tmp}\n"
           "resources: {cpus: 0.5, memory: 64Mi}\n"
           "open_files: 4096\n"
           "restart: unless-stopped\n"
           "healthcheck: {test: [\"CMD\", \"wget\", \"-q\", \"-O-\", \"http://127.0.0.1:8080/\"], interval: 10s, timeout: 3s, retries: 3}\n"
           "stop_grace_period: 5s\n";
}

void bm_parse_10k_specs(benchmark::State& st) {
    std::vector<std::string> texts;
    for (int i = 0; i < files; ++i) texts.push_back(spec_text(i));
    for (auto _ : st) {
        std::size_t specs = 0;
        for (int i = 0; i < files; ++i) {
            auto r = desired_state::parse_text(texts[static_cast<std::size_t>(i)], "app-" + std::to_string(i) + ".yaml");
            if (!r.ok()) st.SkipWithError("a generated spec did not parse");
            specs += r.specs.size();
        }
        benchmark::DoNotOptimize(specs);
    }
    st.SetItemsProcessed(st.iterations() * files);
}

// One folder of 10,000 files, written once for the whole run.
const fs::path& spec_folder() {
    static const fs::path dir = [] {
        fs::path d = fs::temp_directory_path() / ("driftless-parse-bench-" + std::to_string(::getpid()));
        fs::create_directories(d);
        for (int i = 0; i < files; ++i) std::ofstream(d / ("app-" + std::to_string(i) + ".yaml")) << spec_text(i);
        std::atexit([] { std::error_code ignored; fs::remove_all(spec_folder(), ignored); });
        return d;
    }();
    return dir;
}

void bm_folder_to_snapshot_10k(benchmark::State& st) {
    const auto& dir = spec_folder();
    for (auto _ : st) {
        watchers::directory_source source(dir);
        desired_state::store store;
        auto scan = source.scan();
        for (const auto& c : scan.changes) (void)store.put(c.doc_id, c.text);
        auto snap = store.current();
        if (snap->resources.size() != static_cast<std::size_t>(files)) st.SkipWithError("not every spec arrived");
        benchmark::DoNotOptimize(snap);
    }
    st.SetItemsProcessed(st.iterations() * files);
}

}  // namespace

BENCHMARK(bm_parse_10k_specs)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_folder_to_snapshot_10k)->Unit(benchmark::kMillisecond);
