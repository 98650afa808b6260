// The event log's ring and replay, and the events an object's status
// change amounts to.
#include <doctest/doctest.h>

#include "reconciler/events.hpp"

using namespace driftless;
using namespace driftless::reconciler;
using desired_state::kind;

namespace {

event of(event_type t, const std::string& name = "") {
    event e;
    e.type = t;
    e.name = name;
    e.at = "2026-12-02T00:00:00Z";
    return e;
}

object_status state_of(const std::string& desired, const std::string& actual, const std::string& observed,
                     bool failing = false, const std::string& error = "") {
    object_status o;
    o.desired_hash = desired;
    o.actual_hash = actual;
    o.observed = observed;
    o.failing = failing;
    o.error = error;
    o.made = !desired.empty() && desired == actual;   // as the loop carries it
    return o;
}

std::vector<std::string> types(const std::vector<event>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.emplace_back(to_string(e.type));
    return out;
}

const desired_state::resource_key web{kind::service, "web"};

}  // namespace

TEST_CASE("events: numbered in order; a reconnect gets what it missed, and how many fell out of the ring") {
    event_log log(3);
    std::vector<std::uint64_t> heard;
    const auto h = log.subscribe([&](const event& e) { heard.push_back(e.id); });
    for (int i = 0; i < 5; ++i) log.publish(of(event_type::pass_finished));
    CHECK(log.last_id() == 5);
    CHECK(log.size() == 3);
    CHECK(heard == std::vector<std::uint64_t>{1, 2, 3, 4, 5});

    auto r = log.since(4);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].id == 5);
    CHECK(r.missed == 0);
    r = log.since(1);   // 2 was dropped
    CHECK(r.missed == 1);
    CHECK(r.events.front().id == 3);
    r = log.since(0);   // a new client: what the ring holds, 1 and 2 gone
    CHECK(r.missed == 2);
    CHECK(r.events.size() == 3);
    CHECK(log.since(5).events.empty());

    log.unsubscribe(h);
    log.publish(of(event_type::engine_lost));
    CHECK(heard.size() == 5);
    CHECK(log.counts().at(event_type::pass_finished) == 5);
    CHECK(log.counts().at(event_type::engine_lost) == 1);
}

TEST_CASE("events: SSE framing and JSON, names escaped") {
    event e = of(event_type::failed, "web<script>");
    e.id = 7;
    e.kind = "Service";
    e.message = "line one\nline two";
    const auto sse = to_sse(e);
    CHECK(sse.rfind("id: 7\nevent: failed\ndata: {", 0) == 0);
    CHECK(sse.substr(sse.size() - 2) == "\n\n");
    // One data line: the message's newline is escaped in the JSON.
    CHECK(std::count(sse.begin(), sse.end(), '\n') == 4);
    const auto j = nlohmann::json::parse(sse.substr(sse.find("data: ") + 6));
    CHECK(j["name"] == "web<script>");
    CHECK(j["message"] == "line one\nline two");
    for (const auto t : all_event_types()) CHECK(event_type_of(to_string(t)) == t);
    CHECK_FALSE(event_type_of("nonsense"));
}

TEST_CASE("events: what an object's status change amounts to") {
    SUBCASE("first made: created") {
        CHECK(types(object_events(web, nullptr, state_of("h1", "h1", "running"), acted_on{action_type::create, true})) ==
              std::vector<std::string>{"created"});
    }
    SUBCASE("removed by hand and made again from the same spec: healed") {
        const auto before = state_of("h1", "h1", "running");
        CHECK(types(object_events(web, &before, state_of("h1", "h1", "running"), acted_on{action_type::create, true})) ==
              std::vector<std::string>{"healed"});
        // A pass between, when it could not be made at once (a removal
        // still under way, a backoff): still a heal once it is.
        auto gone = state_of("h1", "", "absent", true, "removal in progress");
        gone.made = true;
        CHECK(types(object_events(web, &gone, state_of("h1", "h1", "running"), acted_on{action_type::create, true})) ==
              std::vector<std::string>{"healed", "recovered"});
        // Never made from this spec before: created, not healed.
        const auto fresh = state_of("h2", "", "absent");
        CHECK(types(object_events(web, &fresh, state_of("h2", "h2", "running"), acted_on{action_type::create, true})) ==
              std::vector<std::string>{"created"});
    }
    SUBCASE("stopped and started again: healed; a new spec's update: updated") {
        const auto before = state_of("h1", "h1", "exited");
        CHECK(types(object_events(web, &before, state_of("h1", "h1", "running"), acted_on{action_type::start, true})) ==
              std::vector<std::string>{"healed"});
        const auto was = state_of("h1", "h1", "running");
        CHECK(types(object_events(web, &was, state_of("h2", "h2", "running"), acted_on{action_type::update, true})) ==
              std::vector<std::string>{"updated"});
    }
    SUBCASE("a rollout: updated when it passes, rolled_back once when it fails") {
        const auto was = state_of("h1", "h1", "running");
        const auto rolling = state_of("h2", "h1", "rolling_out");
        CHECK(object_events(web, &was, rolling, acted_on{action_type::update, true}).empty());
        CHECK(types(object_events(web, &rolling, state_of("h2", "h2", "running"), acted_on{action_type::rollout, true})) ==
              std::vector<std::string>{"updated"});
        const auto back = state_of("h2", "h1", "rolled_back", true, "it exited with code 3");
        const auto e = object_events(web, &rolling, back, acted_on{action_type::rollout, true});
        CHECK(types(e) == std::vector<std::string>{"rolled_back"});
        CHECK(e[0].message == "Service/web: it exited with code 3");
        // Later passes in the same state: nothing.
        CHECK(object_events(web, &back, back, std::nullopt).empty());
    }
    SUBCASE("failing: one event when it turns failing, one when it recovers, none in between") {
        const auto ok = state_of("h1", "", "absent");
        const auto bad = state_of("h1", "", "absent", true, "image not found");
        CHECK(types(object_events(web, &ok, bad, acted_on{action_type::create, false})) == std::vector<std::string>{"failed"});
        CHECK(object_events(web, &bad, bad, acted_on{action_type::create, false}).empty());
        CHECK(types(object_events(web, &bad, state_of("h1", "h1", "running"), acted_on{action_type::create, true})) ==
              std::vector<std::string>{"created", "recovered"});
    }
    SUBCASE("removed") {
        const auto before = state_of("", "h1", "running");
        CHECK(types(object_events(web, &before, state_of("", "", "absent"), acted_on{action_type::remove, true})) ==
              std::vector<std::string>{"removed"});
    }
}
