#include "reconciler/teardown_executor.hpp"

#include <vector>

namespace driftless::reconciler {

boost::asio::awaitable<execution_report> execute_teardown(const teardown_plan& p, drivers::writer& w, std::size_t parallel,
                                                          teardown_progress on_done) {
    execution_report out;
    out.results.resize(p.removals.size());
    std::vector<bool> removed(p.removals.size(), false);
    auto settle = [&](std::size_t i, action_result r) {
        removed[i] = r.result == outcome::succeeded;
        out.results[i] = std::move(r);
        if (on_done) on_done(i, out.results[i]);
    };
    for (std::size_t level = 0; level < p.levels; ++level) {
        // This level's removals that may go, as a plan of independent
        // actions: execute() bounds them by `parallel`.
        plan step;
        std::vector<std::size_t> index;   // step action -> removal
        for (std::size_t i = 0; i < p.removals.size(); ++i) {
            if (p.removals[i].level != level) continue;
            if (auto first = blocked_by(p, i, removed)) {
                settle(i, {outcome::skipped, "kept: " + *first + " uses it and was not removed", "dependency"});
                continue;
            }
            action a;
            a.type = action_type::remove;
            a.key = p.removals[i].have.key();
            a.have = p.removals[i].have;
            step.actions.push_back(std::move(a));
            index.push_back(i);
        }
        if (step.actions.empty()) continue;
        // A backoff of its own: every removal is due, none is retried.
        backoff once([] { return 0.0; });
        auto report = co_await execute(step, w, once, parallel);
        for (std::size_t k = 0; k < index.size(); ++k) settle(index[k], std::move(report.results[k]));
    }
    co_return out;
}

}  // namespace driftless::reconciler
