// Migrating from a running docker compose project (--adopt) against dockerd,
// with Debian's docker-compose (1.29, which names containers
// PROJECT_SERVICE_N): without --adopt nothing changes and the conflicts say
// what to do; with it compose's containers are replaced by driftless's, and
// the project's network and volume, with the volume's data, stay as they are.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

#include "support/process.hpp"
#include "support/scenario.hpp"

using namespace driftless::testing;
using namespace std::chrono_literals;

namespace {

// web depends on db; db keeps its data in the named volume. The shells end
// at once on SIGTERM, so neither compose nor driftless waits out a stop.
const char* compose_file = R"(services:
  web:
    image: driftless-test/busybox:1
    pull_policy: never
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
    stop_grace_period: 1s
    depends_on: [db]
  db:
    image: driftless-test/busybox:1
    pull_policy: never
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
    stop_grace_period: 1s
    volumes:
      - data:/data
volumes:
  data: {}
)";

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    std::sort(out.begin(), out.end());
    return out;
}

// `docker-compose -p PROJECT -f FILE ARGS`, as a person runs it.
struct compose_project {
    std::string name;
    std::string file;
    command_result run(const std::string& args) const {
        return sh("docker-compose -p " + name + " -f " + file + " " + args + " 2>&1", 180s);
    }
    // Brings the project down, volumes too, whatever the test did: driftless's
    // containers carry the project's labels and go with it.
    ~compose_project() { (void)run("down -v --remove-orphans -t 1"); }
};

}  // namespace

TEST_CASE("docker: --adopt takes over a project docker-compose brought up; its volume's data and its network stay") {
    ensure_docker();
    scenario s("ad");
    const std::string p = "adopt" + s.owner();   // the folder's name is the project's
    s.write(p + "/docker-compose.yml", compose_file);
    const compose_project compose{p, (s.dir() / p / "docker-compose.yml").string()};
    // Compose's own containers: those with its project label and no owner of driftless's.
    auto made_by_compose = [&] {
        std::vector<std::string> out;
        for (const auto& line : lines(s.engine("ps -a --filter label=com.docker.compose.project=" + p +
                                               " --format '{{.Names}}={{.Label \"io.driftless.owner\"}}'").out))
            if (line.back() == '=') out.push_back(line.substr(0, line.size() - 1));
        return out;
    };

    auto up = compose.run("up -d");
    INFO(up.out);
    REQUIRE(up.exit_code == 0);
    REQUIRE(made_by_compose() == std::vector<std::string>{p + "_db_1", p + "_web_1"});
    REQUIRE(s.engine("exec " + p + "_db_1 sh -c 'echo kept > /data/marker'").exit_code == 0);
    const std::string network = trimmed(s.engine("network inspect -f '{{.Id}}' " + p + "_default").out);
    REQUIRE_FALSE(network.empty());
    const std::string web = s.container_id(p + "_web_1"), db = s.container_id(p + "_db_1");

    SUBCASE("without --adopt: nothing changes, and each conflict names --adopt") {
        auto plain = s.driftless({"apply"});
        INFO(plain.err);
        CHECK(plain.exit_code == 1);
        CHECK(plain.err.find("container \"" + p + "_web_1\" was made by docker compose for project \"" + p +
                             "\" (service \"web\", replica 1); run with --adopt to take it over") != std::string::npos);
        CHECK(plain.err.find("network \"" + p + "_default\" was made by docker compose for project \"" + p +
                             "\"; run with --adopt to use it as it is") != std::string::npos);
        CHECK(plain.err.find("volume \"" + p + "_data\" was made by docker compose for project \"" + p +
                             "\"; run with --adopt to use it as it is") != std::string::npos);
        CHECK(s.owned_containers().empty());
        CHECK(s.container_id(p + "_web_1") == web);
        CHECK(s.container_id(p + "_db_1") == db);
        CHECK(s.container_state(p + "_web_1") == "running");
    }

    SUBCASE("plan --adopt shows the take-over; apply --adopt does it") {
        auto plan = s.driftless({"plan", "--adopt"});
        INFO(plan.out, plan.err);
        CHECK(plan.exit_code == 2);
        CHECK(plan.out.find("~ Service/" + p + "-db-1  (container \"" + p + "_db_1\" was made by docker compose") != std::string::npos);
        CHECK(plan.out.find("= Network/" + p + "_default  (network \"" + p + "_default\" was made by docker compose") != std::string::npos);
        CHECK(plan.out.find("= Volume/" + p + "_data  (") != std::string::npos);
        CHECK(plan.out.find("2 docker compose container(s) to take over") != std::string::npos);
        CHECK(s.owned_containers().empty());

        auto apply = s.driftless({"apply", "--adopt"});
        INFO(apply.err);
        REQUIRE(apply.exit_code == 0);
        CHECK(made_by_compose().empty());
        CHECK(s.container_id(p + "_web_1").empty());
        CHECK(s.owned_containers() == std::vector<std::string>{p + "-db-1", p + "-web-1"});
        CHECK(s.container_state(p + "-web-1") == "running");
        CHECK(s.container_state(p + "-db-1") == "running");
        // The volume's data, read from inside driftless's container; the same network.
        CHECK(s.engine("exec " + p + "-db-1 cat /data/marker").out == "kept\n");
        CHECK(trimmed(s.engine("network inspect -f '{{.Id}}' " + p + "_default").out) == network);
        CHECK(trimmed(s.engine("inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}' " + p + "-web-1").out) ==
              p + "_default");
        // Used, not taken: compose's network and volume carry no owner of driftless's.
        CHECK(trimmed(s.engine("volume inspect -f '{{index .Labels \"io.driftless.owner\"}}' " + p + "_data").out).empty());

        // Converged: a second pass changes nothing.
        const std::string ours = s.container_id(p + "-web-1");
        auto again = s.driftless({"apply", "--adopt"});
        INFO(again.err);
        CHECK(again.exit_code == 0);
        CHECK(s.container_id(p + "-web-1") == ours);
    }
    s.cleanup();
}

