// What a rollout reads of a container: its role from its name, and its
// inspect and logs answers (docker's and podman 4.3's shapes).
#include <doctest/doctest.h>

#include "drivers/docker_listing.hpp"
#include "drivers/docker_rollout_inspect.hpp"

using namespace driftless::drivers;
using namespace driftless::drivers::docker;

TEST_CASE("rollout roles: read from the engine's name beside the name label") {
    CHECK(role_of("web", "web") == rollout_role::none);
    CHECK(role_of("web--PREVIOUS", "web") == rollout_role::previous);
    CHECK(role_of("web--NEXT", "web") == rollout_role::next);
    CHECK(role_of("web--FAILED", "web") == rollout_role::failed);
    CHECK_FALSE(role_of("web--next", "web"));   // spec names are lower case: never a role
    CHECK_FALSE(role_of("web2", "web"));
    CHECK_FALSE(role_of("web--NEXT", ""));
    CHECK(engine_name("web", rollout_role::failed) == "web--FAILED");

    const auto listed = parse_container_list(
        R"([{"Id":"abc","Names":["/web--PREVIOUS"],"State":"exited","Labels":{"io.driftless.name":"web"}},
            {"Id":"def","Names":["/web--OTHER"],"State":"exited","Labels":{"io.driftless.name":"web"}}])",
        naming::by_label);
    REQUIRE(listed);
    CHECK(listed->at(0).name == "web");
    CHECK(listed->at(0).name_matches);
    CHECK(listed->at(0).role == rollout_role::previous);
    CHECK_FALSE(listed->at(1).name_matches);   // not owned: a suffix that is no role
}

TEST_CASE("rollout inspect: state, restarts, health and its window") {
    actual_object c;
    REQUIRE(read_rollout_inspect(R"({"RestartCount":2,"State":{"Status":"running","StartedAt":"2026-12-01T21:38:10.250Z",
        "Health":{"Status":"unhealthy","Log":[{"Output":"first"},{"Output":"wget: bad address\n"}]}},
        "Config":{"Healthcheck":{"Test":["CMD","true"],"Interval":1000000000,"Retries":2}}})",
                                 c));
    CHECK(c.running);
    CHECK(c.health == "unhealthy");
    CHECK(c.rollout.restart_count == 2);
    CHECK(c.rollout.has_healthcheck);
    CHECK(c.rollout.health_output == "wget: bad address");
    CHECK(c.rollout.started_at_ms == 1'796'161'090'250);
    CHECK(c.rollout.health_window_ms == (1000 + 30'000) * 2);
    CHECK(looks_failed(c));

    actual_object never;
    REQUIRE(read_rollout_inspect(R"({"State":{"Status":"created","StartedAt":"0001-01-01T00:00:00Z","Error":"exec: \"x\": not found"}})", never));
    CHECK(never.rollout.started_at_ms == 0);
    CHECK(never.rollout.error == "exec: \"x\": not found");
    CHECK_FALSE(read_rollout_inspect("[]", never));
}

TEST_CASE("rollout inspect: times and log tails") {
    CHECK(rfc3339_ms("2026-12-01T21:38:10Z") == 1'796'161'090'000);
    CHECK(rfc3339_ms("2026-12-01T22:38:10.5+01:00") == 1'796'161'090'500);
    CHECK_FALSE(rfc3339_ms("yesterday"));
    // docker's frames: stdout "a\nb\n", stderr "c\n"
    const std::string framed = std::string("\x01\0\0\0\0\0\0\x04", 8) + "a\nb\n" + std::string("\x02\0\0\0\0\0\0\x02", 8) + "c\n";
    CHECK(log_tail(framed, 2) == "b | c");
    CHECK(log_tail("plain\ntext\x1b[0m\n", 5) == "plain | text[0m");
}
