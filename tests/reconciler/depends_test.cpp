// depends_on conditions in diff and the executor, step by step: each step
// is what the engine would list after the one before.
#include <doctest/doctest.h>

#include <utility>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "desired_state/compose_labels.hpp"
#include "memory_driver.hpp"
#include "reconciler/executor.hpp"
#include "reconciler/plan.hpp"

using namespace driftless;
using namespace driftless::reconciler;
using desired_state::kind;

namespace {

constexpr std::int64_t now = 1'800'000'000;

desired_state::desired_entry service_entry(const std::string& name, const std::string& hash,
                                           std::map<std::string, desired_state::dependency> conditions = {},
                                           std::vector<std::string> plain = {}) {
    desired_state::spec s;
    s.name = name;
    desired_state::service svc;
    svc.image = "busybox:1";
    for (const auto& [dep, c] : conditions) svc.depends_on.push_back(dep);
    for (auto& d : plain) svc.depends_on.push_back(d);
    std::sort(svc.depends_on.begin(), svc.depends_on.end());
    for (auto& [dep, c] : conditions)
        if (!(c == desired_state::dependency{})) svc.depends_on_conditions[dep] = c;
    s.body = svc;
    return {s, hash, name + ".yaml"};
}

desired_state::desired_entry one_shot_entry(const std::string& name, const std::string& hash,
                                            desired_state::restart_policy restart = desired_state::restart_policy::no) {
    auto e = service_entry(name, hash);
    std::get<desired_state::service>(e.spec.body).restart = restart;
    return e;
}

desired_state::dependency when(const std::string& condition, bool restart = false, bool required = true) {
    return {condition, restart, required};
}

drivers::actual_object container(const std::string& name, const std::string& hash, const std::string& state,
                                 const std::string& health = "", int exit_code = -1, std::int64_t created = now - 10) {
    drivers::actual_object a;
    a.kind = kind::service;
    a.name = name;
    a.id = "id-" + name;
    a.owner = "me";
    a.spec_hash = hash;
    a.state = state;
    a.running = state == "running";
    a.health = health;
    a.exit_code = exit_code;
    a.created = created;
    return a;
}

desired_state::snapshot snapshot_of(std::vector<desired_state::desired_entry> entries) {
    desired_state::snapshot s;
    for (auto& e : entries) s.resources[desired_state::key_of(e.spec)] = e;
    return s;
}

const action* find(const plan& p, const std::string& name) {
    for (const auto& a : p.actions)
        if (a.key.name == name) return &a;
    return nullptr;
}

diff_options at_now(std::chrono::seconds timeout = std::chrono::minutes(5)) {
    diff_options o;
    o.now = now;
    o.dependency_timeout = timeout;
    return o;
}

}  // namespace

TEST_CASE("depends_on service_healthy: the dependent is made only once its dependency reports healthy") {
    const auto desired = snapshot_of({service_entry("db", "h-db"), service_entry("app", "h-app", {{"db", when("service_healthy")}})});

    // Nothing yet: db is created, app waits (it is not made in this pass at all).
    auto p = diff(desired, {}, {}, at_now());
    REQUIRE(p.actions.size() == 2);
    CHECK(find(p, "db")->type == action_type::create);
    CHECK(find(p, "app")->type == action_type::wait);
    CHECK(find(p, "app")->reason == "waiting for db to be healthy");
    CHECK(find(p, "app")->failure.empty());

    // db runs, its healthcheck not passed yet.
    p = diff(desired, {container("db", "h-db", "running", "starting")}, {}, at_now());
    REQUIRE(p.actions.size() == 1);
    CHECK(find(p, "app")->type == action_type::wait);
    CHECK(find(p, "app")->reason == "waiting for db to be healthy");

    // Unhealthy for a while, still within the deadline: waiting, not failing.
    p = diff(desired, {container("db", "h-db", "running", "unhealthy", -1, now - 299)}, {}, at_now());
    CHECK(find(p, "app")->type == action_type::wait);
    CHECK(find(p, "app")->failure.empty());

    // Healthy: app is created.
    p = diff(desired, {container("db", "h-db", "running", "healthy")}, {}, at_now());
    REQUIRE(p.actions.size() == 1);
    CHECK(find(p, "app")->type == action_type::create);

    // Both up: converged. app stopped: started again only while db is healthy.
    p = diff(desired, {container("db", "h-db", "running", "healthy"), container("app", "h-app", "running")}, {}, at_now());
    CHECK(p.converged());
    p = diff(desired, {container("db", "h-db", "running", "starting"), container("app", "h-app", "exited", "", 1)}, {}, at_now());
    CHECK(find(p, "app")->type == action_type::wait);
    // A running app is not touched when db turns unhealthy later.
    p = diff(desired, {container("db", "h-db", "running", "unhealthy"), container("app", "h-app", "running")}, {}, at_now());
    CHECK(p.converged());
}

