// Blocking work (a credential helper, a config file read) run from a
// coroutine without stalling the loop's thread.
//
// Threading: the work runs on a thread started for it; the coroutine
// resumes on its own executor with the value. The executor counts as busy
// meanwhile, so its io_context's run() does not return before the value is
// back, and that io_context must outlive the work.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>
#include <thread>

namespace driftless::drivers {

// (GCC 12 destroys a temporary in a co_await expression twice: the
// initiation is a named object, and so must be the caller's `work`.)
template <class T>
boost::asio::awaitable<T> on_thread_of_its_own(std::function<T()> work) {
    namespace asio = boost::asio;
    const auto ex = co_await asio::this_coro::executor;
    auto initiation = [ex, work = std::move(work)](auto handler) mutable {
        auto busy = asio::prefer(ex, asio::execution::outstanding_work.tracked);
        std::thread([work = std::move(work), handler = std::move(handler), busy = std::move(busy)]() mutable {
            T value = work();
            asio::post(busy, [handler = std::move(handler), value = std::move(value)]() mutable {
                std::move(handler)(std::move(value));
            });
        }).detach();
    };
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(T)>(std::move(initiation),
                                                                                     asio::use_awaitable);
}

}  // namespace driftless::drivers
