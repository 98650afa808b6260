// Compose files as projects against dockerd: names scoped by project, the
// default network with service-name aliases, .env and the override file as
// part of the spec.
#include <doctest/doctest.h>

#include "support/process.hpp"
#include "support/scenario.hpp"

using namespace driftless::testing;
using namespace std::chrono_literals;

namespace {

std::string project(const std::string& app_env) {
    return R"(services:
  app:
    image: driftless-test/busybox:1
    pull_policy: never
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    environment:
      TAG: ")" + app_env + R"("
    depends_on: [db]
  db:
    image: driftless-test/busybox:1
    pull_policy: never
    command: ["sleep", "3600"]
    stop_grace_period: 1s
)";
}

// The address `host` resolves to inside `container`, from busybox's ping
// ("PING db (172.20.0.3): 56 data bytes").
std::string resolved(const scenario& s, const std::string& container, const std::string& host) {
    auto r = s.engine("exec " + container + " ping -c 1 -W 1 " + host);
    auto open = r.out.find('('), close = r.out.find(')');
    if (open == std::string::npos || close == std::string::npos || close < open) return {};
    return r.out.substr(open + 1, close - open - 1);
}

std::string address(const scenario& s, const std::string& container) {
    auto r = s.engine("inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' " + container);
    std::string out = r.out;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\'')) out.pop_back();
    if (!out.empty() && out.front() == '\'') out.erase(0, 1);
    return out;
}

}  // namespace

TEST_CASE("docker: two compose projects with a db each, each app resolves its own db; a .env change updates its users only") {
    ensure_docker();
    scenario s("cp");
    const std::string shop = "shop" + s.owner(), blog = "blog" + s.owner();
    s.write(shop + "/compose.yaml", project("${TAG}"));
    s.write(shop + "/.env", "TAG=1\n");
    s.write(blog + "/docker-compose.yml", project("fixed"));

    auto apply = s.driftless({"apply"});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    for (const auto& p : {shop, blog}) {
        CHECK(s.container_state(p + "-app-1") == "running");
        CHECK(s.container_state(p + "-db-1") == "running");
        CHECK(s.engine("network inspect " + p + "_default").exit_code == 0);
        const std::string db = address(s, p + "-db-1");
        CHECK_FALSE(db.empty());
        CHECK(resolved(s, p + "-app-1", "db") == db);
    }
    CHECK(address(s, shop + "-db-1") != address(s, blog + "-db-1"));
    CHECK(s.engine("inspect -f '{{index .Config.Labels \"com.docker.compose.project\"}}' " + shop + "-app-1").out.find(shop) !=
          std::string::npos);

    const std::string app = s.container_id(shop + "-app-1"), db = s.container_id(shop + "-db-1"),
                      other = s.container_id(blog + "-app-1");
    s.write(shop + "/.env", "TAG=2\n");
    apply = s.driftless({"apply"});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    CHECK(s.container_id(shop + "-app-1") != app);      // uses TAG: recreated
    CHECK(s.container_id(shop + "-db-1") == db);        // does not: untouched
    CHECK(s.container_id(blog + "-app-1") == other);    // another project: untouched
    CHECK(s.engine("exec " + shop + "-app-1 sh -c 'echo $TAG'").out == "2\n");
    s.cleanup();
}

TEST_CASE("docker: run picks up a changed .env without any compose file changing") {
    ensure_docker();
    scenario s("ce");
    const std::string p = "env" + s.owner();
    s.write(p + "/compose.yaml", project("${TAG}"));
    s.write(p + "/.env", "TAG=1\n");
    auto run = s.start_run();
    REQUIRE(wait_until([&] { return s.container_state(p + "-app-1") == "running"; }, 60s));
    const std::string app = s.container_id(p + "-app-1");
    s.write(p + "/.env", "TAG=2\n");
    CHECK(wait_until([&] { return s.engine("exec " + p + "-app-1 sh -c 'echo $TAG'").out == "2\n"; }, 60s));
    CHECK(s.container_id(p + "-app-1") != app);
    run.reset();
    s.cleanup();
}

TEST_CASE("docker: compose.override.yaml is merged into compose.yaml, and a change to it alone updates the service") {
    ensure_docker();
    scenario s("ovr");
    const std::string p = "ovr" + s.owner(), app = p + "-app-1";
    s.write(p + "/compose.yaml", R"(services:
  app:
    image: driftless-test/busybox:1
    pull_policy: never
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    environment: {MODE: prod, KEEP: kept}
)");
    s.write(p + "/compose.override.yaml", "services:\n  app:\n    environment: [MODE=dev]\n");
    auto run = s.start_run();
    REQUIRE(wait_until([&] { return s.container_state(app) == "running"; }, 60s));
    CHECK(s.engine("exec " + app + " sh -c 'echo $MODE $KEEP'").out == "dev kept\n");
    // The override file is no project of its own.
    CHECK(s.owned_containers() == std::vector<std::string>{app});
    s.write(p + "/compose.override.yaml", "services:\n  app:\n    environment: [MODE=test]\n");
    CHECK(wait_until([&] { return s.engine("exec " + app + " sh -c 'echo $MODE $KEEP'").out == "test kept\n"; }, 60s));
    s.remove(p + "/compose.override.yaml");
    CHECK(wait_until([&] { return s.engine("exec " + app + " sh -c 'echo $MODE $KEEP'").out == "prod kept\n"; }, 60s));
    run.reset();
    s.cleanup();
}

TEST_CASE("docker: a service joining another's network namespace is made after it, with no depends_on") {
    // "client" sorts first and the executor runs actions in parallel: only
    // the implied order keeps its create from meeting a container not made yet.
    ensure_docker();
    scenario s("nm");
    const std::string p = "vpn" + s.owner();
    s.write(p + "/compose.yaml", R"(services:
  client:
    image: driftless-test/busybox:1
    pull_policy: never
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    network_mode: service:tunnel
  tunnel:
    image: driftless-test/busybox:1
    pull_policy: never
    command: ["sleep", "3600"]
    stop_grace_period: 1s
)");
    auto apply = s.driftless({"apply"});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    CHECK(apply.err.find("failed") == std::string::npos);   // made in one go, no create refused first
    CHECK(apply.err.find("converged: 3 created") != std::string::npos);
    CHECK(s.container_state(p + "-client-1") == "running");
    const auto tunnel_id = s.container_id(p + "-tunnel-1");
    auto mode = s.engine("inspect -f '{{.HostConfig.NetworkMode}}' " + p + "-client-1");
    CHECK(mode.out.find("container:") != std::string::npos);
    // One network namespace for both.
    const auto ns = s.engine("exec " + p + "-tunnel-1 readlink /proc/self/ns/net").out;
    CHECK(ns.find("net:[") == 0);
    CHECK(s.engine("exec " + p + "-client-1 readlink /proc/self/ns/net").out == ns);
    CHECK_FALSE(tunnel_id.empty());
    s.cleanup();
}
