// build: against dockerd and podman: a compose project with two built
// services comes up; a changed source file rebuilds that image only and
// recreates that service only; a file .dockerignore leaves out rebuilds
// nothing; a Dockerfile whose RUN fails leaves the old container serving
// and names the failing step. Under run, an edit in a context is seen at
// once, in a folder made after start too.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "support/process.hpp"
#include "support/scenario.hpp"

using namespace driftless::testing;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

std::string dockerfile(const std::string& extra = {}) {
    return "FROM driftless-test/busybox:1\nCOPY index.txt /index.txt\n" + extra + "CMD [\"sleep\", \"3600\"]\n";
}

void built_project(const std::string& driver) {
    scenario s("bld", driver);
    const std::string project = "shop" + s.owner();
    s.write(project + "/compose.yaml", R"(services:
  ap:
    build: ./a
    stop_grace_period: 1s
  bp:
    build:
      context: ./b
      args: {GREETING: hello}
    stop_grace_period: 1s
)");
    s.write(project + "/a/Dockerfile", dockerfile());
    s.write(project + "/a/index.txt", "one\n");
    s.write(project + "/a/.dockerignore", "ignored.txt\n");
    s.write(project + "/a/ignored.txt", "x\n");
    s.write(project + "/b/Dockerfile", "FROM driftless-test/busybox:1\nARG GREETING\nRUN echo \"$GREETING\" > /greeting\n"
                                        "COPY index.txt /index.txt\nCMD [\"sleep\", \"3600\"]\n");
    s.write(project + "/b/index.txt", "b\n");
    const std::string a = project + "-ap-1", b = project + "-bp-1";

    auto apply = s.driftless({"apply"});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    CHECK(s.container_state(a) == "running");
    CHECK(s.container_state(b) == "running");
    CHECK(trimmed(s.exec_in(a, "cat /index.txt").out) == "one");
    CHECK(trimmed(s.exec_in(b, "cat /greeting").out) == "hello");
    // Tagged PROJECT-SERVICE, labelled with its build hash and owner.
    const auto image_a = trimmed(s.engine("image inspect -f '{{.Id}}' " + project + "-ap").out);
    const auto image_b = trimmed(s.engine("image inspect -f '{{.Id}}' " + project + "-bp").out);
    CHECK_FALSE(image_a.empty());
    CHECK(trimmed(s.engine("image inspect -f '{{index .Config.Labels \"io.driftless.owner\"}}' " + project + "-ap").out) ==
          s.owner());
    CHECK(trimmed(s.engine("image inspect -f '{{index .Config.Labels \"io.driftless.build-hash\"}}' " + project + "-ap").out)
              .size() == 64);
    const auto id_a = s.container_id(a), id_b = s.container_id(b);

    // Nothing changed: nothing is built or recreated.
    apply = s.driftless({"apply"});
    REQUIRE(apply.exit_code == 0);
    CHECK_FALSE(contains(apply.err, "building image"));
    CHECK(s.container_id(a) == id_a);

    // A file .dockerignore leaves out: nothing.
    s.write(project + "/a/ignored.txt", "changed\n");
    apply = s.driftless({"apply"});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    CHECK_FALSE(contains(apply.err, "building image"));
    CHECK(s.container_id(a) == id_a);
    CHECK(trimmed(s.engine("image inspect -f '{{.Id}}' " + project + "-ap").out) == image_a);

    // A source file of a: a rebuilt, a recreated, b untouched.
    s.write(project + "/a/index.txt", "two\n");
    apply = s.driftless({"apply"});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    CHECK(contains(apply.err, "building image " + project + "-ap"));
    CHECK_FALSE(contains(apply.err, "building image " + project + "-bp"));
    CHECK(s.container_id(a) != id_a);
    CHECK(s.container_id(b) == id_b);
    CHECK(trimmed(s.exec_in(a, "cat /index.txt").out) == "two");
    CHECK(trimmed(s.engine("image inspect -f '{{.Id}}' " + project + "-bp").out) == image_b);
    const auto id_a2 = s.container_id(a);

    // b's Dockerfile breaks: the old b serves on, the step is named.
    s.write(project + "/b/Dockerfile", dockerfile("RUN echo about to fail && exit 3\n"));
    apply = s.driftless({"apply"});
    INFO(apply.err);
    CHECK(apply.exit_code != 0);
    CHECK(contains(apply.err, "exit 3"));
    CHECK(contains(apply.err, "about to fail"));
    CHECK(s.container_id(b) == id_b);
    CHECK(s.container_state(b) == "running");
    CHECK(s.container_id(a) == id_a2);

    // The context goes: b is held with an error at its place, nothing removed.
    s.remove(project + "/b/Dockerfile");
    apply = s.driftless({"apply"});
    CHECK(apply.exit_code != 0);
    CHECK(contains(apply.err, "compose.yaml:"));
    CHECK(contains(apply.err, "no Dockerfile"));
    CHECK(s.container_id(b) == id_b);
}

}  // namespace

