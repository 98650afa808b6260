// Health-gated updates against the real engines, through `driftless run`:
// a failing update rolls back to the same old container and is not tried
// again, a new spec is; a good one goes through start-first; driftless
// killed (SIGKILL) mid-rollout finishes or rolls back when it starts again.
// Each case runs under docker and under podman.
#include <doctest/doctest.h>

#include <signal.h>

#include <filesystem>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/fault_proxy.hpp"
#include "support/process.hpp"
#include "support/scenario.hpp"

using namespace driftless::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// A Service from the test image with a 2 s monitor; `extra` lines follow.
std::string spec(const std::string& name, const std::string& command, const std::string& extra = "") {
    return "kind: Service\nname: " + name + "\nimage: driftless-test/busybox:1\npull: never\ncommand: " + command +
           "\nstop_grace_period: 1s\n" + extra;
}
const std::string monitor = "update_config: {monitor: 2s}\n";
const std::string stop_first = "update_config: {monitor: 2s, order: stop-first}\n";
const std::string healthy = "healthcheck: {test: [\"CMD\", \"true\"], interval: 1s, retries: 2}\n";
const std::string never_healthy = "healthcheck: {test: [\"CMD-SHELL\", \"echo not ready; exit 1\"], interval: 1s, retries: 2}\n";

struct row {
    std::string id, name, status;
};

// The scenario's containers, as one `ps` lists them.
std::vector<row> rows(const scenario& s) {
    const auto r = s.engine("ps -a --no-trunc --filter label=io.driftless.owner=" + s.owner() +
                            " --format '{{.ID}}|{{.Names}}|{{.Status}}'");
    std::vector<row> out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
        const auto a = line.find('|'), b = line.find('|', a + 1);
        if (a == std::string::npos || b == std::string::npos) continue;
        out.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)});
    }
    return out;
}

bool up(const row& r) { return r.status.rfind("Up", 0) == 0; }

std::size_t live_count(const scenario& s) {
    std::size_t n = 0;
    for (const auto& r : rows(s)) n += up(r) ? 1 : 0;
    return n;
}

// The object's entry in /api/v1/state ({} when absent or not answering).
json object_status(const scenario& s, const std::string& name) {
    const auto j = json::parse(s.http_get("/api/v1/state").out, nullptr, false);
    if (!j.is_object() || !j.contains("objects")) return json::object();
    for (const auto& o : j["objects"])
        if (o.value("name", "") == name && o.value("kind", "") == "Service") return o;
    return json::object();
}

std::string observed(const scenario& s, const std::string& name) { return object_status(s, name).value("observed", ""); }

long passes(const scenario& s) {
    const auto m = s.http_get("/metrics").out;
    const std::string key = "\ndriftless_passes_total ";
    const auto at = m.find(key);
    return at == std::string::npos ? -1 : std::stol(m.substr(at + key.size()));
}

