// Carries out a teardown plan (teardown.hpp) against a driver's writing side.
//
// Level by level: a level starts once every removal of the levels before it
// has finished. Within a level, up to `parallel` removals are in flight at
// once (through execute(), executor.hpp). A removal whose `after` did not
// all succeed is skipped, never tried: a dependency stays while something
// that uses it could not be removed. A failure does not stop the removals
// that do not depend on it.
//
// Threading: a coroutine on the caller's io_context; the writer's calls run
// concurrently on that one thread.
#pragma once

#include <utility>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <functional>

#include "reconciler/executor.hpp"
#include "reconciler/teardown.hpp"

namespace driftless::reconciler {

// Called once per removal, as its level ends (or at once when skipped):
// its index in the plan and what became of it.
using teardown_progress = std::function<void(std::size_t, const action_result&)>;

// One result per removal, same index: succeeded, failed (with the driver's
// error) or skipped (with the object that had to go first).
boost::asio::awaitable<execution_report> execute_teardown(const teardown_plan& p, drivers::writer& w, std::size_t parallel,
                                                          teardown_progress on_done = {});

}  // namespace driftless::reconciler
