// Pulls from a registry that wants a password (Debian's docker-registry
// with htpasswd) against dockerd, with the credentials docker's config.json
// holds for it: DOCKER_CONFIG points driftless at a folder of the test's
// own. The image is pulled and the service runs; with a wrong password, or
// none, that service fails with an error naming the registry, backs off
// like any failing action, and the rest of the folder converges untouched.
// A build whose FROM image is in that registry gets the credentials too.
#include <doctest/doctest.h>

#include <signal.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/docker_driver_support.hpp"
#include "support/process.hpp"
#include "support/registry_server.hpp"
#include "support/scenario.hpp"

using namespace driftless::testing;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string pulled_service(const std::string& name, const std::string& image) {
    return "kind: Service\nname: " + name + "\nimage: " + image + "\ncommand: [\"sleep\", \"3600\"]\nstop_grace_period: 1s\n";
}

// The object `name`'s entry in /api/v1/state, or null.
nlohmann::json state_of(const scenario& s, const std::string& name) {
    const auto state = nlohmann::json::parse(s.http_get("/api/v1/state").out, nullptr, false);
    if (!state.is_object() || !state.contains("objects")) return nullptr;
    for (const auto& o : state["objects"])
        if (o.value("name", "") == name) return o;
    return nullptr;
}

// driftless_actions_total{action="create",result="failed"} from /metrics.
int failed_creates(const scenario& s) {
    const auto metrics = s.http_get("/metrics").out;
    const std::string key = "driftless_actions_total{action=\"create\",result=\"failed\"} ";
    const auto at = metrics.find(key);
    return at == std::string::npos ? 0 : std::atoi(metrics.c_str() + at + key.size());
}

}  // namespace

TEST_CASE("docker: pulls and builds from a registry with htpasswd use config.json's credentials; wrong or none fail that service only, naming the registry") {
    ensure_docker();
    registry_server_options auth;
    auth.user = "alice";
    auth.password = "s3cret";
    registry_server reg(auth);   // outlives the scenario, whose containers use its images
    scenario s("rga");
    const std::string host = reg.address();
    const std::string config_dir = reg.dir() + "/docker-config";
    std::filesystem::create_directories(config_dir);
    const auto write_config = [&](const std::string& user_password_base64) {
        std::ofstream(config_dir + "/config.json") << R"({"auths":{")" << host << R"(":{"auth":")" << user_password_base64
                                                   << R"("}}})";
    };
    write_config("YWxpY2U6czNjcmV0");   // alice:s3cret
    const std::vector<std::string> env{"DOCKER_CONFIG=" + config_dir};
    const std::string image = host + "/" + s.owner() + "/app:1", other = host + "/" + s.owner() + "/app:2",
                      base = host + "/" + s.owner() + "/base:1";
    by_hand images;
    images.cleanup.push_back("docker rmi -f " + image + " " + other + " " + base + " >/dev/null 2>&1");
    // Pushed with docker's CLI and the same config.json, then untagged: only
    // the registry has these names now.
    for (const auto& i : {image, other, base}) {
        REQUIRE(sh(std::string("docker tag ") + test_image + " " + i).exit_code == 0);
        const auto pushed = sh("DOCKER_CONFIG=" + config_dir + " docker push " + i);
        REQUIRE_MESSAGE(pushed.exit_code == 0, pushed.err);
        REQUIRE(sh("docker rmi " + i).exit_code == 0);
    }

    const auto web = s.name("web"), later = s.name("later"), plain = s.name("plain");
    s.write("web.yaml", pulled_service(web, image));
    auto up = s.driftless({"apply"}, env);
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    CHECK(s.container_state(web) == "running");
    CHECK(sh("docker image inspect " + image).exit_code == 0);
    const auto web_id = s.container_id(web);

    // A wrong password: the service that needs a pull fails naming the
    // registry; the one already running and one that needs no pull are fine.
    write_config("YWxpY2U6d3Jvbmc=");   // alice:wrong
    s.write("later.yaml", pulled_service(later, other));
    s.write("plain.yaml", sleeper_yaml(plain));
    auto refused = s.driftless({"apply"}, env);
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.err, "pull \"" + other + "\": registry " + host + " refused access ("));
    CHECK(contains(refused.err, "credentials for " + host + " from " + config_dir + "/config.json: log in with docker login " + host));
    CHECK(s.container_id(later).empty());
    CHECK(s.container_state(plain) == "running");
    CHECK(s.container_id(web) == web_id);
    CHECK(s.container_state(web) == "running");

    // No credentials at all: the error says so.
    std::filesystem::remove(config_dir + "/config.json");
    auto anonymous = s.driftless({"apply"}, env);
    CHECK(anonymous.exit_code == 1);
    CHECK(contains(anonymous.err, "registry " + host + " refused access ("));
    CHECK(contains(anonymous.err, "no credentials for " + host + " in " + config_dir + "/config.json"));

    // Under `run`, the refused pull backs off like any failing action:
    // its backoff grows, and the creates tried stay few.
    write_config("YWxpY2U6d3Jvbmc=");
    auto run = s.start_run({"--resync", "1s"}, env);
    REQUIRE(wait_until([&] {
        const auto o = state_of(s, later);
        return o.is_object() && contains(o.value("error", ""), "refused access") && o.value("backoff_ms", 0) >= 3000;
    }, 60s));
    const int tried = failed_creates(s);
    CHECK(tried >= 2);
    CHECK(tried <= 6);
    CHECK(s.container_state(plain) == "running");
    CHECK(s.container_id(web) == web_id);

    // The right password again: the next try pulls and the service comes up.
    write_config("YWxpY2U6czNjcmV0");
    CHECK(wait_until([&] { return s.container_state(later) == "running"; }, 120s));
    run->signal(SIGTERM);
    CHECK(run->wait(30s) == 0);

    // A build whose FROM image is in that registry: the engine is handed
    // the credentials (X-Registry-Config) and pulls it.
    const std::string project = "prv" + s.owner();
    s.write(project + "/compose.yaml", "services:\n  bd:\n    build: ./b\n    stop_grace_period: 1s\n");
    s.write(project + "/b/Dockerfile", "FROM " + base + "\nCMD [\"sleep\", \"3600\"]\n");
    auto built = s.driftless({"apply"}, env);
    INFO(built.err);
    CHECK(built.exit_code == 0);
    CHECK(s.container_state(project + "-bd-1") == "running");
}
