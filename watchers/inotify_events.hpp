// One inotify instance read on an executor, and the debounce that turns a
// burst of the events that matter into one call: what every inotify watcher
// here shares (directory_watcher for spec files, folder_changes for build
// contexts). Which folders are watched, and which events matter, is the
// owner's business (inotify_watches.hpp).
//
// Lifetime: held by shared_ptr; a handler still queued keeps it alive and,
// once stop() was called, returns without calling anything. The owner calls
// stop() before it goes, so the functions it gave never outlive it.
//
// Threading: every member and every callback on the executor's one thread
// (or before it runs). Not thread-safe.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "watchers/debounce.hpp"

struct inotify_event;

namespace driftless::watchers {

class inotify_events : public std::enable_shared_from_this<inotify_events> {
public:
    struct handlers {
        // Each event read: whether it matters (it starts or extends a burst).
        std::function<bool(const inotify_event&)> event;
        // After the events of one read were handled (may be empty).
        std::function<void()> read_done;
        // A burst is over: quiet after its latest event, or at its longest.
        std::function<void()> burst;
        // Reading failed: the instance is closed (bursts noted still end).
        std::function<void(const std::string& why)> failed;
    };

    inotify_events(boost::asio::any_io_executor executor, debounce::clock::duration quiet,
                   debounce::clock::duration max_delay, handlers h);

    // Opens the instance; the reason when inotify cannot be had, else "".
    [[nodiscard]] std::string open();
    // Starts reading (after open() succeeded). Call once.
    void read();
    [[nodiscard]] bool is_open() const noexcept { return stream_.is_open(); }
    [[nodiscard]] int fd() { return stream_.native_handle(); }

    // Something that matters happened outside an event (a watch added late):
    // a burst starts, or goes on.
    void note();

    // Closes the instance; the kernel drops its watches. Bursts noted still end.
    void close();
    // Idempotent. Closes, and no handler runs after it returns.
    void stop();

private:
    void on_read(const boost::system::error_code& ec, std::size_t n);
    void arm();

    handlers handlers_;
    debounce debounce_;
    boost::asio::posix::stream_descriptor stream_;
    boost::asio::steady_timer timer_;
    alignas(8) std::array<char, 64 * 1024> buffer_{};
    bool armed_ = false;
    bool stopped_ = false;
};

}  // namespace driftless::watchers
