// The status server's wait between failed accepts, step by step.
#include <doctest/doctest.h>

#include <cerrno>

#include "status_surface/accept_backoff.hpp"

using namespace driftless::status_surface;
using std::chrono::milliseconds;

TEST_CASE("accept back-off: out of descriptors waits 100 ms, doubling to 1 s, until an accept succeeds") {
    accept_backoff b;
    CHECK_FALSE(b.backing_off());
    CHECK(b.failed(EMFILE) == milliseconds(100));
    CHECK(b.backing_off());
    CHECK(b.failed(EMFILE) == milliseconds(200));
    CHECK(b.failed(ENFILE) == milliseconds(400));
    CHECK(b.failed(EMFILE) == milliseconds(800));
    CHECK(b.failed(EMFILE) == milliseconds(1000));
    CHECK(b.failed(ENOBUFS) == milliseconds(1000));
    b.succeeded();
    CHECK_FALSE(b.backing_off());
    CHECK(b.failed(ENOMEM) == milliseconds(100));
}

TEST_CASE("accept back-off: a failure of one connection retries at once") {
    accept_backoff b;
    CHECK(b.failed(ECONNABORTED) == milliseconds(0));
    CHECK(b.failed(EPERM) == milliseconds(0));
    CHECK_FALSE(b.backing_off());
}