TEST_CASE("depends_on service_healthy: past the dependency timeout the dependent fails with the last health") {
    const auto desired = snapshot_of({service_entry("db", "h-db"), service_entry("app", "h-app", {{"db", when("service_healthy")}})});
    auto p = diff(desired, {container("db", "h-db", "running", "unhealthy", -1, now - 300)}, {}, at_now());
    REQUIRE(find(p, "app") != nullptr);
    CHECK(find(p, "app")->type == action_type::wait);
    CHECK(find(p, "app")->failure == "db did not turn healthy within 5m: last health \"unhealthy\"");
    CHECK(find(p, "app")->reason == find(p, "app")->failure);

    p = diff(desired, {container("db", "h-db", "running", "starting", -1, now - 90)}, {}, at_now(std::chrono::seconds(90)));
    CHECK(find(p, "app")->failure == "db did not turn healthy within 90s: last health \"starting\"");

    // A dependency being recreated in this plan has a new deadline: waiting.
    p = diff(desired, {container("db", "old", "running", "unhealthy", -1, now - 3600)}, {}, at_now());
    CHECK(find(p, "db")->type == action_type::update);
    CHECK(find(p, "app")->reason == "waiting for db to be healthy");
    CHECK(find(p, "app")->failure.empty());

    // Without a clock (now = 0) there is no deadline.
    p = diff(desired, {container("db", "h-db", "running", "unhealthy", -1, now - 3600)}, {});
    CHECK(find(p, "app")->failure.empty());
}

TEST_CASE("depends_on service_healthy: a running dependency without a healthcheck is a failure") {
    const auto desired = snapshot_of({service_entry("db", "h-db"), service_entry("app", "h-app", {{"db", when("service_healthy")}})});
    auto p = diff(desired, {container("db", "h-db", "running")}, {}, at_now());
    CHECK(find(p, "app")->type == action_type::wait);
    CHECK(find(p, "app")->failure ==
          "db has no healthcheck, so depends_on condition service_healthy cannot hold; give db a healthcheck or depend on it "
          "with service_started");

    // Its spec gives one the list does not show (podman's list says no health): waiting.
    auto checked = service_entry("db", "h-db");
    desired_state::healthcheck h;
    h.test = {"CMD", "true"};
    std::get<desired_state::service>(checked.spec.body).health = h;
    const auto desired_checked = snapshot_of({checked, service_entry("app", "h-app", {{"db", when("service_healthy")}})});
    p = diff(desired_checked, {container("db", "h-db", "running")}, {}, at_now());
    CHECK(find(p, "app")->type == action_type::wait);
    CHECK(find(p, "app")->reason == "waiting for db to be healthy");
    CHECK(find(p, "app")->failure.empty());
    p = diff(desired_checked, {container("db", "h-db", "running", "", -1, now - 400)}, {}, at_now());
    CHECK(find(p, "app")->failure == "db did not turn healthy within 5m: last health \"none\"");
}

