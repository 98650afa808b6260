// The docker driver against the real dockerd: images and pull policies,
// replicas, update and start, failures half way, an unreachable engine, and
// connection reuse.
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

TEST_CASE("docker driver: an unreachable engine is an error value, quickly") {
    asio::io_context io;
    auto d = make_docker_driver(io, "t-unreachable", "unix:///nonexistent.sock");
    const auto t0 = std::chrono::steady_clock::now();
    auto r = run_async(io, d->list(), 10s);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == "unreachable");
    CHECK(r.err().message.find("cannot connect to the engine at unix:///nonexistent.sock") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - t0 < 5s);

    // DOCKER_HOST is honoured when no host is given.
    const char* saved = std::getenv("DOCKER_HOST");
    const std::string keep = saved != nullptr ? saved : "";
    ::setenv("DOCKER_HOST", "unix:///nonexistent.sock", 1);
    auto via_env = make_docker_driver(io, "t-unreachable");
    if (saved != nullptr) ::setenv("DOCKER_HOST", keep.c_str(), 1); else ::unsetenv("DOCKER_HOST");
    auto r2 = run_async(io, via_env->create(entry(service_spec("nothing"), "h")), 10s);
    REQUIRE_FALSE(r2.ok());
    CHECK(r2.err().code == "unreachable");

    // Nothing listens on this TCP port.
    auto tcp = make_docker_driver(io, "t-unreachable", "tcp://127.0.0.1:1");
    auto r3 = run_async(io, tcp->list(), 10s);
    REQUIRE_FALSE(r3.ok());
    CHECK(r3.err().code == "unreachable");
}

TEST_CASE("docker driver: make_driver names the known drivers and checks the host") {
    asio::io_context io;
    drivers::driver_options o;
    o.kind = "nomad";
    auto unknown = drivers::make_driver(io.get_executor(), o);
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.err().code == "invalid");
    CHECK(unknown.err().message == "unknown driver \"nomad\"; known drivers: docker, swarm, podman");

    o.kind = "docker";
    o.host = "ssh://box";
    auto bad = drivers::make_driver(io.get_executor(), o);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.err().message.find("scheme \"ssh\" is not supported") != std::string::npos);

    o.host = "";
    o.owner = "bad owner";
    CHECK_FALSE(drivers::make_driver(io.get_executor(), o).ok());

    o.owner = "t-docker";
    auto good = drivers::make_driver(io.get_executor(), o);
    REQUIRE(good.ok());
    CHECK((*good)->name() == "docker");
    CHECK((*good)->owner() == "t-docker");
}

TEST_CASE("docker driver: images per pull policy") {
    ensure_docker();
    scenario s("drvp");
    asio::io_context io;
    auto d = make_docker_driver(io, s.owner());
    const std::string absent = "driftless-test/absent:404";
    REQUIRE(s.engine("image inspect " + absent).exit_code != 0);

    ds::spec never = service_spec(s.name("never"));
    service_of(never).image = absent;
    auto r = run_async(io, d->create(entry(never, "h")));
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == "not_found");
    CHECK(r.err().message == "service \"" + s.name("never") + "\": image \"driftless-test/absent:404\" is not on the "
                             "engine and its pull policy is \"never\"; load the image (docker load or docker pull) "
                             "or set pull: missing");

    // pull: missing with an image the engine cannot fetch: the engine's reason.
    ds::spec missing = service_spec(s.name("missing"));
    service_of(missing).image = "127.0.0.1:1/absent:1";
    service_of(missing).pull = ds::pull_policy::missing;
    auto m = run_async(io, d->create(entry(missing, "h")));
    REQUIRE_FALSE(m.ok());
    CHECK(m.err().code == "engine");
    CHECK(m.err().message.find("pull \"127.0.0.1:1/absent:1\": ") == 0);
    CHECK(m.err().message.find("connection refused") != std::string::npos);

    // pull: missing with the image present does not pull.
    ds::spec present = service_spec(s.name("present"));
    service_of(present).pull = ds::pull_policy::missing;
    auto p = run_async(io, d->create(entry(present, "h")));
    CHECK_MESSAGE(p.ok(), why(p));
    CHECK(s.owned_containers() == std::vector<std::string>{s.name("present")});
}

