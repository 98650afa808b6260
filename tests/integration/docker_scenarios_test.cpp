// The plain Docker scenarios: driftless (the binary) against a real engine,
// checked independently with the engine's own CLI. Each scenario takes the
// driver's name and runs under every driver it applies to: docker and
// podman run one container per Service, swarm one service per Service (so
// an update keeps the service's ID where the others recreate the
// container).
#include <doctest/doctest.h>

#include <signal.h>

#include <filesystem>
#include <fstream>

#include "support/docker_driver_support.hpp"
#include "support/process.hpp"
#include "support/scenario.hpp"

using namespace driftless::testing;
using namespace std::chrono_literals;

namespace {

std::string service(const std::string& name, const std::string& extra = "") {
    return "kind: Service\nname: " + name +
           "\nimage: driftless-test/busybox:1\npull: never\ncommand: [\"sleep\", \"3600\"]\nstop_grace_period: 1s\n" + extra;
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

// Swarm starts tasks after apply returns: wait for them rather than look once.
bool all_running(const scenario& s, const std::vector<std::string>& names, std::chrono::seconds within = 90s) {
    return wait_until([&] {
        for (const auto& n : names)
            if (s.workload_state(n) != "running") return false;
        return true;
    }, within);
}

void create_from_empty(const std::string& driver) {
    ensure_engine(driver);
    scenario s("cr", driver);
    const auto web = s.name("web"), db = s.name("db"), net = s.name("net"), vol = s.name("vol");
    // Swarm publishes on every address: no host IP there.
    const std::string port = driver == "swarm" ? "\"8080\"" : "\"127.0.0.1::8080\"";
    s.write("web.yaml", service(web, "env: {MODE: one}\nports: [" + port + "]\nnetworks: [" + net + "]\nmounts: [{type: volume, source: " +
                                         vol + ", target: /data}]\ndepends_on: [" + db + "]\nopen_files: 2048\n"));
    s.write("db.yaml", service(db));
    s.write("infra.yaml", "kind: Network\nname: " + net + "\n---\nkind: Volume\nname: " + vol + "\n");

    auto plan = s.driftless({"plan"});
    CHECK(plan.exit_code == 2);
    CHECK(contains(plan.out, "+ Service/" + web));
    CHECK(contains(plan.out, "+ Network/" + net));

    auto apply = s.driftless({"apply"});
    INFO(apply.err);
    CHECK(apply.exit_code == 0);
    CHECK(all_running(s, {web, db}));
    CHECK(s.engine("network inspect " + net).exit_code == 0);
    CHECK(s.engine("volume inspect " + vol).exit_code == 0);
    CHECK(s.workload_label(web, "io.driftless.owner") == s.owner());
    CHECK(s.workload_label(web, "io.driftless.name") == web);
    CHECK(s.exec_in(web, "ulimit -n").out == "2048\n");

    auto again = s.driftless({"plan"});
    INFO(again.out);
    CHECK(again.exit_code == 0);
    CHECK(contains(again.out, "converged"));
}

void env_change_updates_one(const std::string& driver) {
    ensure_engine(driver);
    scenario s("env", driver);
    const auto a = s.name("a"), b = s.name("b");
    s.write("a.yaml", service(a, "env: {LEVEL: one}\n"));
    s.write("b.yaml", service(b, "env: {LEVEL: one}\n"));
    REQUIRE(s.driftless({"apply"}).exit_code == 0);
    const auto id_a = s.workload_id(a), id_b = s.workload_id(b);
    REQUIRE_FALSE(id_a.empty());
    REQUIRE(all_running(s, {a, b}));

    s.write("a.yaml", service(a, "env: {LEVEL: two}\n"));
    auto plan = s.driftless({"plan"});
    CHECK(plan.exit_code == 2);
    // What changed; on docker and podman also how the update goes (a
    // health-gated rollout of our own), while swarm rolls its service itself.
    if (driver == "swarm") CHECK(contains(plan.out, "~ Service/" + a + "  (changed: env)"));
    else CHECK(contains(plan.out, "~ Service/" + a + "  (changed: env; rolling out "));
    CHECK_FALSE(contains(plan.out, "Service/" + b));

    REQUIRE(s.driftless({"apply"}).exit_code == 0);
    if (driver == "swarm") CHECK(s.workload_id(a) == id_a);      // updated in place
    else CHECK(s.workload_id(a) != id_a);                          // recreated
    CHECK(s.workload_id(b) == id_b);
    CHECK(contains(s.workload_env(a), "LEVEL=two"));
    CHECK(s.owned_workloads() == std::vector<std::string>{a, b});
}

void run_follows_folder(const std::string& driver) {
    ensure_engine(driver);
    scenario s("run", driver);
    std::vector<std::string> names;
    for (int i = 0; i < 6; ++i) {
        names.push_back(s.name("s" + std::to_string(i)));
        s.write("s" + std::to_string(i) + ".yaml", service(names.back()));
    }
    auto run = s.start_run();
    REQUIRE(run->running());
    REQUIRE(wait_until([&] { return s.owned_workloads().size() == 6; }, 60s));
    CHECK(s.http_get("/readyz").out == "ready\n");

    SUBCASE("deleted file") {
        s.remove("s0.yaml");
        CHECK(wait_until([&] { return s.workload_id(names[0]).empty(); }, 30s));
        CHECK(s.owned_workloads().size() == 5);
    }
    SUBCASE("half-written file") {
        const auto before = s.workload_id(names[1]);
        s.write_in_place("s1.yaml", "kind: Service\nname: " + names[1] + "\nimage: [driftless-test/busy");
        const auto want = s.dir().string() + "/s1.yaml:3:";
        CHECK(wait_until([&] { return contains(s.http_get("/api/v1/state").out, want); }, 30s));
        CHECK(contains(run->log(), want));
        // A pass has run since (the error is in the state), and nothing was removed.
        CHECK(s.workload_id(names[1]) == before);
        CHECK(s.owned_workloads().size() == 6);
        auto metrics = s.http_get("/metrics").out;
        CHECK(contains(metrics, "driftless_source_errors 1"));
    }
    SUBCASE("a workload removed by hand comes back") {
        const auto before = s.workload_id(names[2]);
        REQUIRE(s.remove_by_hand(names[2]).exit_code == 0);
        CHECK(wait_until([&] {
            auto id = s.workload_id(names[2]);
            return !id.empty() && id != before && s.workload_state(names[2]) == "running";
        }, 60s));
    }
    if (driver != "swarm") {
        // Swarm restarts a stopped task by itself; there is nothing to stop by hand.
        SUBCASE("a container stopped by hand is started again") {
            // The engine may refuse a stop while the container is still
            // starting (podman answers 125 then): stop it as a person would,
            // again until it takes.
            command_result stop;
            const bool stopped = wait_until([&] { return (stop = s.engine("stop -t 0 " + names[3])).exit_code == 0; }, 30s);
            INFO(stop.err);
            REQUIRE(stopped);
            CHECK(wait_until([&] { return s.workload_state(names[3]) == "running"; }, 30s));
        }
    }
    SUBCASE("an emptied folder removes nothing") {
        for (int i = 0; i < 6; ++i) s.remove("s" + std::to_string(i) + ".yaml");
        CHECK(wait_until([&] { return contains(s.http_get("/api/v1/state").out, "holding back 6 removal(s): the desired state is empty"); }, 30s));
        CHECK(s.owned_workloads().size() == 6);
    }
    run->signal(SIGTERM);
    CHECK(run->wait(30s) == 0);
}

void unmanaged_conflict(const std::string& driver) {
    ensure_engine(driver);
    scenario s("cf", driver);
    const auto name = s.name("taken");
    REQUIRE(s.make_unmanaged(name).exit_code == 0);
    const auto id = s.workload_id(name);
    s.write("taken.yaml", service(name));
    auto plan = s.driftless({"plan"});
    CHECK(plan.exit_code == 2);
    CHECK(contains(plan.out, "! Service/" + name + "  (an unmanaged Service holds the name)"));
    auto apply = s.driftless({"apply"});
    CHECK(apply.exit_code == 1);
    CHECK(contains(apply.err, "conflict Service/" + name));
    CHECK(s.workload_id(name) == id);
    CHECK(all_running(s, {name}));
    s.remove_by_hand(name);
}

void two_owners(const std::string& driver) {
    ensure_engine(driver);
    scenario a("oa", driver), b("ob", driver);
    const auto mine = a.name("x");
    a.write("x.yaml", service(mine));
    REQUIRE(a.driftless({"apply"}).exit_code == 0);
    const auto id = a.workload_id(mine);
    REQUIRE(all_running(a, {mine}));

    // b declares the same name: a conflict, not a takeover.
    b.write("x.yaml", service(mine));
    auto plan = b.driftless({"plan"});
    CHECK(contains(plan.out, "! Service/" + mine + "  (owned by another driftless instance (owner \"" + a.owner() + "\"))"));
    CHECK(b.driftless({"apply"}).exit_code == 1);
    // b with an empty folder and every guard off removes nothing of a's.
    b.remove("x.yaml");
    CHECK(b.driftless({"apply", "--allow-empty", "--allow-mass-prune"}).exit_code == 0);
    CHECK(a.workload_id(mine) == id);
    CHECK(a.driftless({"plan"}).exit_code == 0);
}

void guards(const std::string& driver) {
    ensure_engine(driver);
    scenario s("gd", driver);
    for (int i = 0; i < 12; ++i) s.write("s" + std::to_string(i) + ".yaml", service(s.name("s" + std::to_string(i))));
    REQUIRE(s.driftless({"apply"}).exit_code == 0);
    REQUIRE(s.owned_workloads().size() == 12);

    for (int i = 0; i < 7; ++i) s.remove("s" + std::to_string(i) + ".yaml");
    auto mass = s.driftless({"apply"});
    CHECK(mass.exit_code == 1);
    CHECK(contains(mass.err, "holding back 7 removal(s): more than --max-prune 6 of 12 managed"));
    CHECK(s.owned_workloads().size() == 12);
    CHECK(s.driftless({"plan"}).exit_code == 2);

    for (int i = 7; i < 12; ++i) s.remove("s" + std::to_string(i) + ".yaml");
    auto empty = s.driftless({"apply", "--allow-mass-prune"});
    CHECK(empty.exit_code == 1);
    CHECK(contains(empty.err, "the desired state is empty while 12 object(s) are managed"));
    CHECK(s.owned_workloads().size() == 12);

    CHECK(s.driftless({"apply", "--allow-empty", "--allow-mass-prune"}).exit_code == 0);
    CHECK(s.owned_workloads().empty());
}

void kill_mid_apply(const std::string& driver) {
    ensure_engine(driver);
    scenario s("k9", driver);
    std::vector<std::string> names;
    for (int i = 0; i < 16; ++i) {
        names.push_back(s.name("k" + std::to_string(i)));
        s.write("k" + std::to_string(i) + ".yaml", service(names.back()));
    }
    std::sort(names.begin(), names.end());
    {
        child apply({binary(), "apply", "-s", s.dir().string(), "--driver", driver, "--owner", s.owner(), "--parallel", "4"}, {},
                    (s.dir().parent_path() / (s.owner() + "-apply.log")).string());
        wait_until([&] { return !s.owned_workloads().empty() || !apply.running(); }, 60s);
        apply.signal(SIGKILL);
        apply.wait(10s);
    }
    auto again = s.driftless({"apply"});
    INFO(again.err);
    CHECK(again.exit_code == 0);
    CHECK(s.owned_workloads() == names);
    CHECK(all_running(s, names));
    CHECK(s.driftless({"plan"}).exit_code == 0);
}

void plan_exit_codes(const std::string& driver) {
    ensure_engine(driver);
    scenario s("pl", driver);
    s.write("a.yaml", service(s.name("a")));
    CHECK(s.driftless({"plan"}).exit_code == 2);
    CHECK(s.driftless({"apply"}).exit_code == 0);
    CHECK(all_running(s, {s.name("a")}));
    CHECK(s.driftless({"plan"}).exit_code == 0);
    s.write("bad.yaml", "kind: Service\nname: " + s.name("b") + "\nimage: driftless-test/busybox:1\nreplicas: many\n");
    auto plan = s.driftless({"plan"});
    CHECK(plan.exit_code == 1);
    CHECK(contains(plan.err, s.dir().string() + "/bad.yaml:4:11: replicas:"));
}

// --policy: a denied spec is an error for that spec only: not created, and
// what already runs under its name is left as it is.
void policy_denies_one_spec(const std::string& driver) {
    ensure_engine(driver);
    scenario s("pol", driver);
    const auto ok = s.name("ok"), bound = s.name("bound"), foreign = s.name("foreign");
    s.write("ok.yaml", service(ok));
    s.write("bound.yaml", service(bound, "mounts: [\"/tmp:/host-tmp\"]\n"));
    REQUIRE(s.driftless({"apply"}).exit_code == 0);   // no policy yet
    REQUIRE(all_running(s, {ok, bound}));
    const auto bound_id = s.workload_id(bound);

    const auto policy = std::filesystem::temp_directory_path() / (s.owner() + "-policy.yaml");
    struct remove_at_end {
        std::filesystem::path p;
        ~remove_at_end() { std::filesystem::remove(p); }
    } cleanup{policy};
    std::ofstream(policy) << "images: [driftless-test/]\nbind_mounts: [/srv]\n";
    s.write("foreign.yaml", service(foreign).replace(service(foreign).find("driftless-test/"), 15, "elsewhere/"));

    auto plan = s.driftless({"plan", "--policy", policy.string()});
    INFO(plan.out, plan.err);
    CHECK(plan.exit_code == 1);
    CHECK(contains(plan.err, s.dir().string() + "/foreign.yaml:1:1: image: denied by the policy: \"elsewhere/busybox:1\""));
    CHECK(contains(plan.err, s.dir().string() + "/bound.yaml:1:1: mounts: denied by the policy: bind source \"/tmp\""));
    CHECK_FALSE(contains(plan.out, foreign));
    CHECK_FALSE(contains(plan.out, bound));

    auto apply = s.driftless({"apply", "--policy", policy.string()});
    CHECK(apply.exit_code == 1);
    CHECK(s.workload_id(foreign).empty());            // not created
    CHECK(s.workload_id(bound) == bound_id);          // held: neither removed nor recreated
    CHECK(s.workload_id(ok).size() > 0);

    auto bad = s.driftless({"plan", "--policy", s.dir().string() + "/ok.yaml"});
    CHECK(bad.exit_code == 1);
    CHECK(contains(bad.err, "/ok.yaml:1:1: kind: unknown key for a policy"));
}

void status_endpoints(const std::string& driver) {
    ensure_engine(driver);
    scenario s("st", driver);
    s.write("a.yaml", service(s.name("a")));
    auto run = s.start_run();
    REQUIRE(all_running(s, {s.name("a")}, 60s));
    CHECK(s.http_get("/healthz").out == "ok\n");
    CHECK(s.http_get("/readyz").out == "ready\n");
    auto metrics = s.http_get("/metrics").out;
    CHECK(contains(metrics, "driftless_passes_total"));
    CHECK(contains(metrics, "driftless_actions_total{action=\"create\",result=\"succeeded\"} 1"));
    // The histograms and the events by type (prometheus-cpp's serializer).
    CHECK(contains(metrics, "driftless_pass_duration_seconds_bucket{le=\"+Inf\"} "));
    CHECK(contains(metrics, "driftless_reaction_seconds_count "));
    CHECK(contains(metrics, "driftless_events_total{type=\"created\"} 1"));
    auto check = sh("curl -s http://127.0.0.1:" + std::to_string(s.status_port()) + "/metrics | promtool check metrics");
    INFO(check.out, check.err);
    CHECK(check.exit_code == 0);
    auto state = s.http_get("/api/v1/state").out;
    CHECK(contains(state, "\"name\": \"" + s.name("a") + "\""));
    CHECK(contains(state, "\"last_plan\""));
    run->signal(SIGTERM);
    CHECK(run->wait(30s) == 0);
}

}  // namespace

TEST_CASE("docker: create from empty, then plan says converged") { create_from_empty("docker"); }
TEST_CASE("podman: create from empty, then plan says converged") { create_from_empty("podman"); }
TEST_CASE("swarm: create from empty, then plan says converged") { create_from_empty("swarm"); }

TEST_CASE("docker: an env change recreates exactly that container") { env_change_updates_one("docker"); }
TEST_CASE("podman: an env change recreates exactly that container") { env_change_updates_one("podman"); }
TEST_CASE("swarm: an env change updates exactly that service, in place") { env_change_updates_one("swarm"); }

TEST_CASE("docker: run follows the folder: a deleted file removes its container, a half-written file removes nothing") {
    run_follows_folder("docker");
}
TEST_CASE("podman: run follows the folder: a deleted file removes its container, a half-written file removes nothing") {
    run_follows_folder("podman");
}
TEST_CASE("swarm: run follows the folder: a deleted file removes its service, a half-written file removes nothing") {
    run_follows_folder("swarm");
}

TEST_CASE("docker: an unmanaged container holding a wanted name is a conflict and stays untouched") { unmanaged_conflict("docker"); }
TEST_CASE("podman: an unmanaged container holding a wanted name is a conflict and stays untouched") { unmanaged_conflict("podman"); }
TEST_CASE("swarm: an unmanaged service holding a wanted name is a conflict and stays untouched") { unmanaged_conflict("swarm"); }

TEST_CASE("docker: two owners on one engine never touch each other's objects") { two_owners("docker"); }
TEST_CASE("podman: two owners on one engine never touch each other's objects") { two_owners("podman"); }
TEST_CASE("swarm: two owners on one engine never touch each other's objects") { two_owners("swarm"); }

TEST_CASE("docker: the empty guard and the mass guard hold removals back") { guards("docker"); }
TEST_CASE("podman: the empty guard and the mass guard hold removals back") { guards("podman"); }
TEST_CASE("swarm: the empty guard and the mass guard hold removals back") { guards("swarm"); }

TEST_CASE("docker: kill -9 mid-apply, then apply again: converged, no duplicates, no leftovers") { kill_mid_apply("docker"); }
TEST_CASE("podman: kill -9 mid-apply, then apply again: converged, no duplicates, no leftovers") { kill_mid_apply("podman"); }
TEST_CASE("swarm: kill -9 mid-apply, then apply again: converged, no duplicates, no leftovers") { kill_mid_apply("swarm"); }

TEST_CASE("docker: plan exits 0 when converged and 2 when not; validate and apply report bad files") { plan_exit_codes("docker"); }
TEST_CASE("podman: plan exits 0 when converged and 2 when not; validate and apply report bad files") { plan_exit_codes("podman"); }
TEST_CASE("swarm: plan exits 0 when converged and 2 when not; validate and apply report bad files") { plan_exit_codes("swarm"); }

TEST_CASE("docker: --policy denies one spec and holds it; the rest converges") { policy_denies_one_spec("docker"); }

TEST_CASE("docker: status endpoints: healthz, readyz, metrics pass promtool, state JSON") { status_endpoints("docker"); }
TEST_CASE("podman: status endpoints: healthz, readyz, metrics pass promtool, state JSON") { status_endpoints("podman"); }
TEST_CASE("swarm: status endpoints: healthz, readyz, metrics pass promtool, state JSON") { status_endpoints("swarm"); }

TEST_CASE("docker: pull: always follows its tag in the registry; a registry that does not answer changes nothing") {
    ensure_docker();
    local_registry reg(unique_id("mv"));   // outlives the scenario, whose container uses its images
    scenario s("mv");
    const auto web = s.name("web");
    const std::string repository = "driftless/moving-" + s.owner();
    const std::string image = reg.address() + "/" + repository + ":1";
    REQUIRE(s.engine(std::string("tag ") + test_image + " " + image).exit_code == 0);
    REQUIRE(s.engine("push " + image).exit_code == 0);
    const std::string first = reg.digest(repository, "1");
    REQUIRE(first.rfind("sha256:", 0) == 0);

    s.write("web.yaml", "kind: Service\nname: " + web + "\nimage: " + image +
                            "\npull: always\ncommand: [\"sleep\", \"3600\"]\nstop_grace_period: 1s\n");
    auto up = s.driftless({"apply"});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    REQUIRE(s.container_state(web) == "running");
    CHECK(s.workload_label(web, "io.driftless.image-digest") == first);
    const auto id = s.container_id(web);
    CHECK(s.driftless({"plan"}).exit_code == 0);

    // A new image pushed under the same tag: plan names it, apply recreates from it.
    REQUIRE(sh("printf 'FROM " + image + "\\nLABEL revision=2\\n' | docker build -q -t " + image + " -").exit_code == 0);
    REQUIRE(s.engine("push " + image).exit_code == 0);
    const std::string second = reg.digest(repository, "1");
    REQUIRE(second.rfind("sha256:", 0) == 0);
    REQUIRE(second != first);
    auto plan = s.driftless({"plan"});
    CHECK(plan.exit_code == 2);
    CHECK(contains(plan.out, "~ Service/" + web + "  (image " + image + " is now " + second + " in its registry (made from " +
                                 first + "))"));
    CHECK(s.container_id(web) == id);
    auto apply = s.driftless({"apply"});
    INFO(apply.err);
    CHECK(apply.exit_code == 0);
    CHECK(s.container_state(web) == "running");
    CHECK(s.container_id(web) != id);
    CHECK(s.workload_label(web, "io.driftless.image-digest") == second);
    CHECK(s.workload_label(web, "revision") == "2");
    CHECK(s.driftless({"plan"}).exit_code == 0);

    // The registry gone: a warning naming the image; the container stays.
    const auto id2 = s.container_id(web);
    reg.stop();
    auto offline = s.driftless({"apply"});
    CHECK(offline.exit_code == 0);
    CHECK(contains(offline.err, "containers of " + image + " are kept as they are"));
    CHECK(s.container_id(web) == id2);
    CHECK(s.container_state(web) == "running");
}

TEST_CASE("docker: dockerd restarted during run: driftless survives and converges") {
    ensure_docker();
    scenario s("rs");
    const auto a = s.name("a"), b = s.name("b");
    s.write("a.yaml", service(a));
    auto run = s.start_run();
    REQUIRE(wait_until([&] { return s.container_state(a) == "running"; }, 60s));

    REQUIRE(sh("pkill -TERM -x dockerd").exit_code == 0);
    REQUIRE(wait_until([] { return sh("curl -sf --max-time 1 --unix-socket /var/run/docker.sock http://localhost/_ping").exit_code != 0; }, 60s));
    // Changes made while the engine is away wait for it.
    s.write("b.yaml", service(b));
    CHECK(wait_until([&] { return contains(s.http_get("/api/v1/state").out, "\"engine_error\": \"") &&
                                  !contains(s.http_get("/api/v1/state").out, "\"engine_error\": \"\""); }, 30s));
    CHECK(contains(s.http_get("/metrics").out, "driftless_engine_up 0"));
    REQUIRE(wait_until([] { return sh("pgrep -x dockerd").exit_code != 0; }, 60s));
    REQUIRE(sh("bash " + source_dir() + "/scripts/start-dockerd.sh").exit_code == 0);

    CHECK(run->running());
    CHECK(wait_until([&] { return s.container_state(a) == "running" && s.container_state(b) == "running"; }, 90s));
    CHECK(wait_until([&] { return contains(s.http_get("/metrics").out, "driftless_engine_up 1"); }, 30s));
    run->signal(SIGTERM);
    CHECK(run->wait(30s) == 0);
}

TEST_CASE("docker: examples/gitops: a git-sync style symlink swap updates the container") {
    ensure_docker();
    scenario s("gs");
    const auto repo = s.dir() / "repo", root = s.dir() / "root";
    const auto name = s.name("whoami");
    const std::string git = "git -C " + repo.string() + " -c user.name=ci -c user.email=ci@localhost ";
    REQUIRE(sh("mkdir -p " + repo.string() + " " + root.string() + " && sed 's/gitops-whoami/" + name +
               "/; s/driftless\\/busybox:1/driftless-test\\/busybox:1/; /ports:/d' " + source_dir() +
               "/examples/gitops/specs/whoami.yaml > " + repo.string() + "/whoami.yaml && " + git + "init -q && " + git +
               "add . && " + git + "commit -qm v1").exit_code == 0);
    const std::string sync = source_dir() + "/examples/gitops/sync.sh " + repo.string() + " " + root.string();
    REQUIRE(sh(sync).exit_code == 0);

    child run({binary(), "run", "-s", (root / "current").string(), "--owner", s.owner(), "--listen", "127.0.0.1:0"}, {},
              (s.dir() / "run.log").string());
    REQUIRE(wait_until([&] { return s.container_state(name) == "running"; }, 60s));
    const auto before = s.container_id(name);

    REQUIRE(sh("sed -i 's/RELEASE: \"1\"/RELEASE: \"2\"/' " + repo.string() + "/whoami.yaml && " + git + "commit -qam v2").exit_code == 0);
    REQUIRE(sh(sync).exit_code == 0);
    CHECK(wait_until([&] {
        return s.container_id(name) != before && contains(s.engine("inspect -f '{{.Config.Env}}' " + name).out, "RELEASE=2");
    }, 60s));
    CHECK(s.owned_containers() == std::vector<std::string>{name});
    run.signal(SIGTERM);
    CHECK(run.wait(30s) == 0);
}

TEST_CASE("docker: run waits for a -s folder that is not there yet, removing nothing meanwhile") {
    // A sidecar started before git-sync's first checkout: what that folder
    // declared stays, the other folder converges, and the folder's creation
    // (one rename) is taken up by the running process.
    ensure_docker();
    scenario s("wf");
    const auto base = s.dir() / "base", later = s.dir() / "later", parked = s.dir() / "later.off";
    const auto db = s.name("db"), app = s.name("app"), fresh = s.name("fresh");
    std::filesystem::create_directories(base);
    std::filesystem::create_directories(later);
    std::ofstream(base / "db.yaml") << service(db);
    std::ofstream(later / "app.yaml") << service(app);
    auto applied = run({binary(), "apply", "-s", base.string(), "-s", later.string(), "--owner", s.owner()});
    INFO(applied.out, applied.err);
    REQUIRE(applied.exit_code == 0);
    const auto app_id = s.container_id(app), db_id = s.container_id(db);
    REQUIRE_FALSE(app_id.empty());

    std::filesystem::rename(later, parked);
    // The one-shot commands refuse a folder that is not there.
    auto plan = run({binary(), "plan", "-s", base.string(), "-s", later.string(), "--owner", s.owner()});
    CHECK(plan.exit_code == 1);
    CHECK(contains(plan.err, "-s \"" + later.string() + "\": no such file or folder"));

    child watching({binary(), "run", "-s", base.string(), "-s", later.string(), "--owner", s.owner(), "--listen",
                    "127.0.0.1:0"}, {}, (s.dir() / "run.log").string());
    // The first pass ran and held the removal of what the missing folder declared.
    const bool held = wait_until([&] { return contains(watching.log(), "what they declare is unknown"); }, 60s);
    INFO(watching.log());
    REQUIRE(held);
    CHECK(contains(watching.log(), "-s \"" + later.string() + "\": no such file or folder yet"));
    CHECK(watching.running());
    CHECK(s.container_id(app) == app_id);
    CHECK(s.container_id(db) == db_id);

    std::ofstream(parked / "fresh.yaml") << service(fresh);
    std::filesystem::rename(parked, later);
    CHECK(wait_until([&] { return s.container_state(fresh) == "running"; }, 60s));
    CHECK(s.container_id(app) == app_id);
    CHECK(s.container_id(db) == db_id);
    CHECK(s.owned_containers().size() == 3);
    watching.signal(SIGTERM);
    CHECK(watching.wait(30s) == 0);
}

TEST_CASE("docker: examples/hello: README's main command serves the page, the cleanup command removes it") {
    ensure_docker();
    const std::string log = "/tmp/driftless-hello-test.log";
    // The example's owner is fixed ("hello"); start from a clean slate.
    sh("docker ps -aq --filter label=io.driftless.owner=hello | xargs -r docker rm -f >/dev/null 2>&1; true");
    // The tests' own build, which holds the binary already: the script's
    // default (a Release build of its own) would compile everything again.
    child hello({"bash", source_dir() + "/scripts/hello.sh", "--listen", "127.0.0.1:0"},
                {"DRIFTLESS_BUILD_DIR=" DRIFTLESS_BUILD_DIR, "DRIFTLESS_BUILD_TYPE=" DRIFTLESS_BUILD_TYPE}, log);
    const bool served = wait_until([] {
        return sh("curl -sf --max-time 2 http://127.0.0.1:8080/").out == "hello from driftless\n";
    }, 300s);
    INFO(hello.log());
    CHECK(served);
    CHECK(sh("docker inspect -f '{{.State.Health.Status}}' hello-web").exit_code == 0);
    hello.signal(SIGTERM);
    CHECK(hello.wait(60s) == 0);
    // README: driftless down -s examples/hello --owner hello --volumes (--yes: no terminal here)
    auto down = run({binary(), "down", "-s", source_dir() + "/examples/hello", "--owner", "hello", "--volumes", "--yes"});
    INFO(down.out, down.err);
    CHECK(down.exit_code == 0);
    CHECK(sh("docker ps -aq --filter label=io.driftless.owner=hello").out.empty());
    CHECK(sh("docker network ls -q --filter label=io.driftless.owner=hello").out.empty());
    CHECK(sh("docker volume ls -q --filter label=io.driftless.owner=hello").out.empty());
}
