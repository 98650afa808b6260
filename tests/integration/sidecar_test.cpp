// examples/sidecar as README shows it: driftless from its image, in a
// container with the engine's socket, beside a git-sync container that
// checks a bare repository out into a shared volume (an atomic symlink swap
// per revision). Brought up with docker-compose on the plain engine, and
// with docker stack deploy on the single-node swarm. A commit to the
// repository must change what runs; a half-written YAML commit must change
// nothing and show in /api/v1/state. Both images are built from this
// machine's files (scripts/build-driftless-image.sh with the binary under
// test, examples/sidecar/build-git-sync-image.sh).
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "support/deployments.hpp"
#include "support/docker_driver_support.hpp"
#include "support/git_repo.hpp"
#include "support/process.hpp"
#include "support/scenario.hpp"

using namespace driftless::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* driftless_image = "driftless-test/driftless:latest";
constexpr const char* git_sync_image = "driftless-test/git-sync:1";

void ensure_sidecar_images() {
    static bool done = false;
    if (done) return;
    auto r = sh("DRIFTLESS_BIN='" + binary() + "' bash " + source_dir() + "/scripts/build-driftless-image.sh " +
                driftless_image + " && bash " + source_dir() + "/examples/sidecar/build-git-sync-image.sh " + git_sync_image, 300s);
    if (r.exit_code != 0) throw std::runtime_error("building the sidecar images failed: " + r.err);
    done = true;
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

std::string socket_group() {
    struct stat st {};
    REQUIRE(::stat("/var/run/docker.sock", &st) == 0);
    return std::to_string(st.st_gid);
}

// What the example's files read from the environment, for this run.
std::vector<std::string> example_env(const scenario& s, const git_repo& repo) {
    return {"GIT_REPO=" + repo.bare().string(), "DOCKER_GID=" + socket_group(), "DRIFTLESS_OWNER=" + s.owner(),
            std::string("DRIFTLESS_IMAGE=") + driftless_image, std::string("GIT_SYNC_IMAGE=") + git_sync_image,
            "GIT_SYNC_PERIOD=1s"};
}

std::string service(const std::string& name) {
    return "kind: Service\nname: " + name +
           "\nimage: driftless-test/busybox:1\npull: never\ncommand: [\"sleep\", \"3600\"]\nstop_grace_period: 1s\n";
}

// The same spec cut short in the middle of a line, as a commit made from a
// half-saved file would hold it.
std::string half_written(const std::string& name) {
    return "kind: Service\nname: " + name + "\nimage: [driftless-test/busy";
}

std::string health(const std::string& container) {
    return inspect("{{if .State.Health}}{{.State.Health.Status}}{{end}}", container);
}

// /api/v1/state of the driftless in `container`, asked from inside it.
std::string state_in(const std::string& container) {
    return sh("docker exec " + container + " driftless status --json").out;
}

}  // namespace

TEST_CASE("docker: sidecar example: git-sync and driftless containers under docker-compose") {
    ensure_docker();
    ensure_sidecar_images();
    REQUIRE_MESSAGE(sh("docker-compose version").exit_code == 0, "docker-compose is missing: scripts/install-deps.sh");
    scenario s("sc");
    git_repo repo(s.dir());
    repo.commit({{"README.md", "what runs on the line-3 hosts\n"}}, "start");
    auto env = example_env(s, repo);
    env.push_back("DRIFTLESS_STATUS_PORT=0");   // any free port on 127.0.0.1
    compose_project compose(source_dir() + "/examples/sidecar", "sidecar-" + s.owner(), env);

    auto up = compose("up -d");
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    const auto ctr = compose.container("driftless");
    REQUIRE(!ctr.empty());
    CHECK(wait_until([&] { return health(ctr) == "healthy"; }, 120s));
    CHECK(inspect("{{.Config.User}}", ctr) == "65532:65532");

    // The status port is published on the host's loopback only.
    const auto published = trimmed(compose("port driftless 9180").out);
    CHECK(published.rfind("127.0.0.1:", 0) == 0);
    CHECK(sh("curl -s --max-time 5 http://" + published + "/readyz").out == "ready\n");

    const auto web = s.name("web");
    repo.commit({{"web.yaml", service(web)}}, "add web");
    REQUIRE(wait_until([&] { return s.container_state(web) == "running"; }, 90s));
    CHECK(inspect("{{index .Config.Labels \"io.driftless.owner\"}}", web) == s.owner());
    const auto id = s.container_id(web);

    repo.commit({{"web.yaml", half_written(web)}}, "half-written web");
    const std::string where = "/git/current/web.yaml:3:";
    CHECK(wait_until([&] { return contains(state_in(ctr), where); }, 90s));
    auto state = nlohmann::json::parse(state_in(ctr), nullptr, false);
    REQUIRE(state.is_object());
    CHECK(state["ready"] == true);
    CHECK(state["source_errors"].size() == 1);
    // A pass has run since the error showed, and nothing was removed.
    CHECK(s.container_id(web) == id);
    CHECK(s.container_state(web) == "running");
    CHECK(s.owned_containers() == std::vector<std::string>{web});
}

TEST_CASE("swarm: sidecar example: driftless a service on a manager, git-sync global on managers") {
    ensure_engine("swarm");
    ensure_sidecar_images();
    scenario s("ss", "swarm");
    git_repo repo(s.dir());
    repo.commit({{"README.md", "what runs on the swarm\n"}}, "start");
    const std::string secret = s.owner() + "-key";
    auto env = example_env(s, repo);
    env.push_back("DRIFTLESS_KEY_SECRET=" + secret);
    by_hand key;
    key.cleanup.push_back("docker secret rm " + secret);
    // Declared after the secret's cleanup, so the stack goes first.
    swarm_stack stack("sidecar-" + s.owner(), env);
    REQUIRE(sh("head -c 32 /dev/urandom | docker secret create " + secret + " - >/dev/null").exit_code == 0);

    auto deploy = stack.deploy(source_dir() + "/examples/sidecar/stack.yaml");
    INFO(deploy.err);
    REQUIRE(deploy.exit_code == 0);
    std::string ctr;
    CHECK(wait_until([&] {
        const auto running = stack.containers("driftless");
        ctr = running.empty() ? "" : running.front();
        return !ctr.empty() && health(ctr) == "healthy";
    }, 180s));
    REQUIRE(!ctr.empty());
    CHECK(stack.containers("git-sync").size() == 1);   // one manager, one task

    const auto web = s.name("web");
    repo.commit({{"web.yaml", service(web)}}, "add web");
    REQUIRE(wait_until([&] { return s.workload_state(web) == "running"; }, 120s));
    CHECK(s.workload_label(web, "io.driftless.owner") == s.owner());
    const auto id = s.workload_id(web);

    repo.commit({{"web.yaml", half_written(web)}}, "half-written web");
    const std::string where = "/git/current/web.yaml:3:";
    CHECK(wait_until([&] { return contains(state_in(ctr), where); }, 90s));
    CHECK(s.workload_id(web) == id);
    CHECK(s.workload_state(web) == "running");
    CHECK(s.owned_workloads() == std::vector<std::string>{web});
}