TEST_CASE("docker: build: built services come up, a changed source rebuilds its own image only, a failing RUN keeps the old container") {
    ensure_docker();
    built_project("docker");
}

// Under run, edits in a build context are seen through inotify: with a
// resync of 10 minutes, each change must show within two (a build on a
// loaded machine takes seconds; nothing else starts a pass meanwhile).
TEST_CASE("docker: build: under run, an edit in a build context rebuilds before the resync would have") {
    ensure_docker();
    scenario s("bldw", "docker");
    const std::string project = "live" + s.owner(), app = project + "-ap-1";
    s.write(project + "/compose.yaml", "services:\n  ap:\n    build: ./a\n    stop_grace_period: 1s\n");
    s.write(project + "/a/Dockerfile", "FROM driftless-test/busybox:1\nCOPY . /src\nCMD [\"sleep\", \"3600\"]\n");
    s.write(project + "/a/index.txt", "one\n");
    auto run = s.start_run({"--resync", "10m"});
    REQUIRE(run->running());
    const auto content = [&](const std::string& file) {
        return trimmed(s.exec_in(app, "cat /src/" + file + " 2>/dev/null").out);
    };
    REQUIRE(wait_until([&] { return content("index.txt") == "one"; }, 120s));
    const auto first = s.container_id(app);

    // A source file written in place (not a spec file: the folder source
    // does not wake for it).
    s.write_in_place(project + "/a/index.txt", "two\n");
    CHECK(wait_until([&] { return content("index.txt") == "two"; }, 120s));
    CHECK(s.container_id(app) != first);

    // A folder made after start, and a file edited in it.
    s.write(project + "/a/lib/deep/util.txt", "u1\n");
    CHECK(wait_until([&] { return content("lib/deep/util.txt") == "u1"; }, 120s));
    s.write_in_place(project + "/a/lib/deep/util.txt", "u2\n");
    CHECK(wait_until([&] { return content("lib/deep/util.txt") == "u2"; }, 120s));
    INFO(run->log());
    run->signal(SIGTERM);
    CHECK(run->wait(30s) == 0);
    run.reset();
    s.cleanup();
}

TEST_CASE("docker: build: under run, a git-sync swap to a checkout with a changed source rebuilds at once") {
    // The watched folder is a link re-pointed to the next checkout; the
    // compose file reads the same in both, the old checkout stays for a
    // while, and the resync is 10 minutes away: only the link's rename can
    // tell the build context changed.
    ensure_docker();
    scenario s("bldg", "docker");
    const auto root = s.dir() / "git";
    const std::string project = "sync" + s.owner(), app = project + "-ap-1";
    auto checkout = [&](const std::string& rev, const std::string& text) {
        const auto p = root / "worktrees" / rev / project;
        std::filesystem::create_directories(p / "a");
        std::ofstream(p / "compose.yaml") << "services:\n  ap:\n    build: ./a\n    stop_grace_period: 1s\n";
        std::ofstream(p / "a" / "Dockerfile") << "FROM driftless-test/busybox:1\nCOPY . /src\nCMD [\"sleep\", \"3600\"]\n";
        std::ofstream(p / "a" / "index.txt") << text;
    };
    auto point_current_at = [&](const std::string& rev) {
        std::filesystem::create_directory_symlink("worktrees/" + rev, root / "current.tmp");
        std::filesystem::rename(root / "current.tmp", root / "current");
    };
    checkout("r1", "one\n");
    point_current_at("r1");
    child run({binary(), "run", "-s", (root / "current").string(), "--owner", s.owner(), "--resync", "10m", "--listen",
               "127.0.0.1:0"}, {}, (s.dir() / "run.log").string());
    const auto content = [&] { return trimmed(s.exec_in(app, "cat /src/index.txt 2>/dev/null").out); };
    REQUIRE(wait_until([&] { return content() == "one"; }, 120s));
    const auto first = s.container_id(app);

    checkout("r2", "two\n");
    point_current_at("r2");
    CHECK(wait_until([&] { return content() == "two"; }, 120s));
    CHECK(s.container_id(app) != first);
    INFO(run.log());
    run.signal(SIGTERM);
    CHECK(run.wait(30s) == 0);
    s.cleanup();
}

TEST_CASE("podman: build: the same project builds and converges on podman") {
    ensure_engine("podman");
    built_project("podman");
}