std::string command_of(const scenario& s, const std::string& name) {
    auto out = s.engine("inspect -f '{{json .Config.Cmd}}' " + name + " 2>/dev/null").out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// An update that fails `extra`'s check rolls back; not retried; a new spec is.
void failing_update_rolls_back(const std::string& driver, const std::string& bad_command, const std::string& bad_extra,
                               const std::string& expected_reason) {
    ensure_engine(driver);
    scenario s("rbk", driver);
    const std::string name = s.name("web");
    s.write("web.yaml", spec(name, "[\"sleep\", \"3600\"]", monitor));
    auto run = s.start_run({"--resync", "1s"});
    REQUIRE(wait_until([&] { return s.container_state(name) == "running"; }, 60s));
    const std::string old_id = s.container_id(name);

    s.write("web.yaml", spec(name, bad_command, monitor + bad_extra));
    REQUIRE_MESSAGE(wait_until([&] { return observed(s, name) == "rolled_back"; }, 120s), run->log());
    const auto st = object_status(s, name);
    INFO(st.dump());
    CHECK(st["error"].get<std::string>().find(expected_reason) != std::string::npos);
    CHECK(st["failing"] == true);
    // The same container, started again; the candidate kept stopped for its logs.
    CHECK(s.container_id(name) == old_id);
    CHECK(s.container_state(name) == "running");
    const std::string failed_id = s.container_id(name + "--FAILED");
    CHECK_FALSE(failed_id.empty());
    // Kept stopped (podman may restart it once, if it exited just before the
    // roll back's stop: the next pass stops it again).
    CHECK(wait_until([&] { return s.container_state(name + "--FAILED") != "running" && live_count(s) == 1; }, 30s));
    CHECK(s.http_get("/metrics").out.find("driftless_objects{state=\"rolled_back\"} 1") != std::string::npos);

    // Later passes leave it so.
    const long before = passes(s);
    REQUIRE(wait_until([&] { return passes(s) >= before + 3; }, 60s));
    CHECK(s.container_id(name) == old_id);
    CHECK(s.container_id(name + "--FAILED") == failed_id);
    CHECK(s.container_id(name + "--NEXT").empty());
    CHECK(observed(s, name) == "rolled_back");
    CHECK(count_of(run->log(), "rolled_back: the update to") == 1);

    // A new spec is tried, and NAME--FAILED goes.
    s.write("web.yaml", spec(name, "[\"sleep\", \"3601\"]", monitor));
    REQUIRE_MESSAGE(wait_until([&] {
        const auto r = rows(s);
        return r.size() == 1 && r[0].name == name && up(r[0]) && command_of(s, name) == R"(["sleep","3601"])";
    }, 120s), run->log());
    CHECK(s.container_id(name) != old_id);
    REQUIRE(wait_until([&] { return observed(s, name) == "running"; }, 30s));
    CHECK(object_status(s, name)["failing"] == false);
}

// A good update, start-first: the old container is gone only once the new
// one is healthy, and both ran side by side meanwhile.
void good_update_goes_through(const std::string& driver) {
    ensure_engine(driver);
    scenario s("rgood", driver);
    const std::string name = s.name("web"), net = s.name("net");
    // On a user network, where the service's name is an alias.
    s.write("net.yaml", "kind: Network\nname: " + net + "\n");
    const std::string on_net = "networks: [" + net + "]\n";
    s.write("web.yaml", spec(name, "[\"sleep\", \"3600\"]", monitor + on_net));
    auto run = s.start_run();
    REQUIRE(wait_until([&] { return s.container_state(name) == "running"; }, 60s));
    const std::string old_id = s.container_id(name);
    const auto aliases = [&](const std::string& container) {
        return s.engine("inspect -f '{{json (index .NetworkSettings.Networks \"" + net + "\").Aliases}}' " + container +
                        " 2>/dev/null").out;
    };
    REQUIRE(aliases(name).find("\"" + name + "\"") != std::string::npos);

    s.write("web.yaml", spec(name, "[\"sleep\", \"3601\"]", monitor + healthy + on_net));
    bool side_by_side = false, gone_too_early = false, next_aliased = false;
    std::string early;
    const bool done = wait_until([&] {
        const auto r = rows(s);
        bool old_there = false, old_up = false, next_up = false, next_healthy = false;
        for (const auto& c : r) {
            if (c.id == old_id) old_there = true, old_up = up(c);
            if (c.name == name + "--NEXT" && up(c)) next_up = true, next_healthy = c.status.find("(healthy)") != std::string::npos;
        }
        // Until it has passed, the candidate answers to no alias of the service.
        if (next_up && !next_healthy && aliases(name + "--NEXT").find("\"" + name + "\"") != std::string::npos)
            next_aliased = true;
        if (old_up && next_up) side_by_side = true;
        if (!old_there)
            for (const auto& c : r)
                if (c.status.find("(healthy)") == std::string::npos) gone_too_early = true, early = c.name + ": " + c.status;
        return r.size() == 1 && r[0].name == name && r[0].id != old_id && up(r[0]);
    }, 120s);
    REQUIRE_MESSAGE(done, run->log());
    CHECK_MESSAGE(!gone_too_early, early);
    CHECK(side_by_side);
    CHECK_FALSE(next_aliased);
    CHECK(command_of(s, name) == R"(["sleep","3601"])");
    // Promoted: it answers to the service's name now.
    CHECK(aliases(name).find("\"" + name + "\"") != std::string::npos);
    REQUIRE(wait_until([&] { return observed(s, name) == "running"; }, 30s));
}

// The rollout of `name` (its old container `old_id`) ended as it should:
// passed, one container, the new one, running; or rolled back, the old one
// running beside its NAME--FAILED.
bool rollout_ended(const scenario& s, const std::string& name, const std::string& old_id, bool should_pass) {
    const auto r = rows(s);
    if (should_pass) return r.size() == 1 && r[0].name == name && up(r[0]) && r[0].id != old_id;
    return r.size() == 2 && s.container_id(name) == old_id && s.container_state(name) == "running" &&
           observed(s, name) == "rolled_back" && live_count(s) == 1;
}

// A driftless started again after a kill: the rollout ends as it should,
// with one live container.
void expect_ended_after_restart(scenario& s, const std::string& name, const std::string& old_id, bool should_pass) {
    auto again = s.start_run();
    std::string seen;
    const bool settled = wait_until([&] {
        seen.clear();
        for (const auto& c : rows(s)) seen += c.id.substr(0, 12) + " " + c.name + " " + c.status + "\n";
        return rollout_ended(s, name, old_id, should_pass);
    }, 120s);
    INFO(again->log());
    INFO("old " << old_id.substr(0, 12) << "; containers:\n" << seen << "state: " << object_status(s, name).dump());
    REQUIRE(settled);
    CHECK(live_count(s) == 1);
    if (should_pass) CHECK(command_of(s, name) == R"(["sleep","3601"])");
    again->signal(SIGTERM);
    again->wait(30s);
}

// driftless killed when `when` first holds, then started again: the
// rollout ends with one live container, the right one.
void killed_mid_rollout(const std::string& driver, const std::string& new_extra, const std::string& new_command,
                        const std::function<bool(const std::vector<row>&, const std::string&)>& when, bool should_pass) {
    ensure_engine(driver);
    scenario s("rkill", driver);
    const std::string name = s.name("web");
    s.write("web.yaml", spec(name, "[\"sleep\", \"3600\"]", new_extra));
    auto run = s.start_run();
    REQUIRE(wait_until([&] { return s.container_state(name) == "running"; }, 60s));
    const std::string old_id = s.container_id(name);

    s.write("web.yaml", spec(name, new_command, new_extra));
    const bool hit = wait_until([&] { return when(rows(s), name); }, 60s);
    run->signal(SIGKILL);
    run->wait(10s);
    REQUIRE_MESSAGE(hit, run->log());

    // The next run logs to the same file: its status port must be read
    // from its own lines, not from the killed one's.
    std::filesystem::remove(run->log_path());
    expect_ended_after_restart(s, name, old_id, should_pass);
}

bool has(const std::vector<row>& r, const std::string& n) {
    for (const auto& c : r)
        if (c.name == n) return true;
    return false;
}

}  // namespace