TEST_CASE("depends_on service_completed_successfully: the one-shot runs once per spec hash") {
    const auto desired = snapshot_of({one_shot_entry("init", "h-init"),
                                      service_entry("app", "h-app", {{"init", when("service_completed_successfully")}})});
    auto p = diff(desired, {}, {}, at_now());
    REQUIRE(p.actions.size() == 2);
    CHECK(find(p, "init")->type == action_type::create);
    CHECK(find(p, "app")->type == action_type::wait);
    CHECK(find(p, "app")->reason == "waiting for init to complete successfully");

    p = diff(desired, {container("init", "h-init", "running")}, {}, at_now());
    REQUIRE(p.actions.size() == 1);
    CHECK(find(p, "app")->type == action_type::wait);

    // Exited 0: left exited (not started again), and app goes ahead.
    p = diff(desired, {container("init", "h-init", "exited", "", 0)}, {}, at_now());
    REQUIRE(p.actions.size() == 1);
    CHECK(find(p, "app")->type == action_type::create);

    // Pass after pass: nothing to do.
    p = diff(desired, {container("init", "h-init", "exited", "", 0), container("app", "h-app", "running")}, {}, at_now());
    CHECK(p.converged());

    // A new spec for init runs it again; app waits for that run.
    const auto changed = snapshot_of({one_shot_entry("init", "h-init-2"),
                                      service_entry("app", "h-app", {{"init", when("service_completed_successfully")}})});
    p = diff(changed, {container("init", "h-init", "exited", "", 0), container("app", "h-app", "exited", "", 0)}, {}, at_now());
    CHECK(find(p, "init")->type == action_type::update);
    CHECK(find(p, "app")->type == action_type::wait);
    CHECK(find(p, "app")->reason == "waiting for init to complete successfully");
}

TEST_CASE("depends_on service_completed_successfully: a non-zero exit fails the one-shot with its exit code") {
    const auto desired = snapshot_of({one_shot_entry("init", "h-init"),
                                      service_entry("app", "h-app", {{"init", when("service_completed_successfully")}})});
    auto p = diff(desired, {container("init", "h-init", "exited", "", 3)}, {}, at_now());
    REQUIRE(p.actions.size() == 2);
    CHECK(find(p, "init")->type == action_type::start);
    CHECK(find(p, "init")->failure == "exited with code 3 (a depends_on service_completed_successfully dependency)");
    CHECK(find(p, "init")->reason == "exited with code 3 (a depends_on service_completed_successfully dependency); run again");
    CHECK(find(p, "app")->type == action_type::wait);
    CHECK(find(p, "app")->reason == "waiting for init to complete successfully (it exited with code 3)");
    CHECK(find(p, "app")->failure.empty());
}

TEST_CASE("depends_on: a stopped container nothing waits on to complete is still started again") {
    const auto desired = snapshot_of({one_shot_entry("init", "h-init"), service_entry("app", "h-app", {}, {"init"})});
    auto p = diff(desired, {container("init", "h-init", "exited", "", 0), container("app", "h-app", "running")}, {}, at_now());
    REQUIRE(p.actions.size() == 1);
    CHECK(find(p, "init")->type == action_type::start);
    CHECK(find(p, "init")->failure.empty());
}

TEST_CASE("depends_on service_completed_successfully: a dependency that restarts by itself is a spec error") {
    const auto desired = snapshot_of({one_shot_entry("init", "h-init", desired_state::restart_policy::unless_stopped),
                                      service_entry("app", "h-app", {{"init", when("service_completed_successfully")}})});
    const std::string message =
        "depends_on init: condition service_completed_successfully needs init's restart to be \"no\" or \"on-failure\" (it is "
        "\"unless-stopped\": it would never stay completed); change init's restart";
    // Reported even while app runs and needs nothing.
    auto p = diff(desired, {container("init", "h-init", "exited", "", 0), container("app", "h-app", "running")}, {}, at_now());
    REQUIRE(find(p, "app") != nullptr);
    CHECK(find(p, "app")->type == action_type::wait);
    CHECK(find(p, "app")->failure == message);
    p = diff(desired, {}, {}, at_now());
    CHECK(find(p, "app")->failure == message);
}

