// Telling systemd how `driftless run` is doing (a unit with Type=notify,
// dist/systemd/driftless.service): READY=1 once the first pass completed,
// STATUS= with the latest pass's summary, STOPPING=1 on the way out, and
// watchdog keep-alives from the loop's thread when the unit sets
// WatchdogSec= (a thread that stops turning gets the service restarted).
// Outside systemd (no NOTIFY_SOCKET) every call does nothing.
#pragma once

#include <utility>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <string>

namespace driftless::cli {

class service_manager {
public:
    explicit service_manager(boost::asio::any_io_executor ex);

    // True when started by a service manager that listens (NOTIFY_SOCKET).
    [[nodiscard]] bool listening() const noexcept { return listening_; }
    // READY=1 with `status` the first time, STATUS= alone afterwards.
    void ready_or_status(const std::string& status);
    void stopping();
    // Starts the keep-alives when the unit asks for them; stopped by stopping().
    void start_watchdog();

private:
    void ping();

    boost::asio::steady_timer timer_;
    std::chrono::microseconds watchdog_{0};
    bool listening_ = false;
    bool ready_ = false;
};

}  // namespace driftless::cli
