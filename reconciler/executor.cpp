#include "reconciler/executor.hpp"

#include <utility>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <memory>

namespace driftless::reconciler {

namespace asio = boost::asio;

const char* to_string(outcome o) noexcept {
    switch (o) {
    case outcome::succeeded: return "succeeded";
    case outcome::failed: return "failed";
    case outcome::skipped: return "skipped";
    case outcome::reported: return "reported";
    }
    return "?";
}

std::size_t execution_report::count(outcome o) const noexcept {
    return static_cast<std::size_t>(std::count_if(results.begin(), results.end(), [o](const action_result& r) { return r.result == o; }));
}

namespace {

enum class phase { pending, running, done };

asio::awaitable<status> perform(const action& a, drivers::writer& w) {
    switch (a.type) {
    case action_type::create: co_return co_await w.create(*a.want);
    case action_type::update:
        if (a.rollout) co_return co_await w.rollout(*a.rollout);
        co_return co_await w.update(*a.want, *a.have);
    case action_type::rollout: co_return co_await w.rollout(*a.rollout);
    case action_type::start: {
        auto st = co_await w.start(*a.have);
        // A container that will not start (a task the runtime lost track of
        // when the engine restarted, a deleted network) is recreated from its
        // spec: the container holds nothing the spec cannot rebuild.
        if (st.ok() || !a.want || st.err().code == "unreachable" || st.err().code == "timeout") co_return st;
        co_return co_await w.update(*a.want, *a.have);
    }
    case action_type::remove: co_return co_await w.remove(*a.have);
    case action_type::adopt: co_return co_await w.adopt(a.want, *a.have);
    default: co_return status{};
    }
}

// Shared by the coordinating coroutine and the action coroutines it spawns,
// so that it outlives whichever finishes last.
struct run_state {
    explicit run_state(asio::any_io_executor ex, std::size_t n) : wake(ex), phases(n, phase::pending) {
        report.results.resize(n);
    }
    asio::steady_timer wake;
    std::vector<phase> phases;
    execution_report report;
    std::size_t in_flight = 0;
};

}  // namespace

asio::awaitable<execution_report> execute(const plan& p, drivers::writer& w, backoff& b, std::size_t parallel,
                                          execution_observer* observer) {
    auto ex = co_await asio::this_coro::executor;
    const std::size_t n = p.actions.size();
    auto st = std::make_shared<run_state>(ex, n);
    parallel = std::max<std::size_t>(parallel, 1);
    const auto now = backoff::clock::now();

    auto finish = [&](std::size_t i, outcome o, std::string message, std::string code = {}) {
        st->phases[i] = phase::done;
        st->report.results[i] = {o, std::move(message), std::move(code)};
    };

    // Reported-only and backed-off actions settle at once.
    for (std::size_t i = 0; i < n; ++i) {
        const auto& a = p.actions[i];
        if (a.type == action_type::conflict || a.type == action_type::drifted || a.type == action_type::rolled_back) {
            finish(i, outcome::reported, a.reason, a.type == action_type::conflict ? "conflict" : a.type == action_type::drifted ? "drifted" : a.observed);
        } else if (!b.due(a.key, now)) {
            const auto* s = b.find(a.key);
            finish(i, outcome::skipped, "backing off after: " + (s ? s->last_error : std::string("an error")));
        } else if (a.type == action_type::wait && !a.failure.empty()) {
            // Past its deadline, or a spec that cannot work: a failure, retried with backoff.
            finish(i, outcome::failed, a.failure, "dependency");
            b.fail(a.key, now, a.failure);
        } else if (a.type == action_type::wait) {
            finish(i, outcome::skipped, a.reason);
        }
    }

    if (observer) {
        const auto to_run = static_cast<std::size_t>(std::count(st->phases.begin(), st->phases.end(), phase::pending));
        observer->starting(p, to_run);
    }
    for (;;) {
        bool progress = false;
        for (std::size_t i = 0; i < n; ++i) {
            if (st->phases[i] != phase::pending) continue;
            const auto& a = p.actions[i];
            bool ready = true;
            std::string blocked_by;
            for (auto dep : a.after) {
                if (st->phases[dep] != phase::done) { ready = false; break; }
                if (st->report.results[dep].result != outcome::succeeded) {
                    blocked_by = p.actions[dep].key.to_string();
                    break;
                }
            }
            if (!blocked_by.empty()) {
                finish(i, outcome::skipped, "waiting for " + blocked_by);
                if (observer) observer->finished(i, st->report.results[i]);
                progress = true;
                continue;
            }
            if (!ready || st->in_flight >= parallel) continue;
            progress = true;
            st->phases[i] = phase::running;
            ++st->in_flight;
            if (observer) observer->started(i);
            const auto began = std::chrono::steady_clock::now();
            asio::co_spawn(ex, perform(a, w),
                           [st, i, &a, &b, observer, began](std::exception_ptr e, status s) {
                               --st->in_flight;
                               st->phases[i] = phase::done;
                               auto& r = st->report.results[i];
                               if (e) {
                                   r = {outcome::failed, "internal error", "internal"};
                                   try { std::rethrow_exception(e); } catch (const std::exception& ex) { r.message = ex.what(); } catch (...) {}
                               } else if (s.ok() && !a.failure.empty()) {
                                   r = {outcome::failed, a.failure, "dependency"};
                               } else if (s.ok()) {
                                   r = {outcome::succeeded, {}, {}};
                               } else {
                                   r = {outcome::failed, s.err().message, s.err().code};
                               }
                               r.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began);
                               if (r.result == outcome::succeeded) b.succeed(a.key);
                               else b.fail(a.key, backoff::clock::now(), r.message);
                               if (observer) observer->finished(i, r);
                               st->wake.cancel();
                           });
        }
        const bool all_done = std::all_of(st->phases.begin(), st->phases.end(), [](phase f) { return f == phase::done; });
        if (all_done) break;
        if (st->in_flight == 0) {
            if (progress) continue;
            // Pending actions wait on each other: a depends_on cycle.
            for (std::size_t i = 0; i < n; ++i)
                if (st->phases[i] == phase::pending) finish(i, outcome::skipped, "depends_on cycle", "invalid");
            break;
        }
        // Nothing else can start until an action finishes: its handler wakes
        // us. Single thread: no handler runs between this check and the wait.
        st->wake.expires_at(asio::steady_timer::time_point::max());
        { boost::system::error_code ignored; co_await st->wake.async_wait(asio::redirect_error(asio::use_awaitable, ignored)); }
    }
    if (observer) observer->done();
    co_return st->report;
}

}  // namespace driftless::reconciler
