#include <doctest/doctest.h>

#include "drivers/docker_network_body.hpp"
#include "drivers/docker_volume_body.hpp"

using namespace driftless::drivers::docker;
using nlohmann::json;
namespace ds = driftless::desired_state;

TEST_CASE("network and volume bodies: network") {
    ds::spec s;
    s.name = "front";
    ds::network n;
    n.driver = "bridge";
    n.driver_opts = {{"com.docker.network.bridge.enable_icc", "true"}};
    n.internal = true;
    n.attachable = true;
    s.body = n;
    s.labels = {{"team", "a"}};
    CHECK(network_create_body(s, "h", driftless::drivers::ownership{"o", ""}, "") == json::parse(R"({
        "Name": "front", "Driver": "bridge",
        "Options": {"com.docker.network.bridge.enable_icc": "true"},
        "Internal": true, "Attachable": true, "CheckDuplicate": true,
        "Labels": {"team": "a", "io.driftless.owner": "o", "io.driftless.name": "front",
                   "io.driftless.spec-hash": "h", "io.driftless.kind": "Network",
                   "io.driftless.mac": "d7603aa2c444ce3a15d18d7d5e119873ea006585e4448fd4f386c7cda2b55589"}
    })"));
}

TEST_CASE("network and volume bodies: a network's address plan is its IPAM config") {
    ds::spec s;
    s.name = "front";
    ds::network n;
    n.subnet = "10.40.0.0/16";
    n.ip_range = "10.40.8.0/21";
    n.gateway = "10.40.0.1";
    s.body = n;
    const auto body = network_create_body(s, "h", driftless::drivers::ownership{"o", ""}, "");
    CHECK(body["IPAM"] == json::parse(R"({"Driver": "default",
        "Config": [{"Subnet": "10.40.0.0/16", "IPRange": "10.40.8.0/21", "Gateway": "10.40.0.1"}]})"));
    CHECK_FALSE(body.contains("EnableIPv6"));
    n = ds::network{};
    n.subnet = "fd00:0:0:42::/64";
    s.body = n;
    const auto six = network_create_body(s, "h", driftless::drivers::ownership{"o", ""}, "");
    CHECK(six["IPAM"]["Config"] == json::parse(R"([{"Subnet": "fd00:0:0:42::/64"}])"));
    CHECK(six["EnableIPv6"] == true);
    s.body = ds::network{};
    CHECK_FALSE(network_create_body(s, "h", driftless::drivers::ownership{"o", ""}, "").contains("IPAM"));
}

TEST_CASE("network and volume bodies: an NFS volume is the local driver with options") {
    ds::spec s;
    s.name = "reports";
    ds::volume v;
    v.driver = "local";
    v.driver_opts = {{"type", "nfs"}, {"o", "addr=10.0.0.5,nfsvers=4"}, {"device", ":/exports/reports"}};
    s.body = v;
    CHECK(volume_create_body(s, "h", driftless::drivers::ownership{"o", ""}, "{}") == json::parse(R"({
        "Name": "reports", "Driver": "local",
        "DriverOpts": {"type": "nfs", "o": "addr=10.0.0.5,nfsvers=4", "device": ":/exports/reports"},
        "Labels": {"io.driftless.owner": "o", "io.driftless.name": "reports",
                   "io.driftless.spec-hash": "h", "io.driftless.kind": "Volume", "io.driftless.spec": "{}",
                   "io.driftless.mac": "25c4ee548c8df4ef79400d9f466bab8bafc69005b83f742c866759069c212850"}
    })"));
}
