// The backoff state machine, stepped with a fixed clock and random source.
#include <doctest/doctest.h>

#include "reconciler/backoff.hpp"

using namespace driftless;
using namespace driftless::reconciler;
using namespace std::chrono_literals;

TEST_CASE("backoff: doubles from 1 s up to 5 min with equal jitter") {
    double r = 1.0;
    backoff b([&] { return r; });
    const desired_state::resource_key web{desired_state::kind::service, "web"};
    const auto t0 = backoff::clock::time_point{} + 1h;

    CHECK(b.due(web, t0));
    CHECK(b.fail(web, t0, "boom") == 1000ms);
    CHECK_FALSE(b.due(web, t0 + 999ms));
    CHECK(b.due(web, t0 + 1000ms));
    CHECK(b.fail(web, t0, "boom") == 2000ms);
    CHECK(b.fail(web, t0, "boom") == 4000ms);
    r = 0.0;
    CHECK(b.fail(web, t0, "boom") == 4000ms);   // half of 8 s
    for (int i = 0; i < 20; ++i) (void)b.fail(web, t0, "boom");
    r = 1.0;
    CHECK(b.fail(web, t0, "boom") == 300'000ms);
    CHECK(b.find(web)->last_error == "boom");
    CHECK(b.next_due(t0) == t0 + 300'000ms);

    b.succeed(web);
    CHECK(b.due(web, t0));
    CHECK_FALSE(b.next_due(t0).has_value());
}

TEST_CASE("backoff: keys are independent and can be dropped") {
    backoff b([] { return 0.5; });
    const desired_state::resource_key a{desired_state::kind::service, "a"}, c{desired_state::kind::service, "c"};
    const auto t0 = backoff::clock::time_point{} + 1h;
    (void)b.fail(a, t0, "x");
    CHECK(b.due(c, t0));
    CHECK_FALSE(b.due(a, t0));
    b.retain([&](const desired_state::resource_key& k) { return k != a; });
    CHECK(b.due(a, t0));
    CHECK(b.ceiling(1) == 1000ms);
    CHECK(b.ceiling(10) == 300'000ms);
}
