// `driftless down` (the binary) against real engines, checked with the
// engine's own CLI: what a folder declares goes, dependents first, volumes
// only with --volumes; --all takes one owner's objects and nobody else's;
// without a terminal nothing goes unless --yes; a broken file widens
// nothing; a Kafka topic is read through first. Each scenario has its own owner id and removes what it made
// when it ends, passed or not.
#include <doctest/doctest.h>

#include "support/docker_driver_support.hpp"
#include "support/process.hpp"
#include "support/scenario.hpp"
#include "tools/kafka_cluster.hpp"

using namespace driftless::testing;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

// `haystack` holds `first`, and `second` after it.
bool in_order(const std::string& haystack, const std::string& first, const std::string& second) {
    const auto a = haystack.find(first);
    return a != std::string::npos && haystack.find(second, a + first.size()) != std::string::npos;
}

bool exists(const scenario& s, const std::string& what, const std::string& name) {
    return s.engine(what + " inspect " + name + " >/dev/null 2>&1").exit_code == 0;
}

// Swarm starts tasks after apply returns: wait for them rather than look once.
bool all_running(const scenario& s, const std::vector<std::string>& names) {
    return wait_until([&] {
        for (const auto& n : names)
            if (s.workload_state(n) != "running") return false;
        return true;
    }, 90s);
}

// web depends on api; both on one network, web with a volume.
struct stack {
    std::string web, api, net, vol;
    explicit stack(const scenario& s) : web(s.name("web")), api(s.name("api")), net(s.name("net")), vol(s.name("vol")) {
        s.write("web.yaml", sleeper_yaml(web, "depends_on: [" + api + "]\nnetworks: [" + net + "]\nmounts: [{type: volume, source: " +
                                             vol + ", target: /data}]\n"));
        s.write("api.yaml", sleeper_yaml(api, "networks: [" + net + "]\n"));
        s.write("infra.yaml", "kind: Network\nname: " + net + "\n---\nkind: Volume\nname: " + vol + "\n");
    }
};

void down_removes_what_is_declared(const std::string& driver) {
    ensure_engine(driver);
    scenario s("dn", driver);
    const stack st(s);
    auto apply = s.driftless({"apply"});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    REQUIRE(all_running(s, {st.web, st.api}));
    const auto web_id = s.workload_id(st.web);

    // No terminal, no --yes: what would go is shown, nothing goes.
    auto refused = s.driftless({"down"});
    INFO(refused.out, refused.err);
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.out, "- Service/" + st.web + "\n- Service/" + st.api + "\n- Network/" + st.net + "\n= Volume/" +
                                    st.vol + "  (kept: a volume holds data; --volumes removes it)\n"));
    CHECK(contains(refused.err, "not removing 3 objects of owner \"" + s.owner() +
                                    "\": stdin is not a terminal to confirm on; pass --yes to remove them"));
    CHECK(s.workload_id(st.web) == web_id);
    CHECK(exists(s, "network", st.net));

    // Dependents first; the volume stays.
    auto down = s.driftless({"down", "--yes"});
    INFO(down.out, down.err);
    CHECK(down.exit_code == 0);
    CHECK(in_order(down.out, "removed Service/" + st.web + "\n", "removed Service/" + st.api + "\n"));
    CHECK(in_order(down.out, "removed Service/" + st.api + "\n", "removed Network/" + st.net + "\n"));
    CHECK(contains(down.out, "removed 3 objects of owner \"" + s.owner() + "\"\n"));
    CHECK(s.owned_workloads().empty());
    CHECK_FALSE(exists(s, "network", st.net));
    CHECK(exists(s, "volume", st.vol));

    // --volumes: the volume too; then nothing is left.
    auto volumes = s.driftless({"down", "--yes", "--volumes"});
    INFO(volumes.out, volumes.err);
    CHECK(volumes.exit_code == 0);
    CHECK(contains(volumes.out, "removed Volume/" + st.vol + "\n"));
    CHECK_FALSE(exists(s, "volume", st.vol));
    CHECK(trimmed(s.engine("volume ls -q --filter label=io.driftless.owner=" + s.owner()).out).empty());
    auto again = s.driftless({"down", "--yes", "--volumes"});
    CHECK(again.exit_code == 0);
    CHECK(again.out == "nothing to remove\n");
}

