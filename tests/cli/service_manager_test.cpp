// The systemd notifications of `driftless run` (service_manager.hpp),
// against a datagram socket standing in for systemd's NOTIFY_SOCKET.
#include <doctest/doctest.h>

#include <utility>
#include <boost/asio/io_context.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>

#include "cli/service_manager.hpp"
#include "watchers/temp_tree.hpp"

using namespace driftless;
using namespace driftless::cli;

namespace {

// A bound unix datagram socket set as NOTIFY_SOCKET for the test's span.
class notify_socket {
public:
    notify_socket() : fd_(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
        REQUIRE(fd_ >= 0);
        path_ = dir_.path("notify").string();
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        REQUIRE(path_.size() < sizeof a.sun_path);
        std::copy(path_.begin(), path_.end(), a.sun_path);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        timeval tv{2, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setenv("NOTIFY_SOCKET", path_.c_str(), 1);
    }
    ~notify_socket() {
        ::unsetenv("NOTIFY_SOCKET");
        ::unsetenv("WATCHDOG_USEC");
        ::close(fd_);
    }
    // The next datagram, "" after 2 s without one.
    std::string next() {
        char buf[4096];
        const auto n = ::recv(fd_, buf, sizeof buf, 0);
        return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
    }

private:
    watchers::testing::temp_tree dir_;
    int fd_;
    std::string path_;
};

}  // namespace

TEST_CASE("systemd: READY=1 once with the status, STATUS= alone afterwards, escaped; STOPPING=1") {
    notify_socket systemd;
    boost::asio::io_context io;
    service_manager m(io.get_executor());
    REQUIRE(m.listening());
    m.ready_or_status("3 desired; converged: 3 created in 1.2 s");
    CHECK(systemd.next() == "READY=1\nSTATUS=3 desired; converged: 3 created in 1.2 s");
    m.ready_or_status("a name\nwith a newline");
    CHECK(systemd.next() == "STATUS=a name\\nwith a newline");
    m.stopping();
    CHECK(systemd.next() == "STOPPING=1");
}

TEST_CASE("systemd: keep-alives from the loop's thread when the unit sets WatchdogSec") {
    notify_socket systemd;
    ::setenv("WATCHDOG_USEC", "200000", 1);   // 0.2 s: a keep-alive every 0.1 s
    boost::asio::io_context io;
    service_manager m(io.get_executor());
    m.start_watchdog();
    io.run_for(std::chrono::milliseconds(350));
    CHECK(systemd.next() == "WATCHDOG=1");
    CHECK(systemd.next() == "WATCHDOG=1");
    m.stopping();
    io.run();   // the timer is cancelled: nothing keeps the io_context running
    std::string rest;
    for (std::string d = systemd.next(); !d.empty(); d = systemd.next()) rest = d;
    CHECK(rest == "STOPPING=1");
}

TEST_CASE("systemd: outside systemd every call does nothing") {
    ::unsetenv("NOTIFY_SOCKET");
    boost::asio::io_context io;
    service_manager m(io.get_executor());
    CHECK_FALSE(m.listening());
    m.ready_or_status("x");
    m.start_watchdog();
    m.stopping();
    CHECK(io.run() == 0);
}