TEST_CASE("docker rollout: an update whose process exits at once rolls back to the same container, once") {
    failing_update_rolls_back("docker", "[\"sh\", \"-c\", \"echo broken config; exit 3\"]", "", "broken config");
}

TEST_CASE("docker rollout: an update the engine cannot start rolls back, with the engine's reason") {
    failing_update_rolls_back("docker", "[\"/no/such/program\"]", "", "the engine could not start it");
}

TEST_CASE("podman rollout: an update whose process exits at once rolls back to the same container, once") {
    failing_update_rolls_back("podman", "[\"sh\", \"-c\", \"echo broken config; exit 3\"]", "", "broken config");
}

TEST_CASE("docker rollout: an update whose healthcheck never passes rolls back") {
    failing_update_rolls_back("docker", "[\"sleep\", \"3602\"]", never_healthy, "its healthcheck");
}

TEST_CASE("podman rollout: an update whose healthcheck never passes rolls back") {
    failing_update_rolls_back("podman", "[\"sleep\", \"3602\"]", never_healthy, "its healthcheck");
}

TEST_CASE("docker rollout: a good update goes through start-first") { good_update_goes_through("docker"); }

TEST_CASE("podman rollout: a good update goes through start-first") { good_update_goes_through("podman"); }

namespace {

void kill_points(const std::string& driver) {
    SUBCASE("stop-first, killed once the old container is NAME--PREVIOUS") {
        killed_mid_rollout(driver, stop_first, "[\"sleep\", \"3601\"]",
                           [](const auto& r, const auto& n) { return has(r, n + "--PREVIOUS"); }, true);
    }
    SUBCASE("start-first, killed while the candidate is watched") {
        killed_mid_rollout(driver, monitor, "[\"sleep\", \"3601\"]",
                           [](const auto& r, const auto& n) { return has(r, n + "--NEXT"); }, true);
    }
    SUBCASE("stop-first, killed while a failing candidate holds the name") {
        // It runs 2 s before it fails: a window the test's polling sees.
        killed_mid_rollout(driver, stop_first, "[\"sh\", \"-c\", \"sleep 2; exit 4\"]", [](const auto& r, const auto& n) {
            if (!has(r, n + "--PREVIOUS")) return false;
            for (const auto& c : r)
                if (c.name == n && !up(c)) return true;
            return false;
        }, false);
    }
    SUBCASE("stop-first, killed during the roll back") {
        killed_mid_rollout(driver, stop_first, "[\"sh\", \"-c\", \"exit 4\"]",
                           [](const auto& r, const auto& n) { return has(r, n + "--FAILED"); }, false);
    }
}

}  // namespace

