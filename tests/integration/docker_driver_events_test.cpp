// The docker driver's events stream against the real dockerd: what a person
// does by hand to an owned container reaches the reconciler.
#include <doctest/doctest.h>

#include <unistd.h>

#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "drivers/docker_driver.hpp"
#include "drivers/driver.hpp"
#include "support/docker_driver_support.hpp"
#include "support/process.hpp"
#include "support/run_async.hpp"
#include "support/scenario.hpp"

using namespace driftless;
using namespace driftless::testing;
using namespace std::chrono_literals;
namespace ds = driftless::desired_state;
namespace asio = boost::asio;
using drivers::actual_object;

TEST_CASE("docker driver: events arrive when a container is killed and removed by hand") {
    ensure_docker();
    scenario s("drve");
    asio::io_context io;
    auto d = make_docker_driver(io, s.owner());
    const std::string name = s.name("victim");
    REQUIRE(run_async(io, d->create(entry(service_spec(name), "h"))).ok());

    std::atomic<int> events{0};
    std::atomic<int> gone{0};
    std::optional<status> ended;
    auto count = [&](drivers::event_kind k) {
        ++events;
        if (k == drivers::event_kind::gone) ++gone;
    };
    asio::co_spawn(io, d->watch_events(count), [&](std::exception_ptr, status st) { ended = st; });
    // The driver lives on the io_context's thread; the test thread only
    // runs the docker CLI and waits.
    io.restart();
    std::thread loop([&] { io.run(); });
    struct joiner {
        std::thread& t;
        asio::io_context& io;
        ~joiner() {
            io.stop();
            if (t.joinable()) t.join();
        }
    } join_at_end{loop, io};

    // Until the stream is up, events may be lost: pause/unpause (events of
    // their own) until one arrives.
    REQUIRE(wait_until([&] {
        s.engine("pause " + name);
        s.engine("unpause " + name);
        return events.load() > 0;
    }, 30s));

    int before = events.load();
    const std::string ended_early = ended ? ended->err().to_string() : std::string("no");
    INFO("stream ended early: " << ended_early);
    REQUIRE(s.engine("kill " + name).exit_code == 0);
    CHECK(wait_until([&] { return events.load() > before; }, 20s));   // kill, die

    before = events.load();
    CHECK(gone.load() == 0);   // pause, kill and die leave the container there
    REQUIRE(s.engine("rm " + name).exit_code == 0);
    CHECK(wait_until([&] { return events.load() > before; }, 20s));   // destroy
    CHECK(wait_until([&] { return gone.load() == 1; }, 20s));

    // Containers of other owners are not reported.
    const std::string other = s.name("other");
    by_hand cleanup;
    cleanup.cleanup = {"docker rm -f " + other};
    before = events.load();
    REQUIRE(s.engine("create --name " + other + " --label io.driftless.owner=someone-else " + test_image).exit_code == 0);
    REQUIRE(s.engine("rm " + other).exit_code == 0);

    // Nothing arrived for the other owner's container. The events stream
    // is ordered: once the next event of ours arrives, any of the other's
    // would have arrived before it.
    const std::string own = s.name("own");
    cleanup.cleanup.push_back("docker rm -f " + own);
    REQUIRE(s.engine("create --name " + own + " --label io.driftless.owner=" + s.owner() + " " + test_image).exit_code == 0);
    // Creating and starting an owned container (what driftless itself
    // does) asks for no pass; its death does, once (kill itself does not).
    REQUIRE(s.engine("start " + own).exit_code == 0);
    REQUIRE(s.engine("kill " + own).exit_code == 0);
    CHECK(wait_until([&] { return events.load() > before; }, 20s));
    CHECK(events.load() == before + 1);

    asio::post(io, [&] { d->cancel_events(); });
    REQUIRE(wait_until([&] { return ended.has_value(); }, 10s));
    CHECK(ended->err().code == "cancelled");
}

TEST_CASE("docker driver: label filtering delivers destroy events") {
    ensure_docker();
    scenario s("drvd");
    asio::io_context io;
    auto d = make_docker_driver(io, s.owner());
    auto* dd = dynamic_cast<drivers::docker::docker_driver*>(d.get());
    REQUIRE(dd != nullptr);
    const std::string name = s.name("gone");

    std::vector<std::string> actions;
    auto cancel = std::make_shared<drivers::docker::stream_cancel>();
    std::optional<status> ended;
    const std::string target = "/events?filters=" +
                               std::string("%7B%22label%22%3A%5B%22io.driftless.owner%3D") + s.owner() + "%22%5D%7D";
    asio::co_spawn(
        io,
        dd->client().stream(drivers::docker::http_method::get, target, {},
                            [&](std::string_view line) -> status {
                                const auto j = nlohmann::json::parse(line);
                                actions.push_back(j.value("status", ""));
                                if (actions.back() == "destroy") cancel->cancel();
                                return {};
                            },
                            std::nullopt, cancel),
        [&](std::exception_ptr, status st) { ended = st; });
    io.restart();
    std::thread loop([&] { io.run(); });
    struct joiner {
        std::thread& t;
        asio::io_context& io;
        ~joiner() {
            io.stop();
            if (t.joinable()) t.join();
        }
    } join_at_end{loop, io};

    // Create/remove until the stream, once up, has seen a destroy.
    CHECK(wait_until([&] {
        s.engine("run -d --name " + name + " --label io.driftless.owner=" + s.owner() + " " + test_image);
        s.engine("rm -f " + name);
        return ended.has_value();
    }, 30s));
    REQUIRE(ended.has_value());
    CHECK(ended->err().code == "cancelled");
    CHECK(std::find(actions.begin(), actions.end(), "die") != actions.end());
}