TEST_CASE("depends_on restart: true recreates the running dependent with its dependency") {
    const auto desired = snapshot_of({service_entry("db", "h-db"), service_entry("app", "h-app", {{"db", when("service_started", true)}}),
                                      service_entry("plain", "h-plain", {}, {"db"})});
    // db recreated in this plan: app after it; a plain dependent is left alone.
    auto p = diff(desired, {container("db", "old", "running", "", -1, now - 100), container("app", "h-app", "running", "", -1, now - 50),
                            container("plain", "h-plain", "running", "", -1, now - 50)},
                  {}, at_now());
    REQUIRE(p.actions.size() == 2);
    CHECK(find(p, "db")->type == action_type::update);
    REQUIRE(find(p, "app") != nullptr);
    CHECK(find(p, "app")->type == action_type::update);
    CHECK(find(p, "app")->reason == "restarted: db is recreated (depends_on restart: true)");
    const auto db_index = static_cast<std::size_t>(find(p, "db") - p.actions.data());
    CHECK(find(p, "app")->after == std::vector<std::size_t>{db_index});

    // db recreated in an earlier pass (younger than app): app now.
    p = diff(desired, {container("db", "h-db", "running", "", -1, now - 10), container("app", "h-app", "running", "", -1, now - 50),
                       container("plain", "h-plain", "running", "", -1, now - 50)},
             {}, at_now());
    REQUIRE(p.actions.size() == 1);
    CHECK(find(p, "app")->reason == "restarted: db was recreated after it (depends_on restart: true)");

    // app recreated since: converged.
    p = diff(desired, {container("db", "h-db", "running", "", -1, now - 10), container("app", "h-app", "running", "", -1, now - 5),
                       container("plain", "h-plain", "running", "", -1, now - 50)},
             {}, at_now());
    CHECK(p.converged());
}

TEST_CASE("depends_on restart: true with service_healthy waits for the recreated dependency to be healthy") {
    const auto desired = snapshot_of({service_entry("db", "h-db"), service_entry("app", "h-app", {{"db", when("service_healthy", true)}})});
    auto p = diff(desired, {container("db", "old", "running", "healthy", -1, now - 100), container("app", "h-app", "running", "", -1, now - 50)},
                  {}, at_now());
    CHECK(find(p, "db")->type == action_type::update);
    CHECK(find(p, "app")->type == action_type::wait);
    CHECK(find(p, "app")->reason == "waiting for db to be healthy");
    p = diff(desired, {container("db", "h-db", "running", "starting", -1, now - 2), container("app", "h-app", "running", "", -1, now - 50)},
             {}, at_now());
    CHECK(find(p, "app")->type == action_type::wait);
    p = diff(desired, {container("db", "h-db", "running", "healthy", -1, now - 2), container("app", "h-app", "running", "", -1, now - 50)},
             {}, at_now());
    CHECK(find(p, "app")->type == action_type::update);
}

TEST_CASE("depends_on required: false does not hold the dependent on an undeclared dependency") {
    auto p = diff(snapshot_of({service_entry("app", "h-app", {{"ghost", when("service_healthy", false, false)}})}), {}, {}, at_now());
    CHECK(find(p, "app")->type == action_type::create);
    // Required, in the long form: held.
    p = diff(snapshot_of({service_entry("app", "h-app", {{"ghost", when("service_healthy")}})}), {}, {}, at_now());
    CHECK(find(p, "app")->type == action_type::wait);
    CHECK(find(p, "app")->reason == "waiting for ghost to be declared (a required dependency)");
    // The plain list keeps not holding.
    p = diff(snapshot_of({service_entry("app", "h-app", {}, {"ghost"})}), {}, {}, at_now());
    CHECK(find(p, "app")->type == action_type::create);
}

