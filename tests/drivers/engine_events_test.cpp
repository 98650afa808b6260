#include <doctest/doctest.h>

#include <optional>

#include "drivers/engine_events.hpp"

using namespace driftless::drivers;

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
    CHECK(swarm_event(R"({"Type":7,"Action":"remove"})", "o") == event_kind::changed);
    CHECK(swarm_event(R"({"Type":"service","Action":["remove"]})", "o") == event_kind::changed);
    CHECK(swarm_event(R"({"Type":"container","Actor":{"Attributes":{"io.driftless.owner":1}}})", "o") == std::nullopt);
}

TEST_CASE("engine events: swarm keeps service and node events and the owner's containers") {
    CHECK(swarm_event(R"({"Type":"service","Action":"remove","Actor":{"Attributes":{"name":"web"}}})", "o") ==
          event_kind::gone);
    CHECK(swarm_event(R"({"Type":"service","Action":"update"})", "o") == event_kind::changed);
    CHECK(swarm_event(R"({"Type":"node","Action":"update"})", "o") == event_kind::changed);
    CHECK(swarm_event(R"({"Type":"container","Action":"die","Actor":{"Attributes":{"io.driftless.owner":"o"}}})",
                      "o") == event_kind::changed);
    CHECK(swarm_event(R"({"Type":"container","Action":"die","Actor":{"Attributes":{"io.driftless.owner":"p"}}})",
                      "o") == std::nullopt);
    CHECK(swarm_event(R"({"Type":"container","Action":"die","Actor":{}})", "o") == std::nullopt);
    CHECK(swarm_event(R"({"Type":"container","Action":"die"})", "o") == std::nullopt);
    CHECK(swarm_event("garbage", "o") == std::nullopt);
}
