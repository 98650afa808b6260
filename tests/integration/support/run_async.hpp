// Running a coroutine to completion from a plain (blocking) test.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>

namespace driftless::testing {

namespace detail {
template <class T>
boost::asio::awaitable<void> store_into(boost::asio::awaitable<T> task, std::optional<T>& out) {
    out.emplace(co_await std::move(task));
}
}  // namespace detail

// Runs `task` on `io` (on this thread) until it finishes and returns its
// value; rethrows what it threw. Throws std::runtime_error if it has not
// finished within `timeout` (the io_context is then stopped, so the test
// fails instead of hanging). Other work queued on `io` runs meanwhile.
template <class T>
T run_async(boost::asio::io_context& io, boost::asio::awaitable<T> task,
            std::chrono::milliseconds timeout = std::chrono::seconds(120)) {
    std::optional<T> value;
    std::exception_ptr failure;
    bool done = false;
    // Through a void coroutine: co_spawn's handler would need T to be
    // default-constructible, and result<T> is not.
    boost::asio::co_spawn(io, detail::store_into(std::move(task), value), [&](std::exception_ptr e) {
        failure = e;
        done = true;
    });
    io.restart();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done && std::chrono::steady_clock::now() < deadline) {
        if (io.run_one_until(deadline) == 0 && io.stopped()) io.restart();
    }
    if (!done) {
        io.stop();
        throw std::runtime_error("run_async: the coroutine did not finish in time");
    }
    if (failure) std::rethrow_exception(failure);
    return std::move(*value);
}

}  // namespace driftless::testing
