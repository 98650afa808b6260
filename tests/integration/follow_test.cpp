// follow: against dockerd and Debian's docker-registry: the highest tag in
// the range whose image is old enough runs, pinned by its digest; `plan`
// says why the newer tags are not taken; a release pushed later is taken at
// the next interval, with the tag and digest in /api/v1/state; a registry
// that goes down changes nothing; a registry behind htpasswd is asked with
// the credentials of docker's config.json, and wrong ones are named.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/docker_driver_support.hpp"
#include "support/process.hpp"
#include "support/registry_server.hpp"
#include "support/scenario.hpp"

using namespace driftless::testing;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

std::string rfc3339(std::chrono::system_clock::time_point at) {
    const auto t = std::chrono::system_clock::to_time_t(at);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// One layer an engine can run: busybox (Debian's static build) as
// /bin/busybox, as an uncompressed tar written the same way each time.
std::string busybox_layer(const std::filesystem::path& dir) {
    const auto root = dir / "layer-root";
    std::filesystem::create_directories(root / "bin");
    std::filesystem::copy_file("/bin/busybox", root / "bin/busybox", std::filesystem::copy_options::overwrite_existing);
    const auto tar = dir / "layer.tar";
    const auto r = run({"tar", "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "-cf",
                        tar.string(), "-C", root.string(), "bin"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    std::ifstream in(tar, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string follower_yaml(const std::string& name, const std::string& image, const std::string& rule) {
    return "kind: Service\nname: " + name + "\nimage: " + image + "\nfollow: " + rule +
           "\ncommand: [/bin/busybox, sleep, \"3600\"]\nstop_grace_period: 1s\n";
}

// The image reference a container was made from.
std::string image_of(const scenario& s, const std::string& name) {
    return trimmed(s.engine("inspect -f '{{.Config.Image}}' " + name + " 2>/dev/null").out);
}

json releases_of(const scenario& s) {
    const auto r = s.http_get("/api/v1/state");
    const auto j = json::parse(r.out, nullptr, false);
    if (j.is_discarded() || !j.contains("releases")) return json::array();
    return j["releases"];
}

}  // namespace

TEST_CASE("docker: follow: the highest old-enough release in the range runs by digest; a later one is taken; a "
          "registry down changes nothing") {
    ensure_docker();
    registry_server reg;
    by_hand pulled;   // what the engine pulled, removed by digest once the scenario's containers are gone
    scenario s("flw");
    const std::string repository = "team/app-" + s.owner();
    const std::string image = reg.address() + "/" + repository;

    const auto layer = busybox_layer(s.dir().parent_path() / (s.owner() + "-layer"));
    const auto old_enough = rfc3339(std::chrono::system_clock::now() - std::chrono::hours(24 * 30));
    const auto push = [&](const std::string& tag, const std::string& created) {
        const auto d = reg.push_layer_image(repository, tag, layer, created, {"RELEASE=" + tag});
        pulled.cleanup.push_back("docker image rm -f " + image + "@" + d);
        return d;
    };
    push("1.4.0", old_enough);
    const auto d141 = push("1.4.1", old_enough);
    push("1.5.0", old_enough);
    push("1.4.2", rfc3339(std::chrono::system_clock::now()));   // too young for min_age
    push("1.4.3-rc.1", old_enough);                            // a pre-release: not in ~1.4
    push("latest", old_enough);                                // not a version
    const std::string name = s.name("ap");
    s.write("app.yaml", follower_yaml(name, image, "{semver: \"~1.4\", min_age: 72h, interval: 1s}"));

    // plan: which tag would be taken, and why not the newer ones.
    const auto plan = s.driftless({"plan"});
    INFO(plan.out, plan.err);
    CHECK(plan.exit_code == 2);
    CHECK(contains(plan.out, "release " + image + " ~1.4, min_age 72h: 1.4.1 (" + d141.substr(0, 19) + ")"));
    CHECK(contains(plan.out, "1.5.0 (not in ~1.4)"));
    CHECK(contains(plan.out, "1.4.2 (created "));
    CHECK(contains(plan.out, "min_age 72h)"));
    CHECK(contains(plan.out, "1.4.3-rc.1 (not in ~1.4)"));
    CHECK_FALSE(contains(plan.out, "latest"));

    const auto apply = s.driftless({"apply"});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    CHECK(s.container_state(name) == "running");
    CHECK(image_of(s, name) == image + "@" + d141);
    CHECK(contains(s.workload_env(name), "RELEASE=1.4.1"));
    const auto first_id = s.container_id(name);

    // Applied again with nothing new: nothing changes.
    CHECK(s.driftless({"apply"}).exit_code == 0);
    CHECK(s.container_id(name) == first_id);

    auto run = s.start_run({"--resync", "10m"});
    REQUIRE(run->running());
    CHECK(wait_until([&] {
        const auto r = releases_of(s);
        return r.size() == 1 && r[0]["tag"] == "1.4.1" && r[0]["digest"] == d141;
    }, 30s));

    // A release pushed later, old enough: taken at the next interval,
    // through the update path (the container is recreated from it).
    const auto d143 = push("1.4.3", old_enough);
    CHECK(wait_until([&] { return image_of(s, name) == image + "@" + d143 && s.container_state(name) == "running"; },
                     60s));
    CHECK(contains(s.workload_env(name), "RELEASE=1.4.3"));
    CHECK(wait_until([&] {
        const auto r = releases_of(s);
        return r.size() == 1 && r[0]["tag"] == "1.4.3" && r[0]["digest"] == d143 && r[0]["error"] == "";
    }, 30s));
    const auto second_id = s.container_id(name);
    CHECK(second_id != first_id);

    // The registry goes down: the error shows, the container stays.
    reg.stop();
    CHECK(wait_until([&] {
        const auto r = releases_of(s);
        return r.size() == 1 && !r[0]["error"].get<std::string>().empty();
    }, 60s));
    const auto r = releases_of(s);
    REQUIRE(r.size() == 1);
    CHECK(contains(r[0]["error"].get<std::string>(), reg.address()));
    CHECK(r[0]["tag"] == "1.4.3");
    CHECK(s.container_id(name) == second_id);
    CHECK(s.container_state(name) == "running");

    // A restart that cannot reach the registry keeps the container too.
    run->signal(SIGTERM);
    CHECK(run->wait(20s) == 0);
    const auto again = s.driftless({"apply"});
    INFO(again.err);
    CHECK(again.exit_code == 1);
    CHECK(contains(again.err, "app.yaml:"));
    CHECK(contains(again.err, "is left as it is"));
    CHECK(s.container_id(name) == second_id);
    CHECK(s.container_state(name) == "running");
}

TEST_CASE("docker: follow: a registry behind htpasswd is asked with docker's config.json; wrong credentials are named") {
    ensure_docker();
    registry_server reg({.user = "alice", .password = "s3cret"});
    scenario s("fla");
    const std::string repository = "team/private-" + s.owner();
    const std::string image = reg.address() + "/" + repository;
    // Pushed as the registry's user.
    reg.push_image(repository, "2.0.0", "2026-01-01T00:00:00Z");
    const auto d201 = reg.push_image(repository, "2.0.1", "2026-01-02T00:00:00Z");
    s.write("app.yaml", follower_yaml(s.name("pv"), image, "{semver: \"^2\"}"));

    const auto config = s.dir().parent_path() / (s.owner() + "-docker-config");
    std::filesystem::create_directories(config);
    const auto write_config = [&](const std::string& auth) {
        std::ofstream(config / "config.json") << R"({"auths":{")" << reg.address() << R"(":)" << auth << "}}";
    };
    write_config(R"({"auth":"YWxpY2U6czNjcmV0"})");   // alice:s3cret
    const auto ok = s.driftless({"plan"}, {"DOCKER_CONFIG=" + config.string()});
    INFO(ok.out, ok.err);
    CHECK(ok.exit_code == 2);
    CHECK(contains(ok.out, "release " + image + " ^2: 2.0.1 (" + d201.substr(0, 19) + ")"));

    write_config(R"({"username":"alice","password":"wrong"})");
    const auto refused = s.driftless({"plan"}, {"DOCKER_CONFIG=" + config.string()});
    INFO(refused.out, refused.err);
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.err, "app.yaml:"));
    CHECK(contains(refused.err, reg.address()));
    CHECK(contains(refused.err, "is left as it is"));
}