TEST_CASE("docker: --adopt takes over containers named as compose v2 names them, and nothing but the declared services'") {
    ensure_docker();
    scenario s("av");
    const std::string p = "adoptv" + s.owner();
    s.write(p + "/compose.yaml", R"(services:
  web:
    image: driftless-test/busybox:1
    pull_policy: never
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
    stop_grace_period: 1s
)");
    // What compose v2 would have made, by hand: the same name as driftless's,
    // a `compose run` one-off of the same service, and another project's web.
    auto made = [&](const std::string& name, const std::string& project, const std::string& oneoff) {
        return s.engine("run -d --name " + name + " --label com.docker.compose.project=" + project +
                        " --label com.docker.compose.service=web --label com.docker.compose.container-number=1" +
                        " --label com.docker.compose.oneoff=" + oneoff + " driftless-test/busybox:1 sleep 3600");
    };
    const std::string other = "other" + s.owner();
    struct removed_by_hand {
        const scenario& s;
        std::vector<std::string> names;
        ~removed_by_hand() { (void)s.engine("rm -f " + names[0] + " " + names[1] + " " + names[2]); }
    } gone{s, {p + "-web-1", p + "-web-run-0a1b", other + "-web-1"}};
    REQUIRE(made(p + "-web-1", p, "False").exit_code == 0);
    REQUIRE(made(p + "-web-run-0a1b", p, "True").exit_code == 0);
    REQUIRE(made(other + "-web-1", other, "False").exit_code == 0);
    const std::string one_off = s.container_id(p + "-web-run-0a1b"), elsewhere = s.container_id(other + "-web-1");
    const std::string compose_web = s.container_id(p + "-web-1");

    auto plain = s.driftless({"apply"});
    CHECK(plain.exit_code == 1);
    CHECK(plain.err.find("run with --adopt to take it over") != std::string::npos);
    CHECK(s.container_id(p + "-web-1") == compose_web);

    auto apply = s.driftless({"apply", "--adopt"});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    CHECK(s.owned_containers() == std::vector<std::string>{p + "-web-1"});
    CHECK(s.container_id(p + "-web-1") != compose_web);
    CHECK(s.container_state(p + "-web-1") == "running");
    // driftless made the project's network: compose had none here.
    CHECK(trimmed(s.engine("network inspect -f '{{index .Labels \"io.driftless.owner\"}}' " + p + "_default").out) == s.owner());
    CHECK(s.container_id(p + "-web-run-0a1b") == one_off);
    CHECK(s.container_id(other + "-web-1") == elsewhere);
    s.cleanup();
}
