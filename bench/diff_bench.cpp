// diff(desired, actual) on large states: the in-process cost of one pass's
// decision, apart from the engine.
#include <benchmark/benchmark.h>

#include "reconciler/plan.hpp"

using namespace driftless;

namespace {

struct state {
    desired_state::snapshot desired;
    std::vector<drivers::actual_object> actual;
};

// n services desired and n owned; every `drift`-th one has another hash.
state make_state(std::size_t n, std::size_t drift) {
    state s;
    for (std::size_t i = 0; i < n; ++i) {
        desired_state::spec spec;
        spec.name = "svc-" + std::to_string(i);
        desired_state::service body;
        body.image = "registry.local/app:1";
        spec.body = body;
        const std::string hash = "h" + std::to_string(i);
        s.desired.resources.emplace(desired_state::key_of(spec), desired_state::desired_entry{spec, hash, spec.name + ".yaml"});
        drivers::actual_object a;
        a.name = spec.name;
        a.id = std::to_string(i);
        a.owner = "bench";
        a.spec_hash = (drift && i % drift == 0) ? "old" : hash;
        a.state = "running";
        s.actual.push_back(std::move(a));
    }
    return s;
}

void bm_diff_converged(benchmark::State& st) {
    auto s = make_state(static_cast<std::size_t>(st.range(0)), 0);
    for (auto _ : st) {
        auto p = reconciler::diff(s.desired, s.actual, {});
        benchmark::DoNotOptimize(p);
    }
    st.SetItemsProcessed(st.iterations() * st.range(0));
}

void bm_diff_one_percent_drift(benchmark::State& st) {
    auto s = make_state(static_cast<std::size_t>(st.range(0)), 100);
    for (auto _ : st) {
        auto p = reconciler::diff(s.desired, s.actual, {});
        benchmark::DoNotOptimize(p);
    }
    st.SetItemsProcessed(st.iterations() * st.range(0));
}

}  // namespace

BENCHMARK(bm_diff_converged)->Arg(1'000)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_diff_one_percent_drift)->Arg(100'000)->Unit(benchmark::kMillisecond);
