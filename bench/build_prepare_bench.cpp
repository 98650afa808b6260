// image_builds::prepare(), the cost a build context adds to every pass:
// read each time (plan, apply, a context not watched: a stat per file)
// against watched by `run` with nothing reported since the last read.
#include <utility>

#include <benchmark/benchmark.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include <boost/asio/io_context.hpp>

#include "reconciler/builds.hpp"

using namespace driftless;

namespace {

// A context of `files` files, 100 per folder, and a snapshot with one
// service built from it.
class context {
public:
    explicit context(std::size_t files) {
        std::string pattern = (std::filesystem::temp_directory_path() / "driftless-bench-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        root_ = pattern;
        std::ofstream(root_ / "Dockerfile") << "FROM scratch\nCOPY . /\n";
        for (std::size_t i = 0; i < files; ++i) {
            const auto folder = root_ / ("d" + std::to_string(i / 100));
            std::filesystem::create_directories(folder);
            std::ofstream(folder / ("f" + std::to_string(i) + ".c")) << "int f" << i << ";\n";
        }
        desired_state::spec spec;
        spec.name = "app";
        desired_state::service body;
        body.image = "bench/app:latest";
        desired_state::build_spec b;
        b.context = root_.string();
        body.build = b;
        spec.body = body;
        auto s = std::make_shared<desired_state::snapshot>();
        s->resources.emplace(desired_state::key_of(spec), desired_state::desired_entry{spec, "h", "compose.yaml"});
        snapshot = s;
    }
    ~context() {
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }
    std::shared_ptr<const desired_state::snapshot> snapshot;

private:
    std::filesystem::path root_;
};

// `watched`: the watcher reports nothing (a version that never changes).
// `new_snapshot`: each pass brings a new snapshot (another spec changed).
void bm_prepare(benchmark::State& st, bool watched, bool new_snapshot) {
    context c(static_cast<std::size_t>(st.range(0)));
    boost::asio::io_context io;
    drivers::image_builder builder;   // builds nothing: prepare() only reads
    reconciler::image_builds builds(io.get_executor(), builder);
    if (watched) builds.context_version = [](const std::string&) { return std::optional<std::uint64_t>(1); };
    auto other = std::make_shared<desired_state::snapshot>(*c.snapshot);
    bool flip = false;
    for (auto _ : st) {
        flip = new_snapshot && !flip;
        auto p = builds.prepare(flip ? other : c.snapshot);
        if (!builds.errors().empty()) st.SkipWithError(builds.errors().front().message.c_str());
        benchmark::DoNotOptimize(p);
    }
    st.SetItemsProcessed(st.iterations() * st.range(0));
}

}  // namespace

BENCHMARK_CAPTURE(bm_prepare, read_each_pass, false, false)->Arg(100)->Arg(10'000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_prepare, watched_unchanged, true, false)->Arg(100)->Arg(10'000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_prepare, watched_other_spec_changed, true, true)
    ->Arg(100)
    ->Arg(10'000)
    ->Unit(benchmark::kMicrosecond);
