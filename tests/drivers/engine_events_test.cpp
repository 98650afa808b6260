#include <doctest/doctest.h>

#include <optional>
#include <set>
#include <string>

#include "drivers/engine_events.hpp"

using namespace driftless::drivers;

namespace {
const std::set<std::string> owned{"o"};   // the IDs of the swarm services this instance owns
}

TEST_CASE("engine events: a container destroyed is gone, anything else changed") {
    CHECK(container_event(R"({"Type":"container","Action":"destroy","id":"abc"})") == event_kind::gone);
    CHECK(container_event(R"({"Type":"container","Action":"remove"})") == event_kind::gone);
    CHECK(container_event(R"({"Type":"container","Action":"die"})") == event_kind::changed);
    CHECK(container_event("not json") == event_kind::changed);
    CHECK(container_event("[1,2]") == event_kind::changed);
}

TEST_CASE("engine events: fields of an unexpected type wake the loop instead of throwing") {
    // nlohmann's value() throws type_error when the key holds another type;
    // out of the events stream's line handler that would end the process.
    CHECK(container_event(R"({"Action":1})") == event_kind::changed);
    CHECK(container_event(R"({"Action":null})") == event_kind::changed);
    CHECK(swarm_event(R"({"Type":7,"Action":"remove"})", owned) == event_kind::changed);
    CHECK(swarm_event(R"({"Type":"service","Action":["remove"]})", owned) == event_kind::changed);
    CHECK(swarm_event(R"({"Type":"container","Actor":{"Attributes":{"com.docker.swarm.service.id":1}}})", owned) == std::nullopt);
}

TEST_CASE("engine events: swarm keeps service and node events and the task containers of owned services") {
    CHECK(swarm_event(R"({"Type":"service","Action":"remove","Actor":{"Attributes":{"name":"web"}}})", owned) ==
          event_kind::gone);
    CHECK(swarm_event(R"({"Type":"service","Action":"update"})", owned) == event_kind::changed);
    CHECK(swarm_event(R"({"Type":"node","Action":"update"})", owned) == event_kind::changed);
    CHECK(swarm_event(R"({"Type":"container","Action":"die","Actor":{"Attributes":{"com.docker.swarm.service.id":"o"}}})",
                      owned) == event_kind::changed);
    CHECK(swarm_event(R"({"Type":"container","Action":"die","Actor":{"Attributes":{"com.docker.swarm.service.id":"p"}}})",
                      owned) == std::nullopt);
    CHECK(swarm_event(R"({"Type":"container","Action":"die","Actor":{}})", owned) == std::nullopt);
    CHECK(swarm_event(R"({"Type":"container","Action":"die"})", owned) == std::nullopt);
    CHECK(swarm_event("garbage", owned) == std::nullopt);
}
