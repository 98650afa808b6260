#include "watchers/debounce.hpp"

#include <doctest/doctest.h>

using driftless::watchers::debounce;
using namespace std::chrono_literals;

TEST_CASE("debounce") {
    debounce d(100ms, 1000ms);
    const debounce::clock::time_point t0{};

    SUBCASE("idle until an event") {
        CHECK_FALSE(d.pending());
        CHECK_FALSE(d.take_if_due(t0 + 10s));
    }

    SUBCASE("due one quiet interval after a single event, once") {
        CHECK(d.on_event(t0) == t0 + 100ms);
        CHECK(d.pending());
        CHECK_FALSE(d.take_if_due(t0 + 99ms));
        CHECK(d.take_if_due(t0 + 100ms));
        CHECK_FALSE(d.pending());
        CHECK_FALSE(d.take_if_due(t0 + 200ms));
    }

    SUBCASE("a later event restarts the quiet interval") {
        d.on_event(t0);
        CHECK(d.on_event(t0 + 50ms) == t0 + 150ms);
        CHECK_FALSE(d.take_if_due(t0 + 100ms));
        CHECK(d.take_if_due(t0 + 150ms));
    }

    SUBCASE("a steady trickle cannot postpone past max_delay") {
        for (int i = 0; i < 100; ++i) d.on_event(t0 + i * 50ms);
        CHECK(d.deadline() == t0 + 1000ms);
        CHECK(d.take_if_due(t0 + 1000ms));
    }

    SUBCASE("a new burst starts afresh") {
        d.on_event(t0);
        for (int i = 0; i < 30; ++i) d.on_event(t0 + i * 50ms);
        CHECK(d.take_if_due(t0 + 2s));
        CHECK(d.on_event(t0 + 5s) == t0 + 5s + 100ms);
    }

    SUBCASE("reset forgets a pending burst") {
        d.on_event(t0);
        d.reset();
        CHECK_FALSE(d.take_if_due(t0 + 1s));
    }

    SUBCASE("max_delay shorter than the quiet interval is raised to it") {
        debounce odd(100ms, 10ms);
        CHECK(odd.on_event(t0) == t0 + 100ms);
        CHECK(odd.on_event(t0 + 50ms) == t0 + 100ms);
    }
}
