#include <doctest/doctest.h>

#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;
using strings = std::vector<std::string>;

TEST_CASE("network") {
    auto r = parse("kind: Network\nname: front\n");
    REQUIRE(r.ok());
    REQUIRE(r.specs[0].as_network() != nullptr);
    CHECK(*r.specs[0].as_network() == network{});
    CHECK(r.specs[0].as_network()->driver == "bridge");

    r = parse("kind: Network\nname: front\ndriver: overlay\ndriver_opts: {mtu: 1400, encrypted: true, x: s}\n"
              "internal: true\nattachable: true\nlabels: {a: b}\n");
    REQUIRE(r.ok());
    const network& n = *r.specs[0].as_network();
    CHECK(n.driver == "overlay");
    CHECK(n.driver_opts == string_map{{"mtu", "1400"}, {"encrypted", "true"}, {"x", "s"}});
    CHECK(n.internal);
    CHECK(n.attachable);
    CHECK(r.specs[0].labels == string_map{{"a", "b"}});

    CHECK(errors("kind: Network\nname: front\nimage: nginx\ndriverr: x\ninternal: maybe\ndriver_opts: [a=b]\n") ==
          strings{"web.yaml:3:1: image: unknown key for kind Network",
                  "web.yaml:4:1: driverr: unknown key; did you mean \"driver\"?",
                  "web.yaml:5:11: internal: \"maybe\": expected true or false",
                  "web.yaml:6:14: driver_opts: expected a mapping, got a list"});
}

TEST_CASE("volume") {
    auto r = parse("kind: Volume\nname: reports\ndriver: local\n"
                   "driver_opts: {type: nfs, o: \"addr=10.0.0.5,nfsvers=4\", device: \":/exports/reports\"}\n");
    REQUIRE(r.ok());
    const volume& v = *r.specs[0].as_volume();
    CHECK(v.driver == "local");
    CHECK(v.driver_opts == string_map{{"type", "nfs"}, {"o", "addr=10.0.0.5,nfsvers=4"}, {"device", ":/exports/reports"}});
    CHECK(errors("kind: Volume\nname: reports\ninternal: true\n") == strings{"web.yaml:3:1: internal: unknown key"});
}

TEST_CASE("kind") {
    CHECK(errors("kind: service\nname: web\nimage: x\nwhatever: 1\n") ==
          strings{"web.yaml:1:7: kind: \"service\": must be one of Service, Network, Volume; did you mean \"Service\"?"});
    CHECK(errors("kind: [Service]\nname: web\n") == strings{"web.yaml:1:7: kind: expected a string, got a list"});
}

TEST_CASE("several documents") {
    auto r = parse("name: web\nimage: nginx\n---\nkind: Network\nname: front\n---\n# only a comment\n---\n"
                   "kind: Volume\nname: data\n...\n");
    REQUIRE(r.ok());
    REQUIRE(r.specs.size() == 3);
    CHECK(r.specs[0].kind() == kind::service);
    CHECK(r.specs[1].kind() == kind::network);
    CHECK(r.specs[1].origin == source_location{"web.yaml", 4, 1});
    CHECK(r.specs[2].kind() == kind::volume);
    SUBCASE("same name, different kinds is fine; same kind twice is not") {
        CHECK(parse("name: web\nimage: x\n---\nkind: Network\nname: web\n").ok());
        CHECK(errors("name: web\nimage: x\n---\nname: web\nimage: y\n") ==
              strings{"web.yaml:4:1: name: Service \"web\" is also defined at web.yaml:1:1"});
    }
    SUBCASE("all or nothing") {
        auto bad = parse("name: web\nimage: nginx\n---\nkind: Network\nname: X\n");
        CHECK(bad.specs.empty());
        CHECK(bad.errors.size() == 1);
    }
}

TEST_CASE("JSON") {
    auto r = parse(R"({"kind": "Service", "name": "web", "image": "nginx", "ports": ["8080:80", 9000],
	"env": {"A": 1, "B": true}, "replicas": 2})");
    for (const auto& e : r.errors) MESSAGE(e.to_string());
    REQUIRE(r.ok());
    const service& s = *r.specs[0].as_service();
    CHECK(s.ports.size() == 2);
    CHECK(s.env == string_map{{"A", "1"}, {"B", "true"}});
    CHECK(s.replicas == 2);
    CHECK(errors("{\"name\": \"web\", \"image\": \"nginx\", \"replicas\": \"x\"}") ==
          strings{"web.yaml:1:47: replicas: \"x\": expected an integer"});
}