namespace {

// A request that changes a container or a network's endpoints: a step's
// engine call.
bool changes_something(std::string_view line) {
    const bool write = line.rfind("POST ", 0) == 0 || line.rfind("DELETE ", 0) == 0;
    return write && (line.find("/containers/") != std::string_view::npos || line.find("/networks/") != std::string_view::npos);
}

// driftless (through the trip wire proxy) killed right after the k-th
// engine call that changes something, for k = 1, 2, ... until the update
// finishes before it: each time, a driftless started again ends with one
// live container, the right one. Returns the number of kill points.
int kill_at_each_step(const std::string& extra, const std::string& new_command, bool should_pass) {
    ensure_docker();
    for (int k = 1;; ++k) {
        CAPTURE(k);
        scenario s("rstep", "docker");
        const std::string name = s.name("web");
        fault_proxy proxy("/tmp/driftless-" + s.owner() + ".sock");
        s.write("web.yaml", spec(name, "[\"sleep\", \"3600\"]", extra));
        auto run = s.start_run({}, {"DOCKER_HOST=" + proxy.docker_host()});
        REQUIRE(wait_until([&] { return s.container_state(name) == "running"; }, 60s));
        const std::string old_id = s.container_id(name);
        const pid_t pid = run->pid();
        proxy.trip_after(static_cast<std::size_t>(k), changes_something, [pid] { ::kill(pid, SIGKILL); });
        s.write("web.yaml", spec(name, new_command, extra));
        // Tripped, or the update is over without reaching the k-th call.
        REQUIRE_MESSAGE(wait_until([&] { return !proxy.tripped_on().empty() || rollout_ended(s, name, old_id, should_pass); },
                                   120s),
                        run->log());
        const std::string at = proxy.tripped_on();
        if (at.empty()) {
            run->signal(SIGTERM);
            run->wait(30s);
            return k - 1;
        }
        CAPTURE(at);
        run->wait(10s);
        std::filesystem::remove(run->log_path());
        expect_ended_after_restart(s, name, old_id, should_pass);
    }
}

}  // namespace

