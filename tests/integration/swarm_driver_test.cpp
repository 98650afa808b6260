// The swarm driver against the real dockerd as a single-node swarm
// (scripts/start-swarm.sh): in-place updates, task-level convergence and its
// errors, ulimits inside tasks, overlay networks and volume options;
// checked independently with the docker CLI. Each test has its own owner id,
// whose services, networks and volumes are removed when it ends.
#include <doctest/doctest.h>

#include <signal.h>

#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/asio/io_context.hpp>

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

std::string service(const std::string& name, const std::string& extra = "") {
    return "kind: Service\nname: " + name +
           "\nimage: driftless-test/busybox:1\npull: never\ncommand: [\"sleep\", \"3600\"]\nstop_grace_period: 1s\n" + extra;
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

std::unique_ptr<drivers::driver> make_swarm_driver(asio::io_context& io, const std::string& owner) {
    drivers::driver_options o;
    o.kind = "swarm";
    o.owner = owner;
    auto d = drivers::make_driver(io.get_executor(), o);
    REQUIRE_MESSAGE(d.ok(), why(d));
    return std::move(d).value();
}

nlohmann::json service_inspect(const std::string& name) {
    auto r = sh("docker service inspect " + name);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return nlohmann::json::parse(r.out).at(0);
}

int running_tasks(const std::string& name) {
    auto r = sh("docker service ps -q --filter desired-state=running --filter name=" + name + " " + name +
                " --format '{{.CurrentState}}' | grep -c '^Running'");
    return std::atoi(r.out.c_str());
}

}  // namespace

TEST_CASE("swarm: replicas 2 -> 3 updates the same service in place and reaches 3 running tasks") {
    ensure_engine("swarm");
    scenario s("swr", "swarm");
    const auto web = s.name("web");
    s.write("web.yaml", service(web, "replicas: 2\n"));
    auto apply = s.driftless({"apply"});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    REQUIRE(wait_until([&] { return s.workload_state(web) == "running" && running_tasks(web) == 2; }, 90s));
    const auto id = s.workload_id(web);
    const auto version = service_inspect(web)["Version"]["Index"].get<long>();

    s.write("web.yaml", service(web, "replicas: 3\n"));
    auto plan = s.driftless({"plan"});
    CHECK(plan.exit_code == 2);
    CHECK(contains(plan.out, "~ Service/" + web + "  (changed: replicas)"));
    auto again = s.driftless({"apply"});
    INFO(again.err);
    CHECK(again.exit_code == 0);
    CHECK(s.workload_id(web) == id);
    CHECK(service_inspect(web)["Version"]["Index"].get<long>() > version);
    CHECK(service_inspect(web)["Spec"]["Mode"]["Replicated"]["Replicas"] == 3);
    CHECK(wait_until([&] { return running_tasks(web) == 3 && s.workload_state(web) == "running"; }, 90s));
    CHECK(s.driftless({"plan"}).exit_code == 0);
}

TEST_CASE("swarm: open_files is the nofile ulimit inside a task's container") {
    ensure_engine("swarm");
    scenario s("swu", "swarm");
    const auto web = s.name("web");
    s.write("web.yaml", service(web, "open_files: 4096\n"));
    REQUIRE(s.driftless({"apply"}).exit_code == 0);
    REQUIRE(wait_until([&] { return s.workload_state(web) == "running"; }, 90s));
    const auto task = trimmed(sh("docker ps -q --filter label=com.docker.swarm.service.name=" + web + " | head -n 1").out);
    REQUIRE_FALSE(task.empty());
    CHECK(sh("docker exec " + task + " sh -c 'ulimit -n'").out == "4096\n");
    // The task container carries no ownership label: it is Swarm's.
    CHECK(inspect("{{index .Config.Labels \"io.driftless.owner\"}}", task).empty());
    CHECK(inspect("{{index .Config.Labels \"io.driftless.spec-hash\"}}", task).empty());
}

TEST_CASE("swarm: a constraint no node satisfies is reported as not converged, with Swarm's reason") {
    ensure_engine("swarm");
    scenario s("swc", "swarm");
    const auto web = s.name("web");
    s.write("web.yaml", service(web, "constraints: [\"node.labels.driftless-nowhere==yes\"]\n"));
    auto first = s.driftless({"apply"});
    INFO(first.err);
    CHECK(first.exit_code == 0);          // the service is made; its task waits for a node

    // A later pass says why it does not converge, and apply fails.
    bool reported = false;
    command_result apply;
    wait_until([&] {
        apply = s.driftless({"apply"});
        reported = apply.exit_code == 1 && contains(apply.err, "no suitable node");
        return reported;
    }, 60s);
    INFO(apply.err);
    CHECK(reported);
    CHECK(contains(apply.err, "0/1 tasks running"));

    // `run` shows it in /api/v1/state.
    auto run = s.start_run();
    CHECK(wait_until([&] { return contains(s.http_get("/api/v1/state").out, "no suitable node"); }, 60s));
    INFO(s.http_get("/api/v1/state").out);
    run->signal(SIGTERM);
    CHECK(run->wait(30s) == 0);

    // Fixing the spec updates the same service, which then converges.
    const auto id = s.workload_id(web);
    s.write("web.yaml", service(web, "constraints: [\"node.role==manager\"]\n"));
    CHECK(s.driftless({"apply"}).exit_code == 0);
    CHECK(s.workload_id(web) == id);
    CHECK(wait_until([&] { return s.workload_state(web) == "running"; }, 90s));
}

