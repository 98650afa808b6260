// --notify against dockerd: a webhook that hangs holds up no pass, and gets
// what happened meanwhile, in order, once it answers.
#include <doctest/doctest.h>

#include <csignal>

#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/scenario.hpp"
#include "tools/http_receiver.hpp"

using namespace driftless::testing;
using namespace std::chrono_literals;

namespace {

bool failing(const scenario& s, const std::string& name) {
    const auto state = nlohmann::json::parse(s.http_get("/api/v1/state").out, nullptr, false);
    if (!state.is_object() || !state.contains("objects")) return false;
    for (const auto& o : state["objects"])
        if (o.value("name", "") == name) return o.value("failing", false);
    return false;
}

}  // namespace

TEST_CASE("docker: a webhook that hangs holds up no pass; once it answers it gets the heal and the failure, in order") {
    ensure_docker();
    receiver hook;
    hook.hang = true;
    scenario s("hook");
    const auto web = s.name("web"), broken = s.name("broken");
    s.write("web.yaml", sleeper_yaml(web));
    // Only heals and failures go to this hook.
    auto run = s.start_run({"--notify", "http://127.0.0.1:" + std::to_string(hook.port) + "/hook#events=healed,failed"});
    REQUIRE(wait_until([&] { return s.container_state(web) == "running"; }, 60s));

    // Removed by hand while the hook hangs: put back all the same.
    const auto first = s.container_id(web);
    REQUIRE(s.engine("rm -f " + web).exit_code == 0);
    REQUIRE_MESSAGE(wait_until([&] {
        const auto id = s.container_id(web);
        return !id.empty() && id != first && s.container_state(web) == "running";
    }, 60s), run->log());
    REQUIRE_MESSAGE(wait_until([&] { return hook.requests >= 1; }, 30s), run->log());   // the hook was tried, and hangs

    // An image that is nowhere: failing, while the hook still hangs.
    s.write("broken.yaml", "kind: Service\nname: " + broken + "\nimage: driftless-test/nowhere:1\npull: never\n");
    REQUIRE_MESSAGE(wait_until([&] { return failing(s, broken); }, 60s), run->log());
    CHECK(hook.bodies().empty());

    // The hook answers again: both events arrive, in the order they happened.
    hook.hang = false;
    REQUIRE_MESSAGE(wait_until([&] { return hook.bodies().size() >= 2; }, 120s), run->log());
    const auto bodies = hook.bodies();
    INFO(nlohmann::json(bodies).dump());
    CHECK(bodies.size() == 2);
    const auto heal = nlohmann::json::parse(bodies[0]), failure = nlohmann::json::parse(bodies[1]);
    CHECK(heal.value("type", "") == "healed");
    CHECK(heal.value("name", "") == web);
    CHECK(failure.value("type", "") == "failed");
    CHECK(failure.value("name", "") == broken);
    CHECK(failure.value("id", 0) > heal.value("id", 0));
    run->signal(SIGTERM);
    CHECK(run->wait(30s) == 0);
}
