// The docker driver against the real dockerd: creating, listing and removing
// containers, networks and volumes, and leaving unowned objects alone;
// checked independently with the docker CLI. Each test has its own owner id
// (support/scenario.hpp), whose objects are removed when the test ends,
// failed or not.
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

TEST_CASE("docker driver: create, list and remove a container with ports, env, mounts and ulimit") {
    ensure_docker();
    scenario s("drvc");
    asio::io_context io;
    auto d = make_docker_driver(io, s.owner());
    const std::string name = s.name("web");

    ds::spec spec = service_spec(name);
    spec.labels = {{"team", "line-3"}};
    auto& svc = service_of(spec);
    svc.env = {{"LOG_LEVEL", "info"}, {"EMPTY", ""}};
    svc.ports = {{80, 0, "127.0.0.1", "tcp", "ingress"}, {9000, 0, "127.0.0.1", "udp", "ingress"}};
    ds::mount bind;
    bind.type = ds::mount_type::bind;
    bind.source = s.dir().string();
    bind.target = "/host";
    bind.read_only = true;
    ds::mount tmp;
    tmp.type = ds::mount_type::tmpfs;
    tmp.target = "/scratch";
    tmp.tmpfs_size = 8 * 1024 * 1024;
    svc.mounts = {bind, tmp};
    svc.open_files = 4096;
    svc.limits = {500'000'000, 64 * 1024 * 1024};
    svc.reservations = {250'000'000, 32 * 1024 * 1024};
    svc.restart = ds::restart_policy::on_failure;
    svc.user = "0:0";
    svc.health = ds::healthcheck{{"CMD", "true"}, 5'000'000'000, 2'000'000'000, 0, 2, false};
    svc.expose = ds::expose_spec{"web.factory.local", "web.local", 80};

    auto made = run_async(io, d->create(entry(spec, "hash-1")));
    REQUIRE_MESSAGE(made.ok(), why(made));

    // Independent check through the docker CLI.
    const auto j = inspect_json(name);
    CHECK(j["State"]["Status"] == "running");
    CHECK(j["Config"]["Image"] == test_image);
    CHECK(j["Config"]["Cmd"] == nlohmann::json::array({"sleep", "3600"}));
    CHECK(j["Config"]["User"] == "0:0");
    CHECK(j["Config"]["StopTimeout"] == 1);
    const auto& env = j["Config"]["Env"];
    CHECK(std::find(env.begin(), env.end(), "LOG_LEVEL=info") != env.end());
    CHECK(std::find(env.begin(), env.end(), "EMPTY=") != env.end());
    const auto& labels = j["Config"]["Labels"];
    CHECK(labels["io.driftless.owner"] == s.owner());
    CHECK(labels["io.driftless.name"] == name);
    CHECK(labels["io.driftless.spec-hash"] == "hash-1");
    CHECK(labels["io.driftless.kind"] == "Service");
    CHECK(labels["team"] == "line-3");
    CHECK(labels["traefik.enable"] == "true");
    CHECK(labels["traefik.http.routers." + name + ".rule"] == "Host(`web.factory.local`) || Host(`web.local`)");
    CHECK(labels["traefik.http.services." + name + ".loadbalancer.server.port"] == "80");
    const auto& host = j["HostConfig"];
    CHECK(host["Ulimits"] == nlohmann::json::parse(R"([{"Name":"nofile","Soft":4096,"Hard":4096}])"));
    CHECK(host["PortBindings"]["80/tcp"] == nlohmann::json::parse(R"([{"HostIp":"127.0.0.1","HostPort":""}])"));
    CHECK(host["PortBindings"]["9000/udp"][0]["HostIp"] == "127.0.0.1");
    CHECK(host["NanoCpus"] == 500'000'000);
    CHECK(host["Memory"] == 64 * 1024 * 1024);
    CHECK(host["MemoryReservation"] == 32 * 1024 * 1024);
    CHECK(host["CpuShares"] == 256);
    CHECK(host["RestartPolicy"]["Name"] == "on-failure");
    CHECK(j["Config"]["Healthcheck"]["Test"] == nlohmann::json::array({"CMD", "true"}));
    CHECK(j["Config"]["Healthcheck"]["Interval"] == 5'000'000'000);
    CHECK(j["Config"]["Healthcheck"]["Retries"] == 2);
    // The engine picked the host ports.
    CHECK_FALSE(j["NetworkSettings"]["Ports"]["80/tcp"][0]["HostPort"].get<std::string>().empty());
    bool saw_bind = false, saw_tmpfs = false;
    for (const auto& m : j["Mounts"]) {
        if (m["Type"] == "bind" && m["Destination"] == "/host") saw_bind = m["RW"] == false;
        if (m["Type"] == "tmpfs" && m["Destination"] == "/scratch") saw_tmpfs = true;
    }
    CHECK(saw_bind);
    CHECK(saw_tmpfs);
    CHECK(trimmed(s.engine("exec " + name + " sh -c 'ulimit -n'").out) == "4096");

    auto listed = run_async(io, d->list());
    REQUIRE_MESSAGE(listed.ok(), why(listed));
    REQUIRE(listed->objects.size() == 1);
    const actual_object& have = listed->objects[0];
    CHECK(have.kind == ds::kind::service);
    CHECK(have.name == name);
    CHECK(have.id == j["Id"]);
    CHECK(have.owner == s.owner());
    CHECK(have.spec_hash == "hash-1");
    CHECK(have.state == "running");
    CHECK(have.running);

    auto none = run_async(io, d->find_unowned({{ds::kind::service, name}}));
    REQUIRE(none.ok());
    CHECK(none->empty());

    auto removed = run_async(io, d->remove(have));
    REQUIRE_MESSAGE(removed.ok(), why(removed));
    CHECK(s.container_id(name).empty());
    auto after = run_async(io, d->list());
    REQUIRE(after.ok());
    CHECK(after->objects.empty());

    // Already gone is not an error.
    auto again = run_async(io, d->remove(have));
    CHECK_MESSAGE(again.ok(), why(again));
}

TEST_CASE("docker driver: networks, volumes, and a container on two networks") {
    ensure_docker();
    scenario s("drvn");
    asio::io_context io;
    auto d = make_docker_driver(io, s.owner());
    const std::string front = s.name("front"), back = s.name("back"), data = s.name("data"), nfs = s.name("nfs"),
                      app = s.name("app");

    ds::spec f;
    f.name = front;
    ds::network addressed;
    addressed.subnet = "172.31.213.0/24";
    addressed.ip_range = "172.31.213.128/25";
    addressed.gateway = "172.31.213.1";
    f.body = addressed;
    ds::spec b;
    b.name = back;
    ds::network internal;
    internal.internal = true;
    internal.attachable = true;
    b.body = internal;
    ds::spec v;
    v.name = data;
    v.body = ds::volume{};
    ds::spec n;
    n.name = nfs;
    ds::volume nfs_volume;
    nfs_volume.driver_opts = {{"type", "nfs"}, {"o", "addr=10.0.0.5,nfsvers=4"}, {"device", ":/exports/reports"}};
    n.body = nfs_volume;

    for (const auto& spec : {f, b, v, n}) {
        auto r = run_async(io, d->create(entry(spec, "h-" + spec.name)));
        REQUIRE_MESSAGE(r.ok(), why(r));
    }
    CHECK(inspect("{{.Internal}} {{.Attachable}} {{index .Labels \"io.driftless.owner\"}}", back, "network") ==
          "true true " + s.owner());
    CHECK(inspect("{{.Driver}}", front, "network") == "bridge");
    CHECK(inspect_json(front, "network")["IPAM"]["Config"] ==
          nlohmann::json::parse(R"([{"Subnet": "172.31.213.0/24", "IPRange": "172.31.213.128/25", "Gateway": "172.31.213.1"}])"));
    const auto nj = inspect_json(nfs, "volume");
    CHECK(nj["Options"] == nlohmann::json::parse(
                               R"({"type":"nfs","o":"addr=10.0.0.5,nfsvers=4","device":":/exports/reports"})"));
    CHECK(nj["Labels"]["io.driftless.spec-hash"] == "h-" + nfs);

    ds::spec c = service_spec(app);
    service_of(c).networks = {front, back};
    service_of(c).mounts = {ds::mount{ds::mount_type::volume, data, "/data"}};
    auto made = run_async(io, d->create(entry(c, "h-app")));
    REQUIRE_MESSAGE(made.ok(), why(made));
    const auto cj = inspect_json(app);
    CHECK(cj["HostConfig"]["NetworkMode"] == front);
    const auto& nets = cj["NetworkSettings"]["Networks"];
    REQUIRE(nets.contains(front));
    REQUIRE(nets.contains(back));
    const auto& aliases = nets[back]["Aliases"];
    CHECK(std::find(aliases.begin(), aliases.end(), app) != aliases.end());
    // The container's address comes from the ip_range: 172.31.213.128 and up.
    const std::string ip = nets[front]["IPAddress"];
    CHECK_MESSAGE(ip.rfind("172.31.213.", 0) == 0, ip);
    CHECK_MESSAGE(std::stoi(ip.substr(ip.rfind('.') + 1)) >= 128, ip);
    const auto& front_aliases = nets[front]["Aliases"];
    CHECK(std::find(front_aliases.begin(), front_aliases.end(), app) != front_aliases.end());

    auto listed = run_async(io, d->list());
    REQUIRE_MESSAGE(listed.ok(), why(listed));
    CHECK(listed->objects.size() == 5);
    const auto* fo = find_object(*listed, ds::kind::network, front);
    const auto* vo = find_object(*listed, ds::kind::volume, data);
    const auto* no = find_object(*listed, ds::kind::volume, nfs);
    const auto* co = find_object(*listed, ds::kind::service, app);
    REQUIRE(fo != nullptr);
    REQUIRE(vo != nullptr);
    REQUIRE(no != nullptr);
    REQUIRE(co != nullptr);
    CHECK(fo->spec_hash == "h-" + front);
    CHECK(vo->id == data);
    CHECK(no->spec_hash == "h-" + nfs);

    // The container first, then what it used.
    REQUIRE(run_async(io, d->remove(*co)).ok());
    for (const auto& o : listed->objects) {
        if (o.kind == ds::kind::service) continue;
        auto r = run_async(io, d->remove(o));
        CHECK_MESSAGE(r.ok(), why(r));
    }
    auto after = run_async(io, d->list());
    REQUIRE(after.ok());
    CHECK(after->objects.empty());
    CHECK(s.engine("network inspect " + front).exit_code != 0);
    CHECK(s.engine("volume inspect " + nfs).exit_code != 0);
}

TEST_CASE("docker driver: only owned objects are listed; an unowned name is a conflict, never touched") {
    ensure_docker();
    scenario s("drvu");
    asio::io_context io;
    auto d = make_docker_driver(io, s.owner());
    const std::string web = s.name("web"), net = s.name("net"), vol = s.name("vol"), theirs = s.name("theirs");
    by_hand made_by_hand;
    made_by_hand.cleanup = {"docker rm -f " + web, "docker network rm " + net, "docker volume rm -f " + vol,
                            "docker rm -f " + theirs};
    REQUIRE(s.engine("run -d --name " + web + " " + test_image).exit_code == 0);
    REQUIRE(s.engine("network create " + net).exit_code == 0);
    REQUIRE(s.engine("volume create " + vol).exit_code == 0);
    // Owned by another driftless instance: just as untouchable.
    REQUIRE(s.engine("create --name " + theirs + " --label io.driftless.owner=someone-else " + test_image).exit_code == 0);
    // A name that merely starts like a wanted one is no conflict.
    made_by_hand.cleanup.push_back("docker rm -f " + web + "x");
    REQUIRE(s.engine("create --name " + web + "x " + test_image).exit_code == 0);

    auto listed = run_async(io, d->list());
    REQUIRE_MESSAGE(listed.ok(), why(listed));
    CHECK(listed->objects.empty());

    auto found = run_async(io, d->find_unowned({{ds::kind::service, web},
                                                {ds::kind::service, theirs},
                                                {ds::kind::service, s.name("absent")},
                                                {ds::kind::network, net},
                                                {ds::kind::volume, vol}}));
    REQUIRE_MESSAGE(found.ok(), why(found));
    REQUIRE(found->size() == 4);
    std::map<std::string, actual_object> by_name;
    for (const auto& o : *found) by_name[o.name] = o;
    REQUIRE(by_name.count(web) == 1);
    CHECK(by_name[web].kind == ds::kind::service);
    CHECK(by_name[web].owner == "");
    CHECK(by_name[theirs].owner == "someone-else");
    CHECK(by_name[net].kind == ds::kind::network);
    CHECK(by_name[vol].kind == ds::kind::volume);

    auto none = run_async(io, d->find_unowned({}));
    REQUIRE(none.ok());
    CHECK(none->empty());

    // Creating over it is a conflict naming the container.
    auto conflict = run_async(io, d->create(entry(service_spec(web), "h")));
    REQUIRE_FALSE(conflict.ok());
    CHECK(conflict.err().code == "conflict");
    CHECK(conflict.err().http_status == 409);
    CHECK(conflict.err().message.find("container \"" + web + "\": the name is already in use") == 0);

    ds::spec netspec;
    netspec.name = net;
    netspec.body = ds::network{};
    auto net_conflict = run_async(io, d->create(entry(netspec, "h")));
    REQUIRE_FALSE(net_conflict.ok());
    CHECK(net_conflict.err().code == "conflict");

    ds::spec volspec;
    volspec.name = vol;
    volspec.body = ds::volume{};
    auto vol_conflict = run_async(io, d->create(entry(volspec, "h")));
    REQUIRE_FALSE(vol_conflict.ok());
    CHECK(vol_conflict.err().code == "conflict");
    CHECK(vol_conflict.err().message ==
          "volume \"" + vol + "\": the name is already in use by a volume not made by driftless");

    // Remove, update and start refuse without calling the engine.
    for (const auto& o : *found) {
        auto r = run_async(io, d->remove(o));
        REQUIRE_FALSE(r.ok());
        CHECK(r.err().code == "conflict");
        CHECK(r.err().message.find("refusing to remove") == 0);
    }
    auto upd = run_async(io, d->update(entry(service_spec(web), "h2"), by_name[web]));
    REQUIRE_FALSE(upd.ok());
    CHECK(upd.err().message.find("refusing to update Service \"" + web + "\": it is owned by nobody") == 0);
    auto st = run_async(io, d->start(by_name[theirs]));
    REQUIRE_FALSE(st.ok());
    CHECK(st.err().message ==
          "refusing to start Service \"" + theirs + "\": it is owned by \"someone-else\", not by \"" + s.owner() + "\"");

    CHECK(s.container_state(web) == "running");
    CHECK(s.container_state(theirs) == "created");
    CHECK(s.engine("network inspect " + net).exit_code == 0);
    CHECK(inspect("{{.Name}}", vol, "volume") == vol);
    CHECK(inspect("{{index .Labels \"io.driftless.owner\"}}", vol, "volume") == "");
}
