// The loop's passes against the in-memory driver: status, guards, engine loss.
#include <doctest/doctest.h>

#include <utility>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "memory_driver.hpp"
#include "reconciler/loop.hpp"

using namespace driftless;
using namespace driftless::reconciler;
namespace asio = boost::asio;

namespace {

desired_state::spec svc(const std::string& name) {
    desired_state::spec s;
    s.name = name;
    desired_state::service body;
    body.image = "busybox:1";
    s.body = body;
    return s;
}

pass_result one_pass(loop& l, bool dry_run = false) {
    asio::io_context io;
    pass_result out;
    asio::co_spawn(io, l.pass(dry_run), [&](std::exception_ptr e, pass_result r) {
        REQUIRE_FALSE(e);
        out = std::move(r);
    });
    io.run();
    return out;
}

}  // namespace

TEST_CASE("loop: a pass converges, the next is a no-op with one list call") {
    asio::io_context io;
    testing::memory_driver d;
    desired_state::store store;
    (void)store.put_specs("a.yaml", {svc("web"), svc("db")});
    loop l(io.get_executor(), d, store, {});

    auto first = one_pass(l);
    CHECK(first.engine_ok);
    CHECK(first.plan.count(action_type::create) == 2);
    CHECK(first.all_succeeded());
    CHECK(l.status().ready);
    CHECK(l.status().desired == 2);
    CHECK(l.status().metrics.actions.at({"create", "succeeded"}) == 2);

    d.calls.clear();
    auto second = one_pass(l);
    CHECK(second.plan.actions.empty());
    CHECK(d.calls == std::vector<std::string>{"list"});
    CHECK(l.status().managed == 2);
    CHECK(l.status().drifted == 0);
}

TEST_CASE("loop: a dry run changes nothing") {
    asio::io_context io;
    testing::memory_driver d;
    desired_state::store store;
    (void)store.put_specs("a.yaml", {svc("web")});
    loop l(io.get_executor(), d, store, {});
    auto r = one_pass(l, true);
    CHECK(r.plan.count(action_type::create) == 1);
    CHECK(d.objects.empty());
}

TEST_CASE("loop: an unreachable engine is a state: reported, nothing changed") {
    asio::io_context io;
    testing::memory_driver d;
    d.unreachable = true;
    desired_state::store store;
    (void)store.put_specs("a.yaml", {svc("web")});
    loop l(io.get_executor(), d, store, {});
    auto r = one_pass(l);
    CHECK_FALSE(r.engine_ok);
    CHECK(r.error == "cannot connect to the engine");
    CHECK(l.status().engine_error == "cannot connect to the engine");
    CHECK(l.status().metrics.passes_failed == 1);
    d.unreachable = false;
    auto again = one_pass(l);
    CHECK(again.engine_ok);
    CHECK(l.status().engine_error.empty());
    CHECK(d.objects.size() == 1);
}

TEST_CASE("loop: a failing object is reported and backs off; the others converge") {
    asio::io_context io;
    testing::memory_driver d;
    d.fail_names = {"bad"};
    desired_state::store store;
    (void)store.put_specs("a.yaml", {svc("good"), svc("bad")});
    loop l(io.get_executor(), d, store, {});
    auto r = one_pass(l);
    CHECK(d.objects.count({desired_state::kind::service, "good"}) == 1);
    const auto& bad = l.status().objects.at({desired_state::kind::service, "bad"});
    CHECK(bad.failing);
    CHECK(bad.error == "create bad refused");
    CHECK(bad.backoff_ms > 0);
    CHECK(l.status().failing == 1);
}

TEST_CASE("loop: status changes are announced once per change") {
    asio::io_context io;
    testing::memory_driver d;
    desired_state::store store;
    (void)store.put_specs("a.yaml", {svc("web")});
    loop l(io.get_executor(), d, store, {});
    std::vector<std::string> announced;
    l.on_status_change = [&](const loop_status&, const std::vector<desired_state::resource_key>& keys) {
        for (const auto& k : keys) announced.push_back(k.to_string());
    };
    (void)one_pass(l);
    CHECK(announced == std::vector<std::string>{"Service/web"});
    announced.clear();
    (void)one_pass(l);   // created -> now observed running: changes once more
    (void)one_pass(l);
    CHECK(announced.size() <= 1);
    store.erase("a.yaml");
    announced.clear();
    diff_options allow;
    (void)one_pass(l);   // empty guard holds the removal: the object stays
    CHECK(d.objects.size() == 1);
}

TEST_CASE("loop: a swarm service whose tasks cannot run counts as failing, with Swarm's reason") {
    asio::io_context io;
    testing::memory_driver d;
    desired_state::store store;
    (void)store.put_specs("a.yaml", {svc("web")});
    loop l(io.get_executor(), d, store, {});
    (void)one_pass(l);
    auto& web = d.objects.at({desired_state::kind::service, "web"});
    web.running = false;
    web.self_healing = true;
    web.state = "0/1 tasks running";
    web.task_error = "pending: no suitable node";
    d.calls.clear();
    auto r = one_pass(l);
    CHECK(d.calls == std::vector<std::string>{"list"});
    CHECK(l.status().failing == 1);
    CHECK(l.status().objects.at({desired_state::kind::service, "web"}).error ==
          "not converged (0/1 tasks running): pending: no suitable node");
}

