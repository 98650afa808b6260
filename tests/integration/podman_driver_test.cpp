// The podman driver against podman's Docker-compatible API service
// (scripts/start-podman.sh), where podman 4.3 differs from dockerd: image
// names under localhost/, the nproc limit once a ulimit is named, name
// filters without the leading slash, a network name in use answered with
// HTTP 500, the events stream. Checked independently with the podman CLI;
// each test has its own owner id, whose objects are removed when it ends.
#include <doctest/doctest.h>

#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

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

namespace {

std::unique_ptr<drivers::driver> make_podman_driver(asio::io_context& io, const std::string& owner,
                                                    const std::string& host = "") {
    drivers::driver_options o;
    o.kind = "podman";
    o.owner = owner;
    o.host = host;
    auto d = drivers::make_driver(io.get_executor(), o);
    REQUIRE_MESSAGE(d.ok(), why(d));
    return std::move(d).value();
}

nlohmann::json podman_inspect(const scenario& s, const std::string& name, const std::string& what = "") {
    auto r = s.engine(what + (what.empty() ? "" : " ") + "inspect " + name);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return nlohmann::json::parse(r.out).at(0);
}

}  // namespace

TEST_CASE("podman driver: create, list and remove a container with env, labels, mounts and a ulimit") {
    ensure_engine("podman");
    scenario s("pdc", "podman");
    asio::io_context io;
    auto d = make_podman_driver(io, s.owner());
    CHECK(d->name() == "podman");
    const std::string name = s.name("web");

    ds::spec spec = service_spec(name);
    spec.labels = {{"team", "line-3"}};
    auto& svc = service_of(spec);
    svc.env = {{"LOG_LEVEL", "info"}};
    svc.ports = {{80, 0, "127.0.0.1", "tcp", "ingress"}};
    ds::mount tmp;
    tmp.type = ds::mount_type::tmpfs;
    tmp.target = "/scratch";
    svc.mounts = {tmp};
    svc.open_files = 4096;
    svc.limits = {0, 64 * 1024 * 1024};
    auto made = run_async(io, d->create(entry(spec, "hash-1")));
    REQUIRE_MESSAGE(made.ok(), why(made));

    const auto j = podman_inspect(s, name);
    CHECK(j["State"]["Status"] == "running");
    // Podman keeps the image under localhost/; the spec's short name found it.
    CHECK(j["ImageName"] == "localhost/driftless-test/busybox:1");
    CHECK(j["Config"]["Labels"]["io.driftless.owner"] == s.owner());
    CHECK(j["Config"]["Labels"]["team"] == "line-3");
    CHECK(s.exec_in(name, "ulimit -n").out == "4096\n");
    CHECK(s.exec_in(name, "echo $LOG_LEVEL").out == "info\n");
    CHECK(s.exec_in(name, "grep -c \" /scratch tmpfs\" /proc/mounts").out == "1\n");

    auto listed = run_async(io, d->list());
    REQUIRE_MESSAGE(listed.ok(), why(listed));
    const auto* have = find_object(*listed, ds::kind::service, name);
    REQUIRE(have != nullptr);
    CHECK(have->running);
    CHECK(have->spec_hash == "hash-1");
    CHECK_FALSE(have->spec_json.empty());

    CHECK(run_async(io, d->remove(*have)).ok());
    CHECK(s.container_id(name).empty());
    CHECK(run_async(io, d->remove(*have)).ok());      // already gone: not an error
}

TEST_CASE("podman driver: images by their localhost/ name, and a missing image with pull: never") {
    ensure_engine("podman");
    scenario s("pdi", "podman");
    asio::io_context io;
    auto d = make_podman_driver(io, s.owner());
    ds::spec full = service_spec(s.name("full"));
    service_of(full).image = "localhost/driftless-test/busybox:1";
    auto made = run_async(io, d->create(entry(full, "h")));
    CHECK_MESSAGE(made.ok(), why(made));
    CHECK(s.container_state(s.name("full")) == "running");

    ds::spec missing = service_spec(s.name("missing"));
    service_of(missing).image = "driftless-test/absent:1";
    auto st = run_async(io, d->create(entry(missing, "h")));
    REQUIRE_FALSE(st.ok());
    CHECK(st.err().code == "not_found");
    CHECK(st.err().message.find("pull policy is \"never\"") != std::string::npos);
}

