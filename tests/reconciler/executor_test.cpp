// The executor: bounded parallelism, ordering, skips and backoff.
#include <doctest/doctest.h>

#include <utility>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "memory_driver.hpp"
#include "reconciler/executor.hpp"

using namespace driftless;
using namespace driftless::reconciler;
namespace asio = boost::asio;

namespace {

action create_action(const std::string& name, std::vector<std::size_t> after = {}) {
    desired_state::spec s;
    s.name = name;
    s.body = desired_state::service{};
    action a;
    a.type = action_type::create;
    a.key = desired_state::key_of(s);
    a.want = desired_state::desired_entry{s, "h-" + name, name + ".yaml"};
    a.after = std::move(after);
    return a;
}

execution_report run(const plan& p, testing::memory_driver& d, backoff& b, std::size_t parallel) {
    asio::io_context io;
    execution_report out;
    asio::co_spawn(io, execute(p, d, b, parallel), [&](std::exception_ptr e, execution_report r) {
        REQUIRE_FALSE(e);
        out = std::move(r);
    });
    io.run();
    return out;
}

}  // namespace

TEST_CASE("executor: runs everything, never more than `parallel` at once") {
    plan p;
    for (int i = 0; i < 20; ++i) p.actions.push_back(create_action("s" + std::to_string(i)));
    testing::memory_driver d;
    backoff b([] { return 0.5; });
    auto r = run(p, d, b, 4);
    CHECK(r.count(outcome::succeeded) == 20);
    CHECK(d.objects.size() == 20);
    CHECK(d.max_in_flight == 4);
}

TEST_CASE("executor: dependents wait, and are skipped when a dependency fails") {
    plan p;
    p.actions.push_back(create_action("db"));
    p.actions.push_back(create_action("app", {0}));
    p.actions.push_back(create_action("other"));
    testing::memory_driver d;
    backoff b([] { return 1.0; });

    SUBCASE("in order") {
        auto r = run(p, d, b, 8);
        CHECK(r.count(outcome::succeeded) == 3);
        auto pos = [&](const std::string& c) { return std::find(d.calls.begin(), d.calls.end(), c) - d.calls.begin(); };
        CHECK(pos("create db") < pos("create app"));
    }
    SUBCASE("failure") {
        d.fail_names = {"db"};
        auto r = run(p, d, b, 8);
        CHECK(r.results[0].result == outcome::failed);
        CHECK(r.results[0].message == "create db refused");
        CHECK(r.results[1].result == outcome::skipped);
        CHECK(r.results[1].message == "waiting for Service/db");
        CHECK(r.results[2].result == outcome::succeeded);
        CHECK_FALSE(b.due(p.actions[0].key, backoff::clock::now()));

        // The next run skips the backed-off key without calling the engine.
        d.fail_names.clear();
        d.calls.clear();
        auto again = run(p, d, b, 8);
        CHECK(again.results[0].result == outcome::skipped);
        CHECK(again.results[0].message == "backing off after: create db refused");
        CHECK(std::find(d.calls.begin(), d.calls.end(), "create db") == d.calls.end());
    }
}

TEST_CASE("executor: conflicts are reported, cycles are skipped") {
    plan p;
    auto c = create_action("taken");
    c.type = action_type::conflict;
    c.reason = "an unmanaged Service holds the name";
    p.actions.push_back(c);
    p.actions.push_back(create_action("a", {2}));
    p.actions.push_back(create_action("b", {1}));
    testing::memory_driver d;
    backoff b([] { return 0.5; });
    auto r = run(p, d, b, 8);
    CHECK(r.results[0].result == outcome::reported);
    CHECK(r.results[0].code == "conflict");
    CHECK(r.results[1].message == "depends_on cycle");
    CHECK(r.results[2].message == "depends_on cycle");
    CHECK(d.calls.empty());
}

TEST_CASE("executor: a container that will not start is recreated from its spec") {
    plan p;
    auto a = create_action("stuck");
    a.type = action_type::start;
    a.have = drivers::actual_object{};
    a.have->name = "stuck";
    p.actions.push_back(a);
    testing::memory_driver d;
    d.fail_calls = {"start stuck"};
    backoff b([] { return 0.5; });
    auto r = run(p, d, b, 8);
    CHECK(r.results[0].result == outcome::succeeded);
    CHECK(d.calls == std::vector<std::string>{"start stuck", "update stuck"});
}
