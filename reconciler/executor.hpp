// Carries a plan out against a driver's writing side.
//
// Actions run with bounded parallelism (`parallel` in flight at most) and in
// the plan's order: an action starts only when every action in its `after`
// list has succeeded; if one of those failed or was skipped, it is skipped
// too and says why. Keys still backing off are skipped (not failed).
// Conflicts, drifted objects and rolled-back updates are reported, never executed; so are waits
// (skipped with their reason, or failed and backed off when they carry a
// `failure`). An action with a `failure` that is carried out still fails.
//
// Threading: a coroutine on the loop's io_context; the writer's calls run
// concurrently on that one thread.
#pragma once

#include <utility>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "reconciler/backoff.hpp"
#include "reconciler/plan.hpp"

namespace driftless::reconciler {

enum class outcome { succeeded, failed, skipped, reported };
[[nodiscard]] const char* to_string(outcome o) noexcept;

struct action_result {
    outcome result = outcome::skipped;
    std::string message;                    // the error, or why it was skipped
    std::string code;                       // error code for failures
    std::chrono::milliseconds took{0};      // how long the driver call ran (0 when none ran)
};

struct execution_report {
    std::vector<action_result> results;     // one per plan action, same index
    [[nodiscard]] std::size_t count(outcome o) const noexcept;
};

// Told as the work goes, on the executor's thread (progress.hpp draws it).
class execution_observer {
public:
    virtual ~execution_observer() = default;
    // Once, before the first action starts: how many actions will be carried
    // out at most (the rest were settled at once: reported, backing off, waiting).
    virtual void starting(const plan& p, std::size_t to_run) = 0;
    virtual void started(std::size_t index) = 0;
    virtual void finished(std::size_t index, const action_result& r) = 0;
    // After the last action: the execution is over.
    virtual void done() = 0;
};

// Runs `p` against `w`. Failures are recorded in `b` (per key); successes
// clear the key's backoff. `observer`, when given, is told as actions start and end.
boost::asio::awaitable<execution_report> execute(const plan& p, drivers::writer& w, backoff& b, std::size_t parallel,
                                                 execution_observer* observer = nullptr);

}  // namespace driftless::reconciler
