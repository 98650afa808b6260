#include "cli/service_manager.hpp"

#include <cstdlib>

#include <systemd/sd-daemon.h>

#include "desired_state/printable.hpp"

namespace driftless::cli {

service_manager::service_manager(boost::asio::any_io_executor ex) : timer_(std::move(ex)) {
    const char* socket = std::getenv("NOTIFY_SOCKET");
    listening_ = socket != nullptr && *socket != '\0';
    std::uint64_t usec = 0;
    if (listening_ && sd_watchdog_enabled(0, &usec) > 0) watchdog_ = std::chrono::microseconds(usec);
}

void service_manager::ready_or_status(const std::string& text) {
    if (!listening_) return;
    // One line, escaped: systemctl status shows STATUS= as it is.
    const auto line = desired_state::printable(text);
    if (ready_) {
        sd_notifyf(0, "STATUS=%s", line.c_str());
        return;
    }
    ready_ = true;
    sd_notifyf(0, "READY=1\nSTATUS=%s", line.c_str());
}

void service_manager::stopping() {
    timer_.cancel();
    watchdog_ = std::chrono::microseconds(0);
    if (listening_) sd_notify(0, "STOPPING=1");
}

void service_manager::start_watchdog() {
    if (watchdog_.count() > 0) ping();
}

// At half the interval, as sd_watchdog_enabled(3) advises.
void service_manager::ping() {
    sd_notify(0, "WATCHDOG=1");
    timer_.expires_after(watchdog_ / 2);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && watchdog_.count() > 0) ping();
    });
}

}  // namespace driftless::cli