TEST_CASE("docker rollout: killed right after each engine call of a rollout, driftless finishes or rolls back") {
    // At least: create, start, remove (stop + delete), rename; stop,
    // rename, create, start, remove; and stop, rename, create, start, stop,
    // rename, rename, start.
    SUBCASE("start-first, passes") {
        const int n = kill_at_each_step(monitor, "[\"sleep\", \"3601\"]", true);
        MESSAGE(n << " kill points");
        CHECK(n >= 4);
    }
    SUBCASE("stop-first, passes") {
        const int n = kill_at_each_step(stop_first, "[\"sleep\", \"3601\"]", true);
        MESSAGE(n << " kill points");
        CHECK(n >= 5);
    }
    SUBCASE("stop-first, fails and rolls back") {
        const int n = kill_at_each_step(stop_first, "[\"sh\", \"-c\", \"exit 4\"]", false);
        MESSAGE(n << " kill points");
        CHECK(n >= 8);
    }
}

TEST_CASE("podman rollout: killed mid-rollout, driftless finishes or rolls back when started again") { kill_points("podman"); }

TEST_CASE("swarm rollout: an update to a failing spec ends rolled_back, the previous spec runs, and it is not sent again") {
    ensure_engine("swarm");
    scenario s("srbk", "swarm");
    const std::string name = s.name("web");
    const std::string policy = "update_config: {monitor: 2s}\n";
    s.write("web.yaml", sleeper_yaml(name, policy));
    auto run = s.start_run({"--resync", "1s"});
    REQUIRE(wait_until([&] { return s.workload_state(name) == "running"; }, 120s));
    const std::string id = s.workload_id(name);
    const std::string old_hash = s.workload_label(name, "io.driftless.spec-hash");
    REQUIRE_FALSE(old_hash.empty());
    const auto version = [&] {
        const auto out = s.engine("service inspect -f '{{.Version.Index}}' " + name).out;
        return out.empty() ? 0L : std::stol(out);
    };

    // A process that exits at once: swarm's update fails and rolls back.
    s.write("web.yaml", spec(name, "[\"sh\", \"-c\", \"exit 3\"]", policy));
    REQUIRE_MESSAGE(wait_until([&] { return observed(s, name) == "rolled_back"; }, 180s), run->log());
    auto st = object_status(s, name);
    INFO(st.dump());
    CHECK(st["failing"] == true);
    CHECK(st["error"].get<std::string>().find("swarm rolled the update to") != std::string::npos);
    // The same service, on its previous spec, running again.
    CHECK(s.workload_id(name) == id);
    REQUIRE(wait_until([&] {
        return s.engine("service inspect -f '{{.UpdateStatus.State}}' " + name).out == "rollback_completed\n" &&
               s.workload_state(name) == "running";
    }, 180s));
    CHECK(s.workload_label(name, "io.driftless.spec-hash") == old_hash);
    CHECK(s.http_get("/metrics").out.find("driftless_objects{state=\"rolled_back\"} 1") != std::string::npos);

    // Later passes do not send the failed spec again.
    const long at = version(), before = passes(s);
    REQUIRE(wait_until([&] { return passes(s) >= before + 3; }, 60s));
    CHECK(version() == at);
    CHECK(observed(s, name) == "rolled_back");

    // `retry` clears swarm's record, and the running instance sends it again.
    auto retry = s.driftless({"retry", name});
    INFO(retry.out, retry.err);
    CHECK(retry.exit_code == 0);
    CHECK(wait_until([&] { return version() >= at + 2; }, 60s));
    CHECK(wait_until([&] { return observed(s, name) == "rolled_back"; }, 180s));

    // A new spec goes through.
    s.write("web.yaml", sleeper_yaml(name, policy + "env: {RELEASE: \"2\"}\n"));
    CHECK_MESSAGE(wait_until([&] {
        return s.workload_env(name).find("RELEASE=2") != std::string::npos && s.workload_state(name) == "running" &&
               observed(s, name) == "running";
    }, 180s), run->log());
    CHECK(object_status(s, name)["failing"] == false);
}