TEST_CASE("docker driver: replicas") {
    ensure_docker();
    scenario s("drvr");
    asio::io_context io;
    auto d = make_docker_driver(io, s.owner());

    ds::spec two = service_spec(s.name("two"));
    service_of(two).replicas = 2;
    auto r = run_async(io, d->create(entry(two, "h")));
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == "invalid");
    CHECK(r.err().message.find("replicas > 1 needs the swarm or kubernetes driver") != std::string::npos);
    CHECK(s.owned_containers().empty());

    // replicas: 0 is created, never started, and listed as converged.
    ds::spec zero = service_spec(s.name("zero"));
    service_of(zero).replicas = 0;
    REQUIRE(run_async(io, d->create(entry(zero, "h"))).ok());
    CHECK(s.container_state(s.name("zero")) == "created");
    auto listed = run_async(io, d->list());
    REQUIRE(listed.ok());
    REQUIRE(listed->objects.size() == 1);
    CHECK(listed->objects[0].running);
    CHECK(listed->objects[0].tasks_desired == 0);
    CHECK(run_async(io, d->start(listed->objects[0])).ok());
    CHECK(s.container_state(s.name("zero")) == "created");
}

TEST_CASE("docker driver: update recreates, start self-heals") {
    ensure_docker();
    scenario s("drvup");
    asio::io_context io;
    auto d = make_docker_driver(io, s.owner());
    const std::string name = s.name("svc");

    REQUIRE(run_async(io, d->create(entry(service_spec(name), "h1"))).ok());
    const std::string first_id = s.container_id(name);
    REQUIRE(s.engine("stop -t 0 " + name).exit_code == 0);

    auto listed = run_async(io, d->list());
    REQUIRE(listed.ok());
    REQUIRE(listed->objects.size() == 1);
    CHECK_FALSE(listed->objects[0].running);
    CHECK(listed->objects[0].state == "exited");
    auto started = run_async(io, d->start(listed->objects[0]));
    REQUIRE_MESSAGE(started.ok(), why(started));
    CHECK(s.container_state(name) == "running");
    // Already running: fine.
    CHECK(run_async(io, d->start(listed->objects[0])).ok());

    ds::spec changed = service_spec(name);
    service_of(changed).env = {{"V", "2"}};
    auto up = run_async(io, d->update(entry(changed, "h2"), listed->objects[0]));
    REQUIRE_MESSAGE(up.ok(), why(up));
    const std::string second_id = s.container_id(name);
    CHECK_FALSE(second_id.empty());
    CHECK(second_id != first_id);
    CHECK(inspect("{{index .Config.Labels \"io.driftless.spec-hash\"}}", name) == "h2");
    CHECK(s.container_state(name) == "running");

    // An update to an invalid spec keeps the running container.
    ds::spec bad = service_spec(name);
    service_of(bad).replicas = 3;
    auto now = run_async(io, d->list());
    REQUIRE(now.ok());
    auto refused = run_async(io, d->update(entry(bad, "h3"), now->objects.at(0)));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.err().code == "invalid");
    CHECK(s.container_id(name) == second_id);
}

