// Compose secrets and configs against the real engines: the values reach
// the containers and nothing else (labels, plan, the state API, the log); a
// changed secret rolls out.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/scenario.hpp"

using namespace driftless::testing;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

constexpr const char* secret_project = R"(services:
  app:
    image: driftless-test/busybox:1
    pull_policy: never
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    secrets:
      - db_password
      - source: api_key
        target: api
        mode: 0400
    configs:
      - source: app_conf
        target: /etc/app.conf
secrets:
  db_password:
    file: ./db_password.txt
  api_key:
    environment: API_KEY
configs:
  app_conf:
    content: "level=${LEVEL}"
)";

}  // namespace

TEST_CASE("docker: compose secrets and configs reach the container, and only the container") {
    ensure_docker();
    scenario s("sec");
    const std::string p = "sec" + s.owner(), app = p + "-app-1";
    const std::string password = "pw-" + s.owner() + "-one", key = "key-" + s.owner();
    s.write(p + "/compose.yaml", secret_project);
    s.write(p + "/db_password.txt", password);
    s.write(p + "/.env", "API_KEY=" + key + "\nLEVEL=debug\n");

    auto plan = s.driftless({"plan"});
    CHECK_FALSE(contains(plan.out + plan.err, password));
    CHECK_FALSE(contains(plan.out + plan.err, key));
    auto apply = s.driftless({"apply"});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    CHECK_FALSE(contains(apply.out + apply.err, password));
    CHECK(s.driftless({"plan"}).exit_code == 0);   // converged: the copied files and binds move nothing
    CHECK(s.engine("exec " + app + " cat /run/secrets/db_password").out == password);
    CHECK(s.engine("exec " + app + " cat /run/secrets/api").out == key);
    CHECK(s.engine("exec " + app + " stat -c %a /run/secrets/api").out == "400\n");
    CHECK(s.engine("exec " + app + " cat /etc/app.conf").out == "level=debug");
    // The file-backed one is read-only inside.
    CHECK(s.engine("exec " + app + " sh -c 'echo x > /run/secrets/db_password'").exit_code != 0);
    const auto labels = s.engine("inspect -f '{{json .Config.Labels}}' " + app).out;
    CHECK(contains(labels, "io.driftless.spec"));
    CHECK_FALSE(contains(labels, password));
    CHECK_FALSE(contains(labels, key));

    // Under run: the state API and the log never hold a value; a changed
    // secret file replaces the container with one that sees the new value.
    auto run = s.start_run();
    const auto state = s.http_get("/api/v1/state").out;
    INFO(state);
    CHECK(contains(state, app));
    CHECK_FALSE(contains(state, password));
    CHECK_FALSE(contains(state, key));
    const std::string before = s.container_id(app);
    s.write(p + "/db_password.txt", password + "-two");
    CHECK(wait_until([&] { return s.engine("exec " + app + " cat /run/secrets/db_password").out == password + "-two"; }, 60s));
    CHECK(s.container_id(app) != before);
    CHECK_FALSE(contains(s.http_get("/api/v1/state").out, password));
    CHECK_FALSE(contains(run->log(), password));
    CHECK_FALSE(contains(run->log(), key));
    run.reset();
    s.cleanup();
}

TEST_CASE("swarm: compose secrets become swarm secrets named by content; a changed file rolls to a new one") {
    ensure_engine("swarm");
    scenario s("ssec", "swarm");
    const std::string p = "ssec" + s.owner(), svc = p + "_app";
    const std::string password = "pw-" + s.owner();
    s.write(p + "/compose.yaml", R"(services:
  app:
    image: driftless-test/busybox:1
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    secrets: [db_password]
secrets:
  db_password:
    file: ./db_password.txt
)");
    s.write(p + "/db_password.txt", password);
    auto secret_names = [&] {
        return sh("docker secret ls --filter label=io.driftless.owner=" + s.owner() + " --format '{{.Name}}'").out;
    };
    auto apply = s.driftless({"apply"});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    const std::string first = secret_names();
    CHECK(first.rfind(p + "_db_password-", 0) == 0);
    REQUIRE(wait_until([&] { return s.exec_in(svc, "cat /run/secrets/db_password").out == password; }, 90s));
    CHECK_FALSE(contains(sh("docker service inspect " + svc).out, password));
    CHECK(s.driftless({"plan"}).exit_code == 0);

    s.write(p + "/db_password.txt", password + "-two");
    apply = s.driftless({"apply"});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    const std::string second = secret_names();
    CHECK(second.rfind(p + "_db_password-", 0) == 0);
    CHECK(second != first);   // a new name; the old one is gone
    CHECK(std::count(second.begin(), second.end(), '\n') == 1);
    CHECK(wait_until([&] { return s.exec_in(svc, "cat /run/secrets/db_password").out == password + "-two"; }, 90s));

    s.remove(p + "/compose.yaml");
    apply = s.driftless({"apply", "--allow-empty", "--allow-mass-prune"});
    INFO(apply.err);
    CHECK(apply.exit_code == 0);
    CHECK(wait_until([&] { return secret_names().empty(); }, 60s));
    s.cleanup();
}