TEST_CASE("loop: a pull: always container follows its tag; the registry is asked once per resync") {
    asio::io_context io;
    testing::memory_driver d;
    d.registry["busybox:1"] = "sha256:aaa";
    desired_state::store store;
    auto web = svc("web");
    std::get<desired_state::service>(web.body).pull = desired_state::pull_policy::always;
    (void)store.put_specs("a.yaml", {web, svc("db")});
    loop_options o;
    o.resync = std::chrono::hours(1);
    loop l(io.get_executor(), d, store, o);

    REQUIRE(one_pass(l).all_succeeded());
    CHECK(d.objects.at({desired_state::kind::service, "web"}).image_digest == "sha256:aaa");
    CHECK(d.objects.at({desired_state::kind::service, "db"}).image_digest.empty());

    // Within the resync period the registry is not asked again, even when the tag moved.
    d.registry["busybox:1"] = "sha256:bbb";
    d.calls.clear();
    CHECK(one_pass(l).plan.actions.empty());
    CHECK(d.calls == std::vector<std::string>{"list"});

    SUBCASE("once the period is over: asked once, and the container is recreated from the new digest") {
        loop l2(io.get_executor(), d, store, o);   // a fresh loop asks on its first pass
        d.calls.clear();
        auto r = one_pass(l2);
        CHECK(d.calls == std::vector<std::string>{"list", "registry busybox:1", "update web"});
        REQUIRE(r.plan.actions.size() == 1);
        CHECK(r.plan.actions[0].reason == "image busybox:1 is now sha256:bbb in its registry (made from sha256:aaa)");
        CHECK(d.objects.at({desired_state::kind::service, "web"}).image_digest == "sha256:bbb");
        d.calls.clear();
        CHECK(one_pass(l2).plan.actions.empty());
    }
    SUBCASE("a registry that does not answer changes nothing") {
        d.registry.clear();
        loop l2(io.get_executor(), d, store, o);
        d.calls.clear();
        auto r = one_pass(l2);
        CHECK(d.calls == std::vector<std::string>{"list", "registry busybox:1"});
        CHECK(r.plan.actions.empty());
        CHECK(d.objects.size() == 2);
    }
}

TEST_CASE("loop: an object gone cuts short a debounce already under way") {
    asio::io_context io;
    testing::memory_driver d;
    desired_state::store store;
    (void)store.put_specs("a.yaml", {svc("web")});
    loop_options o;
    o.debounce = std::chrono::hours(1);   // a debounced pass would not come within the test
    o.resync = std::chrono::hours(1);
    loop l(io.get_executor(), d, store, o);
    bool ended = false;
    asio::co_spawn(io, l.run(), [&](std::exception_ptr) { ended = true; });
    const auto passes = [&] { return l.status().metrics.passes; };
    const auto run_until = [&](auto condition) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (!condition() && std::chrono::steady_clock::now() < deadline) io.run_one_for(std::chrono::milliseconds(50));
        return condition();
    };

    l.trigger("start", false);
    REQUIRE(run_until([&] { return passes() == 1; }));
    l.trigger("engine event");                       // waits out the debounce...
    io.poll();
    CHECK(passes() == 1);
    d.objects.clear();                               // ...then the container goes
    l.trigger("engine event: an object is gone", false);
    CHECK(run_until([&] { return passes() == 2; }));
    CHECK(d.objects.size() == 1);

    l.stop();
    CHECK(run_until([&] { return ended; }));
}

TEST_CASE("loop: with --adopt a pass takes docker compose's container over; without, it is a conflict and nothing changes") {
    asio::io_context io;
    testing::memory_driver d;
    desired_state::store store;
    auto web = svc("shop-web-1");
    web.labels = {{"com.docker.compose.project", "shop"}, {"com.docker.compose.service", "web"},
                  {"com.docker.compose.container-number", "1"}};
    (void)store.put_specs("shop/compose.yaml", {web});
    drivers::actual_object made;
    made.name = "shop_web_1";
    made.id = "c0ffee";
    made.state = "running";
    made.compose = {"shop", "web", "1", "False", ""};
    d.compose_made.push_back(made);

    loop plain(io.get_executor(), d, store, {});
    auto held = one_pass(plain);
    CHECK(held.plan.count(action_type::conflict) == 1);
    CHECK_FALSE(held.all_succeeded());
    CHECK(d.objects.empty());
    CHECK(d.compose_made.size() == 1);
    CHECK(plain.status().objects.at({desired_state::kind::service, "shop-web-1"}).error ==
          "container \"shop_web_1\" was made by docker compose for project \"shop\" (service \"web\", replica 1); run with "
          "--adopt to take it over");

    loop_options options;
    options.diff.adopt = true;
    loop adopting(io.get_executor(), d, store, options);
    d.calls.clear();
    auto first = one_pass(adopting);
    CHECK(first.all_succeeded());
    CHECK(d.calls == std::vector<std::string>{"list", "find_unowned", "find_compose_containers", "adopt shop_web_1"});
    CHECK(d.compose_made.empty());
    CHECK(d.objects.count({desired_state::kind::service, "shop-web-1"}) == 1);

    // Owned now: the next pass looks for nothing more.
    d.calls.clear();
    auto second = one_pass(adopting);
    CHECK(second.plan.converged());
    CHECK(d.calls == std::vector<std::string>{"list"});
}