TEST_CASE("docker driver: a container that fails to start is not left behind") {
    ensure_docker();
    scenario s("drvf");
    asio::io_context io;
    auto d = make_docker_driver(io, s.owner());
    ds::spec spec = service_spec(s.name("broken"));
    service_of(spec).command = std::vector<std::string>{"/no/such/program"};
    auto r = run_async(io, d->create(entry(spec, "h")));
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().message.find("start container \"" + s.name("broken") + "\": ") == 0);
    CHECK(s.owned_containers().empty());

    // A missing second network (the engine accepts the connect and fails
    // the start): created, then removed again.
    ds::spec nets = service_spec(s.name("nonet"));
    service_of(nets).networks = {"bridge", s.name("missing-net")};
    auto n = run_async(io, d->create(entry(nets, "h")));
    REQUIRE_FALSE(n.ok());
    const std::string reason = n.err().to_string();
    INFO(reason);
    CHECK(reason.find("start container \"" + s.name("nonet") + "\": ") != std::string::npos);
    CHECK(s.owned_containers().empty());

    // The default bridge alone works (it takes no alias).
    ds::spec bridge = service_spec(s.name("bridged"));
    service_of(bridge).networks = {"bridge"};
    auto b = run_async(io, d->create(entry(bridge, "h")));
    CHECK_MESSAGE(b.ok(), why(b));
    CHECK(s.container_state(s.name("bridged")) == "running");
}

TEST_CASE("docker driver: concurrent calls share keep-alive connections") {
    ensure_docker();
    scenario s("drvk");
    asio::io_context io;
    auto d = make_docker_driver(io, s.owner());
    auto* dd = dynamic_cast<drivers::docker::docker_driver*>(d.get());
    REQUIRE(dd != nullptr);

    int ok = 0, done = 0;
    auto one = [](drivers::driver& drv, int& ok_count, int& done_count) -> asio::awaitable<void> {
        auto r = co_await drv.list();
        ++done_count;
        if (r.ok()) ++ok_count;
    };
    for (int i = 0; i < 8; ++i) asio::co_spawn(io, one(*d, ok, done), asio::detached);
    io.run_for(30s);
    CHECK(done == 8);
    CHECK(ok == 8);
    const auto idle = dd->client().idle_connections();
    CHECK(idle >= 1);
    CHECK(idle <= 8);
    // Sequential calls reuse one connection.
    for (int i = 0; i < 5; ++i) REQUIRE(run_async(io, d->list()).ok());
    CHECK(dd->client().idle_connections() == idle);
    auto v = run_async(io, dd->client().api_version());
    REQUIRE(v.ok());
    CHECK(*v == "1.41");
}

TEST_CASE("docker driver: pulls from a registry per pull policy") {
    ensure_docker();
    local_registry reg(unique_id("drvpl"));   // outlives the scenario, whose containers use its images
    scenario s("drvpl");
    asio::io_context io;
    auto d = make_docker_driver(io, s.owner());

    const std::string& registry = reg.address();
    const std::string image = registry + "/driftless/pulled:1";
    REQUIRE(s.engine(std::string("tag ") + test_image + " " + image).exit_code == 0);
    REQUIRE(s.engine("push " + image).exit_code == 0);
    REQUIRE(s.engine("rmi " + image).exit_code == 0);

    // missing: absent, so pulled.
    ds::spec a = service_spec(s.name("a"));
    service_of(a).image = image;
    service_of(a).pull = ds::pull_policy::missing;
    auto ra = run_async(io, d->create(entry(a, "h")));
    REQUIRE_MESSAGE(ra.ok(), why(ra));
    CHECK(s.engine("image inspect " + image).exit_code == 0);
    CHECK(s.container_state(s.name("a")) == "running");

    // always: pulled again, fine when present.
    ds::spec b = service_spec(s.name("b"));
    service_of(b).image = image;
    service_of(b).pull = ds::pull_policy::always;
    auto rb = run_async(io, d->create(entry(b, "h")));
    CHECK_MESSAGE(rb.ok(), why(rb));

    // A tag the registry does not have: the registry's reason.
    ds::spec c = service_spec(s.name("c"));
    service_of(c).image = registry + "/driftless/pulled:absent";
    service_of(c).pull = ds::pull_policy::always;
    auto rc = run_async(io, d->create(entry(c, "h")));
    REQUIRE_FALSE(rc.ok());
    const std::string reason = rc.err().to_string();
    INFO(reason);
    CHECK(reason.find("pull \"" + registry + "/driftless/pulled:absent\": ") != std::string::npos);
    CHECK(reason.find("not found") != std::string::npos);
    CHECK(s.container_id(s.name("c")).empty());
}