// Another owner's objects, an unmanaged one holding a declared name, and one
// labelled with the owner but not made by it (no MAC) all stay.
void down_all_touches_one_owner(const std::string& driver) {
    ensure_engine(driver);
    scenario a("dna", driver), b("dnb", driver);
    const auto a_web = a.name("web"), clash = a.name("clash"), forged = a.name("forged"), b_web = b.name("web");
    by_hand made;
    made.cleanup.push_back(a.cli() + (driver == "swarm" ? " service rm " : " rm -f ") + clash);
    REQUIRE(a.make_unmanaged(clash).exit_code == 0);
    const std::string labels = " --label io.driftless.owner=" + a.owner() + " --label io.driftless.name=" + forged +
                               " --label io.driftless.kind=Service --label io.driftless.spec-hash=0 ";
    REQUIRE(sh(driver == "swarm" ? "docker service create -d -q --name " + forged + labels + test_image + " sleep 3600"
                                 : a.cli() + " run -d --name " + forged + labels + test_image + " sleep 3600")
                .exit_code == 0);
    a.write("web.yaml", sleeper_yaml(a_web));
    a.write("clash.yaml", sleeper_yaml(clash));
    a.write("infra.yaml", "kind: Network\nname: " + a.name("net") + "\n");
    b.write("web.yaml", sleeper_yaml(b_web));
    CHECK(a.driftless({"apply"}).exit_code == 1);   // the clash is a conflict
    REQUIRE(b.driftless({"apply"}).exit_code == 0);
    REQUIRE(all_running(a, {a_web}));
    REQUIRE(all_running(b, {b_web}));
    const auto clash_id = a.workload_id(clash), forged_id = a.workload_id(forged), b_id = b.workload_id(b_web);
    REQUIRE_FALSE(clash_id.empty());
    REQUIRE_FALSE(forged_id.empty());

    // Owner B on A's folder: none of it is B's.
    auto none = b.driftless({"down", "--yes", "-s", a.dir().string()});
    INFO(none.out, none.err);
    CHECK(none.exit_code == 0);
    CHECK(none.out == "nothing to remove\n");
    CHECK(a.workload_id(a_web) != "");

    // --all, no source: every object of owner A, and only those.
    auto all = run({binary(), "down", "--all", "--yes", "--volumes", "--driver", driver, "--owner", a.owner()});
    INFO(all.out, all.err);
    CHECK(all.exit_code == 0);
    CHECK(all.out == "- Service/" + a_web + "\n- Network/" + a.name("net") + "\nremoved Service/" + a_web + "\nremoved Network/" +
                         a.name("net") + "\nremoved 2 objects of owner \"" + a.owner() + "\"\n");
    CHECK(a.workload_id(a_web).empty());
    CHECK_FALSE(exists(a, "network", a.name("net")));
    CHECK(a.workload_id(clash) == clash_id);
    CHECK(a.workload_id(forged) == forged_id);
    CHECK(b.workload_id(b_web) == b_id);
    CHECK(all_running(b, {b_web}));
    CHECK(all_running(a, {clash, forged}));
}

}  // namespace

TEST_CASE("docker: down removes what the folder declares, dependents first, the volume only with --volumes") {
    down_removes_what_is_declared("docker");
}
TEST_CASE("podman: down removes what the folder declares, dependents first, the volume only with --volumes") {
    down_removes_what_is_declared("podman");
}
TEST_CASE("swarm: down removes the services the folder declares, dependents first, then their network") {
    down_removes_what_is_declared("swarm");
}

TEST_CASE("docker: down --all removes one owner's objects, not another owner's, an unmanaged or a forged one") {
    down_all_touches_one_owner("docker");
}
TEST_CASE("podman: down --all removes one owner's objects, not another owner's, an unmanaged or a forged one") {
    down_all_touches_one_owner("podman");
}
TEST_CASE("swarm: down --all removes one owner's services, not another owner's, an unmanaged or a forged one") {
    down_all_touches_one_owner("swarm");
}