TEST_CASE("swarm: networks are attachable overlays, volume options reach the tasks, removal frees the network") {
    ensure_engine("swarm");
    scenario s("swn", "swarm");
    const auto web = s.name("web"), net = s.name("net"), vol = s.name("vol");
    s.write("infra.yaml", "kind: Network\nname: " + net + "\nsubnet: 10.213.0.0/16\n---\nkind: Volume\nname: " + vol +
                              "\ndriver_opts: {type: tmpfs, device: tmpfs, o: \"size=2m\"}\n");
    s.write("web.yaml", service(web, "networks: [" + net + "]\nmounts: [{type: volume, source: " + vol + ", target: /data}]\n"));
    auto apply = s.driftless({"apply"});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    CHECK(inspect("{{.Driver}} {{.Attachable}} {{.Scope}}", net, "network") == "overlay true swarm");
    CHECK(inspect("{{(index .IPAM.Config 0).Subnet}}", net, "network") == "10.213.0.0/16");
    REQUIRE(wait_until([&] { return s.workload_state(web) == "running"; }, 90s));

    const auto spec = service_inspect(web)["Spec"]["TaskTemplate"];
    CHECK(spec["Networks"].at(0)["Aliases"] == nlohmann::json::array({web}));
    // The service's virtual IP comes from the network's subnet.
    const std::string vip = service_inspect(web)["Endpoint"]["VirtualIPs"].at(0)["Addr"];
    CHECK_MESSAGE(vip.rfind("10.213.", 0) == 0, vip);
    CHECK(spec["ContainerSpec"]["Mounts"].at(0)["VolumeOptions"]["DriverConfig"] ==
          nlohmann::json::parse(R"({"Name": "local", "Options": {"device": "tmpfs", "o": "size=2m", "type": "tmpfs"}})"));
    // The task sees the volume made from those options: a 2 MiB tmpfs.
    CHECK(contains(s.exec_in(web, "df -k /data | tail -n 1").out, "2048"));
    // A plain container may join the overlay.
    by_hand extra;
    extra.cleanup.push_back("docker rm -f " + s.name("extra"));
    CHECK(sh("docker run -d --name " + s.name("extra") + " --network " + net + " driftless-test/busybox:1 sleep 60").exit_code == 0);
    sh("docker rm -f " + s.name("extra"));

    // Everything goes in one pass: the service first, its network after its tasks are gone.
    s.remove("web.yaml");
    s.remove("infra.yaml");
    auto down = s.driftless({"apply", "--allow-empty", "--allow-mass-prune"});
    INFO(down.err);
    CHECK(down.exit_code == 0);
    CHECK(s.workload_id(web).empty());
    CHECK(inspect("{{.Id}}", net, "network").empty());
    CHECK(inspect("{{.Name}}", vol, "volume").empty());
}

TEST_CASE("swarm driver: an update with a stale version is retried after reading the version again") {
    ensure_engine("swarm");
    scenario s("sws", "swarm");
    asio::io_context io;
    auto d = make_swarm_driver(io, s.owner());
    const auto name = s.name("web");
    auto spec = service_spec(name);
    REQUIRE(run_async(io, d->create(entry(spec, "h1"))).ok());
    auto listed = run_async(io, d->list());
    REQUIRE_MESSAGE(listed.ok(), why(listed));
    const auto* have = find_object(*listed, ds::kind::service, name);
    REQUIRE(have != nullptr);
    CHECK(have->spec_hash == "h1");
    CHECK(have->version > 0);

    // Someone changes the service meanwhile: the listed version is stale.
    REQUIRE(sh("docker service update -d -q --label-add by-hand=1 " + name).exit_code == 0);
    service_of(spec).env = {{"LEVEL", "two"}};
    auto updated = run_async(io, d->update(entry(spec, "h2"), *have));
    CHECK_MESSAGE(updated.ok(), why(updated));
    const auto j = service_inspect(name);
    CHECK(j["ID"] == have->id);
    CHECK(j["Spec"]["Labels"]["io.driftless.spec-hash"] == "h2");
    CHECK(j["Spec"]["TaskTemplate"]["ContainerSpec"]["Env"] == nlohmann::json::array({"LEVEL=two"}));

    SUBCASE("not owned: refused without calling the engine") {
        auto other = *have;
        other.owner = "someone-else";
        auto st = run_async(io, d->update(entry(spec, "h3"), other));
        REQUIRE_FALSE(st.ok());
        CHECK(st.err().code == "conflict");
    }
    SUBCASE("remove, twice: the second is not an error") {
        auto again = run_async(io, d->list());
        REQUIRE(again.ok());
        const auto* now = find_object(*again, ds::kind::service, name);
        REQUIRE(now != nullptr);
        CHECK(run_async(io, d->remove(*now)).ok());
        CHECK(s.workload_id(name).empty());
        CHECK(run_async(io, d->remove(*now)).ok());
    }
}

TEST_CASE("swarm driver: unowned services holding wanted names are found, owned ones are not") {
    ensure_engine("swarm");
    scenario s("swf", "swarm");
    asio::io_context io;
    auto d = make_swarm_driver(io, s.owner());
    const auto mine = s.name("mine"), theirs = s.name("theirs");
    REQUIRE(run_async(io, d->create(entry(service_spec(mine), "h"))).ok());
    by_hand hand;
    hand.cleanup.push_back("docker service rm " + theirs);
    REQUIRE(s.make_unmanaged(theirs).exit_code == 0);
    auto found = run_async(io, d->find_unowned({{ds::kind::service, mine}, {ds::kind::service, theirs},
                                               {ds::kind::service, s.name("the")}}));
    REQUIRE_MESSAGE(found.ok(), why(found));
    REQUIRE(found->size() == 1);
    CHECK(found->at(0).name == theirs);
    CHECK(found->at(0).owner.empty());
}
