// depends_on conditions against the real dockerd: the reconcile loop, with
// the docker driver, waits for a healthcheck and for a one-shot container.
#include <doctest/doctest.h>

#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <ctime>
#include <thread>

#include "desired_state/store.hpp"
#include "reconciler/loop.hpp"
#include "support/docker_driver_support.hpp"
#include "support/process.hpp"
#include "support/run_async.hpp"
#include "support/scenario.hpp"

using namespace driftless;
using namespace driftless::testing;
using namespace std::chrono_literals;
namespace ds = driftless::desired_state;
namespace asio = boost::asio;

namespace {

// An engine time ("2026-12-01T14:49:32.123456789Z") in seconds since the epoch.
double engine_time(const std::string& text) {
    std::tm tm{};
    const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    REQUIRE_MESSAGE(rest != nullptr, "not an engine time: " << text);
    double fraction = 0;
    if (*rest == '.') fraction = std::stod(std::string("0") + rest);   // stod stops at the Z
    return static_cast<double>(timegm(&tm)) + fraction;
}

const reconciler::action* action_for(const reconciler::plan& p, const std::string& name) {
    for (const auto& a : p.actions)
        if (a.key.name == name) return &a;
    return nullptr;
}

}  // namespace

TEST_CASE("docker depends_on: the app is created once db is healthy and the init has run once, which is not run again") {
    ensure_docker();
    scenario s("dpnd");
    const std::string db = s.name("db"), init = s.name("init"), app = s.name("app");

    auto db_spec = service_spec(db);
    service_of(db_spec).command = std::vector<std::string>{"sh", "-c", "sleep 5; touch /tmp/ready; sleep 3600"};
    ds::healthcheck h;
    h.test = {"CMD-SHELL", "test -f /tmp/ready"};
    h.interval_ns = 1'000'000'000;
    h.retries = 60;
    service_of(db_spec).health = h;
    auto init_spec = service_spec(init);
    service_of(init_spec).command = std::vector<std::string>{"true"};
    service_of(init_spec).restart = ds::restart_policy::no;
    auto app_spec = service_spec(app);
    auto& app_svc = service_of(app_spec);
    app_svc.depends_on = {db, init};
    app_svc.depends_on_conditions[db] = ds::dependency{"service_healthy", false, true};
    app_svc.depends_on_conditions[init] = ds::dependency{"service_completed_successfully", false, true};

    asio::io_context io;
    auto d = make_docker_driver(io, s.owner());
    ds::store store;
    REQUIRE(store.put_specs("deps", {db_spec, init_spec, app_spec}).empty());
    reconciler::loop_options options;
    options.resync = std::chrono::hours(1);   // only events (health_status, die) bring the next passes
    reconciler::loop l(io.get_executor(), *d, store, options);

    // The first pass makes db and init; app waits.
    auto first = run_async(io, l.pass());
    REQUIRE(first.engine_ok);
    REQUIRE(action_for(first.plan, app) != nullptr);
    CHECK(action_for(first.plan, app)->type == reconciler::action_type::wait);
    CHECK(action_for(first.plan, app)->reason == "waiting for " + db + " to be healthy");
    CHECK(s.container_state(app).empty());
    CHECK(s.container_state(db) == "running");

    // The loop follows engine events from here on.
    asio::co_spawn(io, l.run(), asio::detached);
    io.restart();
    std::thread loop_thread([&] { io.run(); });
    struct stopper {
        asio::io_context& io;
        reconciler::loop& l;
        std::thread& t;
        ~stopper() {
            asio::post(io, [this] { l.stop(); });
            if (t.joinable()) t.join();
        }
    };
    {
        stopper stop_at_end{io, l, loop_thread};
        CHECK(wait_until([&] { return s.container_state(app) == "running"; }, 90s));
    }

    // db turned healthy no earlier than 5 s after it started (the file its
    // healthcheck tests is made then): app was created after that.
    const double db_started = engine_time(inspect("{{.State.StartedAt}}", db));
    const double app_created = engine_time(inspect("{{.Created}}", app));
    CHECK(app_created >= db_started + 5);
    CHECK(inspect("{{.State.Health.Status}}", db) == "healthy");

    // init ran once and stays exited, pass after pass.
    const std::string init_run = inspect("{{.Id}} {{.State.Status}} {{.State.ExitCode}} {{.State.StartedAt}}", init);
    CHECK(init_run.find(" exited 0 ") != std::string::npos);
    io.restart();
    for (int i = 0; i < 3; ++i) {
        auto r = run_async(io, l.pass());
        REQUIRE(r.engine_ok);
        CHECK(r.plan.converged());
        CHECK(action_for(r.plan, init) == nullptr);
    }
    CHECK(inspect("{{.Id}} {{.State.Status}} {{.State.ExitCode}} {{.State.StartedAt}}", init) == init_run);
    CHECK(s.container_state(app) == "running");
}
