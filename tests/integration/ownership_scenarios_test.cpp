// Ownership an image author or a bystander cannot forge: the driftless
// binary against real engines, checked with the engine's own CLI.
#include <doctest/doctest.h>

#include <sys/stat.h>

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

// An image built for one test, removed at the end (after the scenario's
// containers: declare it before the scenario).
struct forged_image {
    std::string tag;
    ~forged_image() { sh("docker rmi -f " + tag + " >/dev/null 2>&1; true"); }
};

// A folder of its own, removed at the end.
struct temp_folder {
    std::filesystem::path path;
    explicit temp_folder(const std::string& id)
        : path(std::filesystem::temp_directory_path() / ("driftless-" + id)) { std::filesystem::create_directories(path); }
    ~temp_folder() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

unsigned mode_of(const std::filesystem::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("docker: a container run from an image labelled with driftless's owner and name is never adopted nor removed") {
    ensure_engine("docker");
    const std::string id = unique_id("forged");
    forged_image image{"driftless-test/forged-" + id + ":1"};
    temp_folder build(id);
    scenario s("fg");
    const auto web = s.name("web"), other = s.name("other"), keep = s.name("keep");
    // What anyone can publish: the labels driftless writes, copied by
    // Docker into every container run from the image.
    std::ofstream(build.path / "Dockerfile") << "FROM driftless-test/busybox:1\nLABEL io.driftless.owner=" << s.owner()
                                             << " io.driftless.name=" << web
                                             << " io.driftless.kind=Service io.driftless.spec-hash=0\n";
    REQUIRE(sh("docker build -q -t " + image.tag + " " + build.path.string()).exit_code == 0);
    REQUIRE(s.engine("run -d --name " + web + " " + image.tag + " sleep 3600").exit_code == 0);
    REQUIRE(s.engine("run -d --name " + other + " " + image.tag + " sleep 3600").exit_code == 0);
    const auto web_id = s.container_id(web), other_id = s.container_id(other);
    REQUIRE_FALSE(web_id.empty());

    // Declared: a conflict, not an adoption.
    s.write("web.yaml", service(web));
    auto plan = s.driftless({"plan"});
    INFO(plan.out, plan.err);
    CHECK(plan.exit_code == 2);
    CHECK(contains(plan.out, "! Service/" + web +
                                 "  (labelled with this instance's owner, but its ownership labels do not verify: not made by it)"));
    auto apply = s.driftless({"apply"});
    CHECK(apply.exit_code == 1);
    CHECK(contains(apply.err, "conflict Service/" + web));
    CHECK(s.container_id(web) == web_id);
    CHECK(s.container_state(web) == "running");

    // Not declared: left alone, never pruned.
    s.remove("web.yaml");
    s.write("keep.yaml", service(keep));
    auto prune = s.driftless({"apply"});
    INFO(prune.err);
    CHECK(prune.exit_code == 0);
    CHECK(s.container_id(web) == web_id);
    CHECK(s.container_id(other) == other_id);
    CHECK(s.container_state(other) == "running");
    CHECK_FALSE(s.container_id(keep).empty());
}

TEST_CASE("docker: a container renamed by hand is not taken for the name its label says") {
    ensure_engine("docker");
    scenario s("rn");
    const auto web = s.name("web"), old = s.name("old");
    s.write("web.yaml", service(web));
    REQUIRE(s.driftless({"apply"}).exit_code == 0);
    const auto first = s.container_id(web);
    REQUIRE_FALSE(first.empty());

    REQUIRE(s.engine("rename " + web + " " + old).exit_code == 0);
    auto plan = s.driftless({"plan"});
    INFO(plan.out);
    CHECK(plan.exit_code == 2);
    CHECK(contains(plan.out, "+ Service/" + web));
    auto apply = s.driftless({"apply"});
    INFO(apply.err);
    CHECK(apply.exit_code == 0);
    const auto second = s.container_id(web);
    CHECK_FALSE(second.empty());
    CHECK(second != first);
    CHECK(s.container_id(old) == first);   // not driftless's any more: untouched
    CHECK(s.driftless({"plan"}).exit_code == 0);
}

TEST_CASE("docker: the io.driftless.spec label of a container with an env secret holds no secret value") {
    ensure_engine("docker");
    scenario s("sc");
    const auto web = s.name("web");
    const std::string secret = "pw-" + unique_id("secret");
    s.write("web.yaml", service(web, "env: {PASSWORD: " + secret + ", MODE: plain}\n"));
    REQUIRE(s.driftless({"apply"}).exit_code == 0);
    const auto labels = inspect_json(web)["Config"]["Labels"];
    const std::string spec = labels.value("io.driftless.spec", "");
    INFO(spec);
    CHECK(contains(spec, "\"PASSWORD\":\"hmac:"));
    CHECK_FALSE(contains(labels.dump(), secret));
    CHECK(contains(s.workload_env(web), "PASSWORD=" + secret));   // the container itself still gets it

    s.write("web.yaml", service(web, "env: {PASSWORD: " + secret + "-2, MODE: plain}\n"));
    auto plan = s.driftless({"plan"});
    CHECK(contains(plan.out, "~ Service/" + web + "  (changed: env; rolling out "));
    CHECK_FALSE(contains(plan.out + plan.err, secret));
}

TEST_CASE("docker: the key file is made 0600 in a 0700 folder, and another key owns nothing") {
    ensure_engine("docker");
    scenario s("kf");
    temp_folder keys(unique_id("keys"));
    const auto key = keys.path / "a" / "key", other_key = keys.path / "b" / "key";
    const auto web = s.name("web");
    s.write("web.yaml", service(web));
    auto apply = s.driftless({"apply", "--key-file", key.string()});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    CHECK(mode_of(key) == 0600);
    CHECK(mode_of(key.parent_path()) == 0700);
    CHECK(std::filesystem::file_size(key) == 32);
    CHECK(s.driftless({"plan", "--key-file", key.string()}).exit_code == 0);

    // The same owner id under another installation's key: a conflict.
    auto plan = s.driftless({"plan", "--key-file", other_key.string()});
    CHECK(plan.exit_code == 2);
    CHECK(contains(plan.out, "! Service/" + web));

    std::ofstream(keys.path / "short") << "not a key";
    auto bad = s.driftless({"plan", "--key-file", (keys.path / "short").string()});
    CHECK(bad.exit_code == 1);
    CHECK(contains(bad.err, "driftless: key file \"" + (keys.path / "short").string() + "\": holds 9 bytes, expected 32"));
}

TEST_CASE("swarm: task containers are not seen as owned by a docker-driver instance with the same owner") {
    ensure_engine("swarm");
    scenario s("tk", "swarm");
    temp_folder empty(unique_id("empty"));
    const auto web = s.name("web");
    s.write("web.yaml", service(web));
    REQUIRE(s.driftless({"apply"}).exit_code == 0);
    REQUIRE(wait_until([&] { return s.workload_state(web) == "running"; }, 90s));
    const auto task = trimmed(sh("docker ps -q --filter label=com.docker.swarm.service.name=" + web + " | head -n 1").out);
    REQUIRE_FALSE(task.empty());
    CHECK(inspect("{{index .Config.Labels \"io.driftless.owner\"}}", task).empty());

    auto plan = run({binary(), "plan", "-s", empty.path.string(), "--driver", "docker", "--owner", s.owner(), "--allow-empty"});
    INFO(plan.out, plan.err);
    CHECK(plan.exit_code == 0);
    CHECK(contains(plan.out, "converged"));
}
