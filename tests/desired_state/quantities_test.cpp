#include <doctest/doctest.h>

#include "desired_state/detail/quantities.hpp"
#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::detail;
using namespace driftless::desired_state::testing;

namespace {
std::int64_t mem(std::string_view s) {
    std::string e;
    auto v = parse_memory(s, e);
    INFO(s, ": ", e);
    REQUIRE(v.has_value());
    return *v;
}
std::string mem_error(std::string_view s) {
    std::string e;
    CHECK_FALSE(parse_memory(s, e).has_value());
    return e;
}
std::int64_t dur(std::string_view s) {
    std::string e;
    auto v = parse_duration(s, e);
    INFO(s, ": ", e);
    REQUIRE(v.has_value());
    return *v;
}
std::string dur_error(std::string_view s) {
    std::string e;
    CHECK_FALSE(parse_duration(s, e).has_value());
    return e;
}
std::int64_t cpus(std::string_view s) {
    std::string e;
    auto v = parse_nano_cpus(s, e);
    INFO(s, ": ", e);
    REQUIRE(v.has_value());
    return *v;
}
constexpr std::int64_t ki = 1024, mi = ki * ki, gi = mi * ki;
}  // namespace

TEST_CASE("memory: units are powers of 1024 whatever the spelling") {
    CHECK(mem("1024") == 1024);
    CHECK(mem("1024b") == 1024);
    CHECK(mem("1k") == ki);
    CHECK(mem("1kb") == ki);
    CHECK(mem("1Ki") == ki);
    CHECK(mem("1KiB") == ki);
    CHECK(mem("256Mi") == 256 * mi);
    CHECK(mem("512m") == 512 * mi);
    CHECK(mem("1G") == gi);
    CHECK(mem("1GB") == gi);
    CHECK(mem("1gb") == gi);
    CHECK(mem("0.5Gi") == gi / 2);
    CHECK(mem("1.5k") == 1536);
    CHECK(mem("2T") == 2 * gi * ki);
    CHECK(mem("1Gi") == mem("1024Mi"));
    CHECK(mem("0") == 0);
}

TEST_CASE("memory: errors") {
    CHECK(mem_error("lots") == "expected a size such as 256Mi, 1G or 1073741824 (bytes)");
    CHECK(mem_error("-1G") == "must not be negative");
    CHECK(mem_error("1X") == "unknown unit \"X\"; use b, k, m, g or t (powers of 1024: 1G = 1Gi = 1GB)");
    CHECK(mem_error("99999999999T") == "too large");
    CHECK(mem_error("99999999999999999999999") == "too large");
}

TEST_CASE("cpus: exact nano-CPUs") {
    CHECK(cpus("0.5") == 500'000'000);
    CHECK(cpus("2") == 2'000'000'000);
    CHECK(cpus("0.1") == 100'000'000);
    CHECK(cpus(".25") == 250'000'000);
    CHECK(cpus("0.000000001") == 1);
    std::string e;
    CHECK_FALSE(parse_nano_cpus("0.0000000001", e));
    CHECK(e == "more precise than 0.000000001 CPU");
    CHECK_FALSE(parse_nano_cpus("half", e));
    CHECK(e == "expected a number of CPUs such as 0.5 or 2");
    CHECK_FALSE(parse_nano_cpus("-1", e));
    CHECK(e == "must not be negative");
    CHECK_FALSE(parse_nano_cpus("2000000", e));
    CHECK(e == "too large");
}

TEST_CASE("durations: a unit is required") {
    CHECK(dur("10s") == 10'000'000'000);
    CHECK(dur("1m30s") == 90'000'000'000);
    CHECK(dur("1h") == 3'600'000'000'000);
    CHECK(dur("500ms") == 500'000'000);
    CHECK(dur("1.5s") == 1'500'000'000);
    CHECK(dur("250us") == 250'000);
    CHECK(dur("7ns") == 7);
    CHECK(dur("0") == 0);
    CHECK(dur_error("90") == "missing unit; write e.g. 90s (units: ns, us, ms, s, m, h)");
    CHECK(dur_error("10d") == "unknown unit \"d\" (units: ns, us, ms, s, m, h)");
    CHECK(dur_error("-1s") == "must not be negative");
    CHECK(dur_error("s") == "expected a duration such as 10s, 1m30s or 500ms");
    CHECK(dur_error("") == "expected a duration such as 10s, 1m30s or 500ms");
    CHECK(dur_error("9999999999h") == "too large");
}

TEST_CASE("resources in a service") {
    auto s = parse_service(svc("resources: {cpus: 0.5, memory: 256Mi, reservations: {cpus: \"0.25\", memory: 128Mi}}\n"));
    CHECK(s.limits.nano_cpus == 500'000'000);
    CHECK(s.limits.memory_bytes == 256 * mi);
    CHECK(s.reservations.nano_cpus == 250'000'000);
    CHECK(s.reservations.memory_bytes == 128 * mi);
    CHECK(parse_service(svc("resources: {cpus: 2}\n")).limits.nano_cpus == 2'000'000'000);

    SUBCASE("errors") {
        CHECK(errors(svc("resources:\n  memory: 1Q\n  cpus: many\n  reservations: {memory: 2Gi, cpu: 1}\n  memroy: 1\n")) ==
              std::vector<std::string>{
                  "web.yaml:4:11: resources.memory: \"1Q\": unknown unit \"Q\"; use b, k, m, g or t (powers of 1024: 1G = 1Gi = 1GB)",
                  "web.yaml:5:9: resources.cpus: \"many\": expected a number of CPUs such as 0.5 or 2",
                  "web.yaml:6:31: resources.reservations.cpu: unknown key; did you mean \"cpus\"?",
                  "web.yaml:7:3: resources.memroy: unknown key; did you mean \"memory\"?",
              });
        CHECK(errors(svc("resources: {memory: 1Gi, cpus: 1, reservations: {memory: 2Gi, cpus: 2}}\n")) ==
              std::vector<std::string>{
                  "web.yaml:3:49: resources.reservations.memory: reservation (2147483648 bytes) exceeds the limit (1073741824 bytes)",
                  "web.yaml:3:49: resources.reservations.cpus: reservation (2000000000 nano-CPUs) exceeds the limit (1000000000 nano-CPUs)",
              });
        CHECK(errors(svc("resources: {memory: [1]}\n")) ==
              std::vector<std::string>{"web.yaml:3:21: resources.memory: expected a size such as 256Mi, got a list"});
    }
}

TEST_CASE("durations in a service") {
    auto s = parse_service(svc("stop_grace_period: 1m30s\n"));
    CHECK(s.stop_grace_period_ns == 90'000'000'000);
    CHECK_FALSE(parse_service(svc("")).stop_grace_period_ns.has_value());
    CHECK(errors(svc("stop_grace_period: 90\n")) ==
          std::vector<std::string>{"web.yaml:3:20: stop_grace_period: \"90\": missing unit; write e.g. 90s (units: ns, us, ms, s, m, h)"});
}
