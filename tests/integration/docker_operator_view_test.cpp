// What a person at the host sees (issue: long work shows progress): the
// progress line on a terminal and plain log lines off one, the pass's
// summary, `driftless status` and `healthcheck` against a running instance,
// and the systemd notifications of `run` (READY=1 after the first pass).
// Against the real dockerd.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "support/process.hpp"
#include "support/scenario.hpp"

using namespace driftless::testing;
using namespace std::chrono_literals;

namespace {

std::string service(const std::string& name, const std::string& image = "driftless-test/busybox:1") {
    return "kind: Service\nname: " + name + "\nimage: " + image +
           "\npull: never\ncommand: [\"sleep\", \"3600\"]\nstop_grace_period: 1s\n";
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

// The table's line for `name`, "" when none.
std::string row_of(const std::string& table, const std::string& name) {
    std::size_t start = 0;
    while (start < table.size()) {
        auto end = table.find('\n', start);
        if (end == std::string::npos) end = table.size();
        const auto line = table.substr(start, end - start);
        if (line.find(" " + name + " ") != std::string::npos) return line;
        start = end + 1;
    }
    return {};
}

// A shell word: 'text' with quotes escaped.
std::string quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace

TEST_CASE("docker: apply off a terminal logs plain lines and one summary; on a terminal it draws a progress line") {
    ensure_docker();
    scenario s("view");
    s.write("a.yaml", service(s.name("a")) + "---\n" + service(s.name("b")));
    auto plain = s.driftless({"apply"});
    INFO(plain.err);
    REQUIRE(plain.exit_code == 0);
    CHECK(contains(plain.err, "converged: 2 created in "));
    CHECK_FALSE(contains(plain.err, "\r"));
    CHECK_FALSE(contains(plain.err, "\x1b["));

    // Work again, on a pseudo-terminal (util-linux's script): the two
    // containers removed by hand are made again, and a third.
    s.remove_by_hand(s.name("a"));
    s.remove_by_hand(s.name("b"));
    s.write("c.yaml", service(s.name("c")));
    const std::string cmd = quoted(binary()) + " apply -s " + quoted(s.dir().string()) + " --owner " + quoted(s.owner());
    auto tty = sh("script -qefc " + quoted(cmd) + " /dev/null", 300s);
    INFO(tty.out);
    CHECK(tty.exit_code == 0);
    CHECK(contains(tty.out, "\r\x1b[K"));                                 // the line redrawn in place
    CHECK(contains(tty.out, "/3"));                                        // n/3 as the actions finish
    CHECK(contains(tty.out, "converged: 3 created in "));
    s.cleanup();
}

TEST_CASE("docker: driftless status prints the running instance's objects and exits 1 while one fails; healthcheck answers") {
    ensure_docker();
    scenario s("status");
    s.write("ok.yaml", service(s.name("ok")));
    s.write("bad.yaml", service(s.name("bad"), "driftless-test/no-such-image:1"));
    auto run = s.start_run();
    REQUIRE(run->running());
    const std::string listen = "127.0.0.1:" + std::to_string(s.status_port());
    auto health = driftless::testing::run({binary(), "healthcheck", "--listen", listen});
    CHECK(health.exit_code == 0);

    command_result status;
    INFO(status.out);
    REQUIRE(wait_until([&] {
        status = driftless::testing::run({binary(), "status", "--listen", listen});
        return contains(row_of(status.out, s.name("bad")), " create failed ") &&
               contains(row_of(status.out, s.name("ok")), " running ");
    }, 60s));
    INFO(status.out);
    CHECK(status.exit_code == 1);
    CHECK(contains(status.out, "KIND     NAME"));
    CHECK(contains(status.out, s.name("ok")));
    auto problems = driftless::testing::run({binary(), "status", "--listen", listen, "--problems"});
    CHECK(contains(problems.out, s.name("bad")));
    CHECK(row_of(problems.out, s.name("ok")).empty());

    s.remove("bad.yaml");
    REQUIRE(wait_until([&] { return driftless::testing::run({binary(), "status", "--listen", listen}).exit_code == 0; }, 60s));
    run->signal(SIGTERM);
    CHECK(run->wait(30s) == 0);
    // Nothing listens any more: both say so and exit 1.
    CHECK(driftless::testing::run({binary(), "healthcheck", "--listen", listen, "--timeout", "2s"}).exit_code == 1);
    auto gone = driftless::testing::run({binary(), "status", "--listen", listen, "--timeout", "2s"});
    CHECK(gone.exit_code == 1);
    CHECK(contains(gone.err, "is `driftless run` listening there"));
    s.cleanup();
}

TEST_CASE("docker: under systemd, run says READY=1 with its status after the first pass") {
    ensure_docker();
    scenario s("notify");
    s.write("web.yaml", service(s.name("web")));
    const auto path = (std::filesystem::temp_directory_path() / ("driftless-notify-" + s.owner())).string();
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof a.sun_path);
    std::copy(path.begin(), path.end(), a.sun_path);
    ::unlink(path.c_str());
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    timeval tv{60, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

    auto run = s.start_run({}, {"NOTIFY_SOCKET=" + path});
    char buf[4096];
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    const std::string first = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
    INFO(first);
    CHECK(first.rfind("READY=1\nSTATUS=1 desired, 0 failing, 0 source error(s); converged: 1 created in ", 0) == 0);
    CHECK(s.container_state(s.name("web")) == "running");
    run->signal(SIGTERM);
    std::string last;
    for (auto m = ::recv(fd, buf, sizeof buf, 0); m > 0; m = ::recv(fd, buf, sizeof buf, 0)) {
        last.assign(buf, static_cast<std::size_t>(m));
        if (last == "STOPPING=1") break;
    }
    CHECK(last == "STOPPING=1");
    CHECK(run->wait(30s) == 0);
    ::close(fd);
    ::unlink(path.c_str());
    s.cleanup();
}
