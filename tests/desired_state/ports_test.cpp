#include <doctest/doctest.h>

#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;

namespace {
port_mapping pm(std::uint16_t target, std::uint16_t published = 0, std::string ip = "", std::string proto = "tcp",
                std::string mode = "ingress") {
    return {target, published, std::move(ip), std::move(proto), std::move(mode)};
}
}  // namespace

TEST_CASE("ports: short forms") {
    SUBCASE("target only") { CHECK(parse_service(svc("ports: [\"80\"]\n")).ports == std::vector{pm(80)}); }
    SUBCASE("integer") { CHECK(parse_service(svc("ports: [80]\n")).ports == std::vector{pm(80)}); }
    SUBCASE("published:target") {
        CHECK(parse_service(svc("ports: [\"8080:80\"]\n")).ports == std::vector{pm(80, 8080)});
    }
    SUBCASE("ip:published:target") {
        CHECK(parse_service(svc("ports: [\"127.0.0.1:8080:80\"]\n")).ports ==
              std::vector{pm(80, 8080, "127.0.0.1")});
    }
    SUBCASE("ip::target") {
        CHECK(parse_service(svc("ports: [\"127.0.0.1::80\"]\n")).ports == std::vector{pm(80, 0, "127.0.0.1")});
    }
    SUBCASE("ranges") {
        CHECK(parse_service(svc("ports: [\"8000-8002:80-82\"]\n")).ports ==
              std::vector{pm(80, 8000), pm(81, 8001), pm(82, 8002)});
        CHECK(parse_service(svc("ports: [\"80-81\"]\n")).ports == std::vector{pm(80), pm(81)});
    }
    SUBCASE("protocol") {
        CHECK(parse_service(svc("ports: [\"9000:9000/udp\"]\n")).ports ==
              std::vector{pm(9000, 9000, "", "udp")});
        CHECK(parse_service(svc("ports: [\"9000/sctp\"]\n")).ports == std::vector{pm(9000, 0, "", "sctp")});
    }
    SUBCASE("ipv6") {
        CHECK(parse_service(svc("ports: [\"[::1]:8080:80\"]\n")).ports == std::vector{pm(80, 8080, "::1")});
    }
    SUBCASE("sorted") {
        CHECK(parse_service(svc("ports: [\"9000:90\", \"8000:80\"]\n")).ports ==
              std::vector{pm(80, 8000), pm(90, 9000)});
    }
    SUBCASE("null means none") { CHECK(parse_service(svc("ports:\n")).ports.empty()); }
}

TEST_CASE("ports: long form") {
    SUBCASE("all keys") {
        auto s = parse_service(svc("ports:\n  - {target: 80, published: 8080, host_ip: 127.0.0.1, protocol: udp, mode: host}\n"));
        CHECK(s.ports == std::vector{pm(80, 8080, "127.0.0.1", "udp", "host")});
    }
    SUBCASE("published range string") {
        auto s = parse_service(svc("ports:\n  - {target: 80, published: \"8000-8000\"}\n"));
        CHECK(s.ports == std::vector{pm(80, 8000)});
    }
    SUBCASE("published range longer than target") {
        CHECK(errors(svc("ports:\n  - {target: 80, published: \"8000-8002\"}\n")) ==
              std::vector<std::string>{
                  "web.yaml:4:29: ports[0].published: published range and target range must have the same length"});
    }
    SUBCASE("target required") {
        CHECK(errors(svc("ports:\n  - {published: 8080}\n")) ==
              std::vector<std::string>{"web.yaml:4:5: ports[0].target: required (the container port)"});
    }
    SUBCASE("bad values") {
        CHECK(errors(svc("ports:\n  - {target: 0, protocol: icmp, mode: bridge, host_ip: localhost, nam: x}\n")) ==
              std::vector<std::string>{
                  "web.yaml:4:14: ports[0].target: \"0\": port must be 1-65535",
                  "web.yaml:4:27: ports[0].protocol: \"icmp\": must be one of tcp, udp, sctp",
                  "web.yaml:4:39: ports[0].mode: \"bridge\": must be one of ingress, host",
                  "web.yaml:4:56: ports[0].host_ip: \"localhost\": invalid IP address",
                  "web.yaml:4:67: ports[0].nam: unknown key; did you mean \"name\"?",
              });
    }
}

TEST_CASE("ports: errors") {
    auto err = [](const char* entry) {
        auto e = errors(svc(std::string("ports: [") + entry + "]\n"));
        REQUIRE(e.size() == 1);
        return e[0];
    };
    CHECK(err("\"80800:80\"") == "web.yaml:3:9: ports[0]: \"80800:80\": port must be 1-65535");
    CHECK(err("\"0\"") == "web.yaml:3:9: ports[0]: \"0\": port must be 1-65535");
    CHECK(err("\"http\"") == "web.yaml:3:9: ports[0]: \"http\": invalid port \"http\"");
    CHECK(err("\"80/icmp\"") == "web.yaml:3:9: ports[0]: \"80/icmp\": unknown protocol \"icmp\"; must be tcp, udp or sctp");
    CHECK(err("\"8000-8002:80-81\"") ==
          "web.yaml:3:9: ports[0]: \"8000-8002:80-81\": published range and target range must have the same length");
    CHECK(err("\"8000-8002:80\"") ==
          "web.yaml:3:9: ports[0]: \"8000-8002:80\": published range and target range must have the same length");
    CHECK(err("\"82-80\"") == "web.yaml:3:9: ports[0]: \"82-80\": port range 82-80 ends before it starts");
    CHECK(err("\"1.2.3:80:80\"") == "web.yaml:3:9: ports[0]: \"1.2.3:80:80\": invalid host IP \"1.2.3\"");
    CHECK(err("\"[::g]:80:80\"") == "web.yaml:3:9: ports[0]: \"[::g]:80:80\": invalid IPv6 address \"::g\"");
    CHECK(err("\"1:2:3:4\"") == "web.yaml:3:9: ports[0]: \"1:2:3:4\": expected [IP:][PUBLISHED:]TARGET[/PROTOCOL]");
    CHECK(err("[80]") == "web.yaml:3:9: ports[0]: expected a string, got a list");
    CHECK(errors(svc("ports: \"80\"\n")) ==
          std::vector<std::string>{"web.yaml:3:8: ports: expected a list, got a string"});
}

TEST_CASE("ports: every bad entry is reported, and clashes") {
    CHECK(errors(svc("ports:\n  - \"80\"\n  - \"80800:80\"\n  - \"8080:80\"\n  - \"8080:81\"\n  - 70000\n")) ==
          std::vector<std::string>{
              "web.yaml:5:5: ports[1]: \"80800:80\": port must be 1-65535",
              "web.yaml:7:5: ports[3]: host port 8080/tcp is already published by ports[2]",
              "web.yaml:8:5: ports[4]: \"70000\": port must be 1-65535",
          });
    // the same port over udp is no clash
    CHECK(parse_service(svc("ports: [\"53:53\", \"53:53/udp\"]\n")).ports.size() == 2);
}