namespace {

// A compose project `name` with one service `db`: healthy once /tmp/ready
// exists, `delay` seconds after it starts; RELEASE=`release`; `command`
// replaces its start when given.
std::string infra_project(const std::string& name, const std::string& release, const std::string& command = "") {
    return "name: " + name + "\nservices:\n  db:\n    image: driftless-test/busybox:1\n    pull_policy: never\n" +
           "    command: " + (command.empty() ? "[\"sh\", \"-c\", \"sleep 2; touch /tmp/ready; exec sleep 3600\"]" : command) +
           "\n    environment: {RELEASE: \"" + release + "\"}\n    stop_grace_period: 1s\n" +
           "    healthcheck: {test: [\"CMD\", \"test\", \"-f\", \"/tmp/ready\"], interval: 1s, retries: 3}\n" +
           "    deploy: {update_config: {monitor: 2s}}\n";
}

// Project `name`, after project `after` (x-driftless.depends_on), with one
// service `web`.
std::string shop_project(const std::string& name, const std::string& after, const std::string& release) {
    return "name: " + name + "\nx-driftless:\n  depends_on: [" + after + "]\nservices:\n  web:\n" +
           "    image: driftless-test/busybox:1\n    pull_policy: never\n    command: [\"sleep\", \"3600\"]\n" +
           "    environment: {RELEASE: \"" + release + "\"}\n    stop_grace_period: 1s\n";
}

}  // namespace

TEST_CASE("docker rollout: dependency waves: a project waits for the one it depends on, and is not updated past a roll back") {
    ensure_docker();
    scenario s("wave");
    const std::string infra = "infra" + s.owner(), shop = "shop" + s.owner();
    const std::string db = infra + "-db-1", web = shop + "-web-1";
    s.write(infra + "/compose.yaml", infra_project(infra, "1"));
    s.write(shop + "/compose.yaml", shop_project(shop, infra, "1"));
    auto run = s.start_run({"--resync", "1s"});

    // shop's web is made only once infra's db is healthy.
    bool early = false;
    const auto health = [&] { return s.engine("inspect -f '{{.State.Health.Status}}' " + db + " 2>/dev/null").out; };
    REQUIRE_MESSAGE(wait_until([&] {
        if (!s.container_id(web).empty() && health() != "healthy\n") early = true;
        return s.container_state(web) == "running";
    }, 120s), run->log());
    CHECK_FALSE(early);
    CHECK(health() == "healthy\n");
    const std::string db_id = s.container_id(db), web_id = s.container_id(web);

    // Both change; db's update fails (it never turns healthy) and rolls back:
    // web is not updated.
    s.write(infra + "/compose.yaml", infra_project(infra, "2", "[\"sleep\", \"3600\"]"));
    s.write(shop + "/compose.yaml", shop_project(shop, infra, "2"));
    REQUIRE_MESSAGE(wait_until([&] { return observed(s, db) == "rolled_back"; }, 120s), run->log());
    CHECK(s.container_id(db) == db_id);
    const long before = passes(s);
    REQUIRE(wait_until([&] { return passes(s) >= before + 3; }, 60s));
    CHECK(s.container_id(web) == web_id);
    CHECK(s.engine("inspect -f '{{.Config.Env}}' " + web).out.find("RELEASE=1") != std::string::npos);
    const auto held = object_status(s, web);
    INFO(held.dump());
    CHECK(held.value("error", "").find("was rolled back") != std::string::npos);

    // A good db spec: db is updated, then web.
    s.write(infra + "/compose.yaml", infra_project(infra, "3"));
    CHECK_MESSAGE(wait_until([&] {
        return s.engine("inspect -f '{{.Config.Env}}' " + web + " 2>/dev/null").out.find("RELEASE=2") != std::string::npos &&
               s.engine("inspect -f '{{.Config.Env}}' " + db + " 2>/dev/null").out.find("RELEASE=3") != std::string::npos;
    }, 120s), run->log());
    CHECK(s.container_id(db) != db_id);
    CHECK(s.container_id(web) != web_id);
}
