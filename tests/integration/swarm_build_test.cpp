// build: on swarm, against the single-node swarm of scripts/start-swarm.sh
// and Debian's docker-registry on 127.0.0.1: the manager's engine builds;
// an image that names a registry is pushed there and the service runs from
// the pushed digest (what another node would pull); an edited source file
// is rebuilt, pushed, and the service updated in place to the new digest.
// An image that names no registry runs by its tag on this one node.
#include <doctest/doctest.h>

#include "support/docker_driver_support.hpp"
#include "support/process.hpp"
#include "support/scenario.hpp"

using namespace driftless::testing;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A compose project whose one service, ap, is built from ./a (a file
// index.txt saying "one"), tagged `image` when it is not "".
void write_project(const scenario& s, const std::string& project, const std::string& image) {
    s.write(project + "/compose.yaml", "services:\n  ap:\n    build: ./a\n" +
                                           (image.empty() ? std::string() : "    image: " + image + "\n") +
                                           "    stop_grace_period: 1s\n");
    s.write(project + "/a/Dockerfile", "FROM driftless-test/busybox:1\nCOPY index.txt /index.txt\nCMD [\"sleep\", \"3600\"]\n");
    s.write(project + "/a/index.txt", "one\n");
}

// What the swarm service runs: Spec.TaskTemplate.ContainerSpec.Image.
std::string service_image(const std::string& service) {
    return trimmed(sh("docker service inspect -f '{{.Spec.TaskTemplate.ContainerSpec.Image}}' " + service).out);
}

// The one service the scenario owns.
std::string only_service(const scenario& s) {
    const auto services = s.owned_workloads();
    REQUIRE(services.size() == 1);
    return services.front();
}

}  // namespace

TEST_CASE("swarm: build: an image naming a registry is pushed there and runs from its digest; an edit rebuilds, pushes and updates it") {
    ensure_engine("swarm");
    local_registry reg(unique_id("swb"));   // outlives the scenario, whose service uses its images
    scenario s("swb", "swarm");
    const std::string project = "shop" + s.owner();
    const std::string repository = s.owner() + "-app";
    const std::string image = reg.address() + "/" + repository;
    write_project(s, project, image);

    auto apply = s.driftless({"apply"});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    const auto service = only_service(s);
    const std::string first = reg.digest(repository, "latest");
    REQUIRE(first.rfind("sha256:", 0) == 0);
    CHECK(service_image(service) == image + "@" + first);
    REQUIRE(wait_until([&] { return s.workload_state(service) == "running"; }, 90s));
    CHECK(trimmed(s.exec_in(service, "cat /index.txt").out) == "one");
    const auto id = s.workload_id(service);

    // Nothing changed: nothing built, pushed or updated.
    apply = s.driftless({"apply"});
    REQUIRE(apply.exit_code == 0);
    CHECK_FALSE(contains(apply.err, "building image"));
    CHECK(service_image(service) == image + "@" + first);

    // An edited source file: rebuilt, pushed, the same service updated.
    s.write(project + "/a/index.txt", "two\n");
    apply = s.driftless({"apply"});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    CHECK(contains(apply.err, "building image " + image));
    const std::string second = reg.digest(repository, "latest");
    REQUIRE(second.rfind("sha256:", 0) == 0);
    CHECK(second != first);
    CHECK(service_image(service) == image + "@" + second);
    CHECK(s.workload_id(service) == id);
    CHECK(wait_until([&] {
        return s.workload_state(service) == "running" && trimmed(s.exec_in(service, "cat /index.txt").out) == "two";
    }, 90s));
    CHECK(s.driftless({"plan"}).exit_code == 0);
}

TEST_CASE("swarm: build: on a swarm of one node, an image that names no registry runs by its tag") {
    ensure_engine("swarm");
    scenario s("swl", "swarm");
    const std::string project = "shop" + s.owner();
    write_project(s, project, "");
    auto apply = s.driftless({"apply"});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    const auto service = only_service(s);
    CHECK(service_image(service) == project + "-ap");
    CHECK(wait_until([&] { return s.workload_state(service) == "running"; }, 90s));
    CHECK(trimmed(s.exec_in(service, "cat /index.txt").out) == "one");
}