TEST_CASE("depends_on: a dependent of a waiting Service waits too") {
    const auto desired = snapshot_of({service_entry("db", "h-db"), service_entry("api", "h-api", {{"db", when("service_healthy")}}),
                                      service_entry("web", "h-web", {}, {"api"})});
    auto p = diff(desired, {container("db", "h-db", "running", "starting")}, {}, at_now());
    CHECK(find(p, "api")->type == action_type::wait);
    CHECK(find(p, "web")->type == action_type::create);
    const auto api_index = static_cast<std::size_t>(find(p, "api") - p.actions.data());
    CHECK(find(p, "web")->after == std::vector<std::size_t>{api_index});
}

namespace {

execution_report run(const plan& p, testing::memory_driver& d, backoff& b) {
    boost::asio::io_context io;
    execution_report out;
    boost::asio::co_spawn(io, execute(p, d, b, 4), [&](std::exception_ptr e, execution_report r) {
        REQUIRE_FALSE(e);
        out = std::move(r);
    });
    io.run();
    return out;
}

}  // namespace

TEST_CASE("executor: a wait is skipped with its reason; past its deadline it fails and backs off") {
    const auto desired = snapshot_of({service_entry("db", "h-db"), service_entry("app", "h-app", {{"db", when("service_healthy")}}),
                                      service_entry("web", "h-web", {}, {"app"})});
    testing::memory_driver d;
    backoff b([] { return 1.0; });
    auto p = diff(desired, {container("db", "h-db", "running", "starting")}, {}, at_now());
    auto r = run(p, d, b);
    const auto app = static_cast<std::size_t>(find(p, "app") - p.actions.data());
    const auto web = static_cast<std::size_t>(find(p, "web") - p.actions.data());
    CHECK(r.results[app].result == outcome::skipped);
    CHECK(r.results[app].message == "waiting for db to be healthy");
    CHECK(r.results[web].result == outcome::skipped);
    CHECK(r.results[web].message == "waiting for Service/app");
    CHECK(d.calls.empty());
    CHECK(b.find({kind::service, "app"}) == nullptr);

    p = diff(desired, {container("db", "h-db", "running", "unhealthy", -1, now - 600)}, {}, at_now());
    r = run(p, d, b);
    CHECK(r.results[app].result == outcome::failed);
    CHECK(r.results[app].code == "dependency");
    CHECK(r.results[app].message == "db did not turn healthy within 5m: last health \"unhealthy\"");
    REQUIRE(b.find({kind::service, "app"}) != nullptr);
    CHECK(b.find({kind::service, "app"})->last_error == "db did not turn healthy within 5m: last health \"unhealthy\"");
    CHECK(d.calls.empty());
}

TEST_CASE("executor: a one-shot that exited non-zero is run again and reported failing with its exit code") {
    const auto desired = snapshot_of({one_shot_entry("init", "h-init"),
                                      service_entry("app", "h-app", {{"init", when("service_completed_successfully")}})});
    testing::memory_driver d;
    d.objects[{kind::service, "init"}] = container("init", "h-init", "exited", "", 3);
    backoff b([] { return 1.0; });
    auto p = diff(desired, {container("init", "h-init", "exited", "", 3)}, {}, at_now());
    auto r = run(p, d, b);
    const auto init = static_cast<std::size_t>(find(p, "init") - p.actions.data());
    CHECK(d.calls == std::vector<std::string>{"start init"});
    CHECK(r.results[init].result == outcome::failed);
    CHECK(r.results[init].message == "exited with code 3 (a depends_on service_completed_successfully dependency)");
    REQUIRE(b.find({kind::service, "init"}) != nullptr);
    // Backing off: the next pass does not start it again yet.
    d.calls.clear();
    r = run(p, d, b);
    CHECK(d.calls.empty());
    CHECK(r.results[init].message == "backing off after: exited with code 3 (a depends_on service_completed_successfully dependency)");
}

namespace {

drivers::actual_object in_role(drivers::actual_object a, drivers::rollout_role role) {
    a.role = role;
    a.rollout.inspected = true;
    a.rollout.started_at_ms = now * 1000 - 1000;
    return a;
}

diff_options with_rollouts() {
    auto o = at_now();
    o.rollouts = true;
    o.now_ms = now * 1000;
    return o;
}

desired_state::desired_entry in_project(desired_state::desired_entry e, const std::string& project,
                                        std::vector<std::string> after = {}) {
    e.spec.labels[desired_state::compose_labels::project] = project;
    std::get<desired_state::service>(e.spec.body).after_projects = std::move(after);
    return e;
}

}  // namespace

