// Times in an image's config (RFC 3339) and in HTTP headers.
#include <doctest/doctest.h>

#include "drivers/http_time.hpp"

using namespace driftless::drivers;
using namespace std::chrono;

namespace {

// Seconds since the epoch, and the nanoseconds past them.
std::pair<long long, long long> split(system_clock::time_point t) {
    const auto ns = duration_cast<nanoseconds>(t.time_since_epoch()).count();
    return {ns / 1'000'000'000, ns % 1'000'000'000};
}

}  // namespace

TEST_CASE("http time: RFC 3339 with fractions and zones") {
    CHECK(split(parse_rfc3339("2024-05-01T12:34:56Z").value()) == std::pair<long long, long long>{1714566896, 0});
    CHECK(split(parse_rfc3339("2024-05-01T12:34:56.123456789Z").value()) == std::pair<long long, long long>{1714566896, 123456789});
    CHECK(split(parse_rfc3339("2024-05-01T12:34:56.5Z").value()).second == 500000000);
    // More than nanoseconds: read and dropped.
    CHECK(split(parse_rfc3339("2024-05-01T12:34:56.1234567891234Z").value()).second == 123456789);
    CHECK(parse_rfc3339("2024-05-01T14:34:56+02:00") == parse_rfc3339("2024-05-01T12:34:56Z"));
    CHECK(parse_rfc3339("2024-05-01T07:04:56-05:30") == parse_rfc3339("2024-05-01T12:34:56Z"));
    CHECK(parse_rfc3339("2024-05-01t12:34:56z") == parse_rfc3339("2024-05-01T12:34:56Z"));
    CHECK(parse_rfc3339("2024-05-01 12:34:56Z") == parse_rfc3339("2024-05-01T12:34:56Z"));
    CHECK(split(parse_rfc3339("1970-01-01T00:00:00Z").value()).first == 0);
    CHECK(parse_rfc3339("2024-02-29T00:00:00Z").has_value());
    CHECK_FALSE(parse_rfc3339("2023-02-29T00:00:00Z").has_value());
    CHECK_FALSE(parse_rfc3339("2024-04-31T00:00:00Z").has_value());
    CHECK_FALSE(parse_rfc3339("2024-05-01T24:00:00Z").has_value());
    CHECK_FALSE(parse_rfc3339("2024-05-01T12:34:56").has_value());       // no zone
    CHECK_FALSE(parse_rfc3339("2024-05-01T12:34:56.Z").has_value());
    CHECK_FALSE(parse_rfc3339("2024-05-01T12:34:56Z ").has_value());
    CHECK_FALSE(parse_rfc3339("2024-5-01T12:34:56Z").has_value());
    CHECK_FALSE(parse_rfc3339("").has_value());
    CHECK_FALSE(parse_rfc3339("9999-12-31T23:59:59Z").has_value());   // past what the clock holds
    CHECK(parse_rfc3339("2261-12-31T23:59:59Z").has_value());
}

TEST_CASE("http time: the three forms of an HTTP date") {
    const auto t = parse_rfc3339("1994-11-06T08:49:37Z");
    CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == t);
    CHECK(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == t);
    CHECK(parse_http_date("Sun Nov  6 08:49:37 1994") == t);
    CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC").has_value());
    CHECK_FALSE(parse_http_date("Sun, 31 Nov 1994 08:49:37 GMT").has_value());
    CHECK_FALSE(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT").has_value());
    CHECK_FALSE(parse_http_date("120").has_value());
    CHECK_FALSE(parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT").has_value());
}