TEST_CASE("network: address plan") {
    auto r = parse("kind: Network\nname: front\nsubnet: 10.40.0.0/16\nip_range: 10.40.8.0/21\ngateway: 10.40.0.1\n");
    for (const auto& e : r.errors) MESSAGE(e.to_string());
    REQUIRE(r.ok());
    const network& n = *r.specs[0].as_network();
    CHECK(n.subnet == "10.40.0.0/16");
    CHECK(n.ip_range == "10.40.8.0/21");
    CHECK(n.gateway == "10.40.0.1");

    SUBCASE("IPv6, written in any of its forms, kept in canonical form") {
        auto six = parse("kind: Network\nname: front\nsubnet: \"fd00:0:0:42::/64\"\ngateway: \"FD00::42:0:0:0:1\"\n");
        for (const auto& e : six.errors) MESSAGE(e.to_string());
        REQUIRE(six.ok());
        CHECK(six.specs[0].as_network()->subnet == "fd00:0:0:42::/64");
        CHECK(six.specs[0].as_network()->gateway == "fd00:0:0:42::1");
    }
    SUBCASE("each value checked where it is written") {
        CHECK(errors("kind: Network\nname: front\nsubnet: 10.40.0.0\n") ==
              strings{"web.yaml:3:9: subnet: \"10.40.0.0\": expected an address block like 10.1.0.0/16"});
        CHECK(errors("kind: Network\nname: front\nsubnet: 10.400.0.0/16\n") ==
              strings{"web.yaml:3:9: subnet: \"10.400.0.0/16\": not an IPv4 or IPv6 address before \"/\""});
        CHECK(errors("kind: Network\nname: front\nsubnet: 10.40.0.0/33\n") ==
              strings{"web.yaml:3:9: subnet: \"10.40.0.0/33\": prefix length must be 0 to 32"});
        CHECK(errors("kind: Network\nname: front\nsubnet: 10.40.0.0/1x\n") ==
              strings{"web.yaml:3:9: subnet: \"10.40.0.0/1x\": prefix length must be 0 to 32"});
        CHECK(errors("kind: Network\nname: front\nsubnet: 10.40.3.0/16\n") ==
              strings{"web.yaml:3:9: subnet: \"10.40.3.0/16\": has host bits set; did you mean 10.40.0.0/16?"});
        CHECK(errors("kind: Network\nname: front\nsubnet: 10.40.0.0/16\ngateway: 10.40.0.0/24\n") ==
              strings{"web.yaml:4:10: gateway: \"10.40.0.0/24\": not an IPv4 or IPv6 address"});
    }
    SUBCASE("ip_range and gateway lie in the subnet") {
        CHECK(errors("kind: Network\nname: front\nip_range: 10.40.8.0/21\ngateway: 10.40.0.1\n") ==
              strings{"web.yaml:3:11: ip_range: needs a subnet to lie in", "web.yaml:4:10: gateway: needs a subnet to lie in"});
        CHECK(errors("kind: Network\nname: front\nsubnet: 10.40.0.0/16\nip_range: 10.41.0.0/24\ngateway: 10.39.255.254\n") ==
              strings{"web.yaml:4:11: ip_range: \"10.41.0.0/24\": not inside subnet 10.40.0.0/16",
                      "web.yaml:5:10: gateway: \"10.39.255.254\": not inside subnet 10.40.0.0/16"});
        CHECK(errors("kind: Network\nname: front\nsubnet: 10.40.0.0/16\nip_range: 10.0.0.0/8\n") ==
              strings{"web.yaml:4:11: ip_range: \"10.0.0.0/8\": not inside subnet 10.40.0.0/16"});
        CHECK(errors("kind: Network\nname: front\nsubnet: 10.40.0.0/16\ngateway: \"fd00::1\"\n") ==
              strings{"web.yaml:4:10: gateway: \"fd00::1\": not inside subnet 10.40.0.0/16"});
        CHECK(errors("kind: Network\nname: front\nsubnet: 10.40.0.0/16\ngateway: 10.40.0.0\n") ==
              strings{"web.yaml:4:10: gateway: \"10.40.0.0\": is the subnet's own network address"});
    }
    SUBCASE("not for volumes") {
        CHECK(errors("kind: Volume\nname: data\nsubnet: 10.40.0.0/16\n") == strings{"web.yaml:3:1: subnet: unknown key"});
    }
}
