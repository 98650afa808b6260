// Runs an io_context until a condition holds or a deadline passes: the
// watcher tests wait on what happened, never for a fixed time.
#pragma once

#include <chrono>

#include <boost/asio/io_context.hpp>

namespace driftless::watchers::testing {

// False when the deadline passed first.
template <class Predicate>
bool run_until(boost::asio::io_context& io, Predicate done,
               std::chrono::steady_clock::duration deadline = std::chrono::seconds(10)) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (!done()) {
        if (std::chrono::steady_clock::now() > until) return false;
        if (io.stopped()) io.restart();
        io.run_for(std::chrono::milliseconds(10));
    }
    return true;
}

}  // namespace driftless::watchers::testing