TEST_CASE("podman driver: names held by unowned objects are conflicts") {
    ensure_engine("podman");
    scenario s("pdf", "podman");
    asio::io_context io;
    auto d = make_podman_driver(io, s.owner());
    const auto c = s.name("c"), n = s.name("n"), v = s.name("v");
    by_hand hand;
    hand.cleanup = {s.cli() + " rm -f " + c, s.cli() + " network rm " + n, s.cli() + " volume rm " + v};
    REQUIRE(s.make_unmanaged(c).exit_code == 0);
    REQUIRE(s.engine("network create " + n).exit_code == 0);
    REQUIRE(s.engine("volume create " + v).exit_code == 0);

    auto found = run_async(io, d->find_unowned({{ds::kind::service, c}, {ds::kind::network, n}, {ds::kind::volume, v},
                                               {ds::kind::service, s.name("absent")}}));
    REQUIRE_MESSAGE(found.ok(), why(found));
    CHECK(found->size() == 3);

    auto svc = run_async(io, d->create(entry(service_spec(c), "h")));
    REQUIRE_FALSE(svc.ok());
    CHECK(svc.err().code == "conflict");
    auto net = run_async(io, d->create(entry(network_spec(n), "h")));
    REQUIRE_FALSE(net.ok());
    CHECK(net.err().code == "conflict");       // podman answers HTTP 500 "network already exists"
    auto vol = run_async(io, d->create(entry(volume_spec(v), "h")));
    REQUIRE_FALSE(vol.ok());
    CHECK(vol.err().code == "conflict");
    CHECK(vol.err().message.find("not made by driftless") != std::string::npos);
}

TEST_CASE("podman driver: events of owned containers arrive, others' do not") {
    ensure_engine("podman");
    scenario s("pde", "podman");
    asio::io_context io;
    auto d = make_podman_driver(io, s.owner());
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

    REQUIRE(wait_until([&] {
        s.engine("pause " + name);
        s.engine("unpause " + name);
        return events.load() > 0;
    }, 30s));
    int before = events.load();
    REQUIRE(s.engine("kill " + name).exit_code == 0);
    CHECK(wait_until([&] { return events.load() > before; }, 20s));
    CHECK(gone.load() == 0);
    REQUIRE(s.engine("rm " + name).exit_code == 0);
    CHECK(wait_until([&] { return gone.load() == 1; }, 20s));   // removed: a pass at once

    const std::string other = s.name("other");
    by_hand cleanup;
    cleanup.cleanup = {s.cli() + " rm -f " + other};
    REQUIRE(s.engine("create --name " + other + " --label io.driftless.owner=someone-else " + test_image).exit_code == 0);
    REQUIRE(s.engine("rm " + other).exit_code == 0);
    before = events.load();
    asio::post(io, [&] { d->cancel_events(); });
    REQUIRE(wait_until([&] { return ended.has_value(); }, 10s));
    CHECK(events.load() == before);
    CHECK(ended->err().code == "cancelled");
}

TEST_CASE("podman driver: an explicit socket where nothing listens is unreachable, and says where") {
    asio::io_context io;
    auto d = make_podman_driver(io, "tpdu", "unix:///tmp/driftless-no-podman.sock");
    auto listed = run_async(io, d->list());
    REQUIRE_FALSE(listed.ok());
    CHECK(listed.err().code == "unreachable");
    CHECK(listed.err().message.find("/tmp/driftless-no-podman.sock") != std::string::npos);
}