TEST_CASE("docker: down with a broken file removes nothing that file declares, and exits 1") {
    ensure_engine("docker");
    scenario s("dnx");
    const auto good = s.name("good"), bad = s.name("bad");
    s.write("good.yaml", sleeper_yaml(good));
    s.write("bad.yaml", sleeper_yaml(bad));
    REQUIRE(s.driftless({"apply"}).exit_code == 0);
    const auto bad_id = s.container_id(bad);
    REQUIRE_FALSE(bad_id.empty());

    s.write_in_place("bad.yaml", "kind: Service\nname: " + bad + "\nimage: [driftless-test/busy");
    auto down = s.driftless({"down", "--yes"});
    INFO(down.out, down.err);
    CHECK(down.exit_code == 1);
    CHECK(contains(down.err, s.dir().string() + "/bad.yaml:3:"));
    CHECK(down.out == "- Service/" + good + "\nremoved Service/" + good + "\nremoved 1 object of owner \"" + s.owner() + "\"\n");
    CHECK(s.container_id(good).empty());
    CHECK(s.container_id(bad) == bad_id);
    CHECK(s.container_state(bad) == "running");

    // Only the broken file left: nothing to remove, still an error.
    s.remove("good.yaml");
    auto only_bad = s.driftless({"down", "--yes", "--volumes"});
    CHECK(only_bad.exit_code == 1);
    CHECK(only_bad.out == "nothing to remove\n");
    CHECK(s.container_id(bad) == bad_id);

    // Neither -s nor --all: refused before anything is read.
    auto neither = run({binary(), "down", "--yes", "--owner", s.owner()});
    CHECK(neither.exit_code == 1);
    CHECK(contains(neither.err, "-s SRC"));
    CHECK(s.container_id(bad) == bad_id);
}

TEST_CASE("docker: down asks on a terminal: no keeps everything, yes removes") {
    ensure_engine("docker");
    scenario s("dnt");
    const auto web = s.name("web");
    s.write("web.yaml", sleeper_yaml(web));
    REQUIRE(s.driftless({"apply"}).exit_code == 0);
    const auto id = s.container_id(web);
    // `script` gives the command a terminal, fed from the pipe.
    const std::string command = binary() + " down -s " + s.dir().string() + " --owner " + s.owner();
    auto no = sh("printf 'n\\n' | script -qec '" + command + "' /dev/null");
    INFO(no.out, no.err);
    CHECK(no.exit_code == 1);
    CHECK(contains(no.out, "remove 1 object of owner \"" + s.owner() + "\"? [y/N]"));
    CHECK(contains(no.out, "nothing was removed"));
    CHECK(s.container_id(web) == id);

    auto yes = sh("printf 'y\\n' | script -qec '" + command + "' /dev/null");
    INFO(yes.out, yes.err);
    CHECK(yes.exit_code == 0);
    CHECK(contains(yes.out, "removed Service/" + web));
    CHECK(s.container_id(web).empty());
}

TEST_CASE("kafka: down reads the topic through first: what it declares goes, a key tombstoned since stays") {
    ensure_docker();
    scenario s("dnk");
    kafka_cluster k({"desired:3"});
    const auto a = s.name("a"), b = s.name("b");
    k.produce("desired", a, sleeper_yaml(a));
    k.produce("desired", b, sleeper_yaml(b));
    auto apply = s.driftless({"apply", "-s", k.uri("desired")});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    const auto b_id = s.container_id(b);
    REQUIRE_FALSE(b_id.empty());

    // The last record of b's key deletes it: b is no longer declared.
    k.produce("desired", b, "");
    auto down = s.driftless({"down", "--yes", "-s", k.uri("desired")});
    INFO(down.out, down.err);
    CHECK(down.exit_code == 0);
    CHECK(down.out == "- Service/" + a + "\nremoved Service/" + a + "\nremoved 1 object of owner \"" + s.owner() + "\"\n");
    CHECK(s.container_id(a).empty());
    CHECK(s.container_id(b) == b_id);
}