TEST_CASE("dependency waves: a dependent's update waits while its dependency rolls out, and not after a roll back") {
    const auto desired = snapshot_of({service_entry("db", "db2"), service_entry("app", "app2", {{"db", when("service_healthy")}})});
    const auto app = container("app", "app1", "running");

    // db's update begins: app's update waits for it.
    auto p = diff(desired, {container("db", "db1", "running", "healthy"), app}, {}, with_rollouts());
    REQUIRE(find(p, "db"));
    CHECK(find(p, "db")->type == action_type::update);
    CHECK(find(p, "db")->in_rollout);
    CHECK(find(p, "app")->type == action_type::wait);
    CHECK(find(p, "app")->reason == "waiting for db to be healthy");

    // db's candidate under watch: app still waits.
    const auto next = in_role(container("db", "db2", "running", "starting"), drivers::rollout_role::next);
    p = diff(desired, {container("db", "db1", "running", "healthy"), next, app}, {}, with_rollouts());
    CHECK(find(p, "db")->observed == "rolling_out");
    CHECK(find(p, "app")->type == action_type::wait);

    // db's update rolled back: app is not updated, whatever the condition.
    auto failed = in_role(container("db", "db2", "exited", "", 1), drivers::rollout_role::failed);
    for (const auto& c : {when("service_healthy"), when("service_started")}) {
        const auto d = snapshot_of({service_entry("db", "db2"), service_entry("app", "app2", {{"db", c}})});
        p = diff(d, {container("db", "db1", "running", "healthy"), failed, app}, {}, with_rollouts());
        CHECK(find(p, "db")->type == action_type::rolled_back);
        REQUIRE(find(p, "app"));
        CHECK(find(p, "app")->type == action_type::wait);
        CHECK(find(p, "app")->reason == "not updated: the update of db, which it depends on, was rolled back");
        CHECK(find(p, "app")->failure.empty());
    }

    // db updated and healthy: app's update goes ahead.
    p = diff(desired, {container("db", "db2", "running", "healthy"), app}, {}, with_rollouts());
    CHECK(find(p, "app")->type == action_type::update);
}

TEST_CASE("dependency waves: x-driftless.depends_on orders compose projects") {
    const auto desired = snapshot_of({in_project(service_entry("infra-db", "db1"), "infra"),
                                      in_project(service_entry("infra-mq", "mq1"), "infra"),
                                      in_project(service_entry("shop-web", "web1"), "shop", {"infra"})});
    // Nothing runs: infra is made, shop waits.
    auto p = diff(desired, {}, {}, at_now());
    CHECK(find(p, "infra-db")->type == action_type::create);
    CHECK(find(p, "shop-web")->type == action_type::wait);
    CHECK(find(p, "shop-web")->reason == "waiting for project infra: infra-db is being made");

    // One of infra's services not healthy yet.
    p = diff(desired, {container("infra-db", "db1", "running", "starting"), container("infra-mq", "mq1", "running")}, {},
             at_now());
    CHECK(find(p, "shop-web")->reason == "waiting for project infra: infra-db is not healthy yet (starting)");

    // All of infra up (health where reported): shop is made.
    p = diff(desired, {container("infra-db", "db1", "running", "healthy"), container("infra-mq", "mq1", "running")}, {},
             at_now());
    REQUIRE(p.actions.size() == 1);
    CHECK(find(p, "shop-web")->type == action_type::create);

    // A project not declared (yet): waits, says so.
    const auto alone = snapshot_of({in_project(service_entry("shop-web", "web1"), "shop", {"infra"})});
    p = diff(alone, {}, {}, at_now());
    CHECK(find(p, "shop-web")->reason == "waiting for project infra to be declared (x-driftless.depends_on)");
}
