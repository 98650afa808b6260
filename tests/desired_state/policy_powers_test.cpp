// --policy FILE: what a container may do on its host beyond its image and
// mounts: privileges, capabilities, devices, host namespaces, confinement
// and kernel settings. Specs are built directly, as the parser would leave
// them.
#include <doctest/doctest.h>

#include <functional>

#include "desired_state/policy.hpp"
#include "policy_support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;
using strings = std::vector<std::string>;

namespace {

spec web(const std::function<void(service&)>& edit) {
    service body;
    body.image = "registry.local/web:1";
    edit(body);
    spec s;
    s.name = "web";
    s.body = std::move(body);
    s.origin = {"web.yaml", 3, 1};
    return s;
}

}  // namespace

TEST_CASE("policy: privileged: false denies a privileged container") {
    auto p = policy_of("privileged: false\n");
    CHECK(denied(p, web([](service& s) { s.privileged = true; })) ==
          strings{"web.yaml:3:1: privileged: denied by the policy: privileged containers are not allowed"});
    CHECK(denied(p, web([](service&) {})).empty());
    CHECK(denied(policy_of(""), web([](service& s) { s.privileged = true; })).empty());
}

TEST_CASE("policy: capabilities lists the ones a container may add") {
    auto p = policy_of("capabilities: [NET_ADMIN, cap_net_raw]\n");
    CHECK(denied(p, web([](service& s) { s.cap_add = {"NET_ADMIN", "NET_RAW"}; })).empty());
    CHECK(denied(p, web([](service& s) { s.cap_add = {"NET_ADMIN", "SYS_ADMIN"}; })) ==
          strings{"web.yaml:3:1: cap_add: denied by the policy: capability \"SYS_ADMIN\" is not allowed "
                  "(\"NET_ADMIN\", \"NET_RAW\")"});
    CHECK(denied(p, web([](service& s) { s.cap_add = {"ALL"}; })).size() == 1);
    // Dropping is always allowed.
    CHECK(denied(policy_of("capabilities: false\n"), web([](service& s) { s.cap_drop = {"ALL"}; })).empty());
    CHECK(denied(policy_of("capabilities: []\n"), web([](service& s) { s.cap_add = {"CHOWN"}; })) ==
          strings{"web.yaml:3:1: cap_add: denied by the policy: capability \"CHOWN\" is not allowed (none)"});
}

TEST_CASE("policy: devices is false or the host devices a container may use") {
    auto serial = [](service& s) { s.devices = {{"/dev/ttyUSB0", "/dev/ttyUSB0", "rwm"}}; };
    auto disk = [](service& s) { s.devices = {{"/dev/sda", "/dev/sda", "rwm"}}; };
    auto climb = [](service& s) { s.devices = {{"/dev/ttyUSB0/../sda", "/dev/x", "rwm"}}; };
    auto none = policy_of("devices: false\n");
    CHECK(denied(none, web(serial)) ==
          strings{"web.yaml:3:1: devices: denied by the policy: host device \"/dev/ttyUSB0\" is not allowed (none)"});
    auto one = policy_of("devices: [/dev/ttyUSB0]\n");
    CHECK(denied(one, web(serial)).empty());
    CHECK(denied(one, web(disk)) ==
          strings{"web.yaml:3:1: devices: denied by the policy: host device \"/dev/sda\" is not allowed "
                  "(\"/dev/ttyUSB0\")"});
    CHECK(denied(one, web(climb)).size() == 1);
    CHECK(denied(policy_of("devices: true\n"), web(disk)).empty());
}

TEST_CASE("policy: host_network also denies network_mode host") {
    auto p = policy_of("host_network: false\n");
    CHECK(denied(p, web([](service& s) { s.network_mode = "host"; })) ==
          strings{"web.yaml:3:1: network_mode: denied by the policy: the host network is not allowed"});
    CHECK(denied(p, web([](service& s) { s.network_mode = "none"; })).empty());
}

TEST_CASE("policy: host_namespaces denies the host's pid and ipc namespaces") {
    auto p = policy_of("host_namespaces: false\n");
    CHECK(denied(p, web([](service& s) {
              s.pid = "host";
              s.ipc = "host";
          })) == strings{"web.yaml:3:1: pid: denied by the policy: the host's process namespace is not allowed",
                         "web.yaml:3:1: ipc: denied by the policy: the host's IPC namespace is not allowed"});
    CHECK(denied(p, web([](service& s) { s.ipc = "shareable"; })).empty());
    CHECK(denied(policy_of(""), web([](service& s) { s.pid = "host"; })).empty());
}

TEST_CASE("policy: unconfined: false denies security options that turn confinement off") {
    auto p = policy_of("unconfined: false\n");
    for (std::string opt : {"seccomp=unconfined", "seccomp:unconfined", "apparmor=unconfined", "apparmor:unconfined",
                            "label=disable", "label:disable", "label=type:spc_t", "label=type:unconfined_t",
                            "systempaths=unconfined"}) {
        CAPTURE(opt);
        CHECK(denied(p, web([&](service& s) { s.security_opt = {opt}; })) ==
              strings{"web.yaml:3:1: security_opt: denied by the policy: \"" + opt +
                      "\" turns confinement off (unconfined: false)"});
    }
    CHECK(denied(p, web([](service& s) { s.security_opt = {"no-new-privileges:true", "label=level:s0:c100,c200",
                                                           "apparmor=docker-default"}; }))
              .empty());
}

TEST_CASE("policy: sysctls lists the kernel settings a container may change") {
    auto p = policy_of("sysctls: [net.ipv4.*, net.core.somaxconn]\n");
    CHECK(denied(p, web([](service& s) {
              s.sysctls = {{"net.ipv4.ip_forward", "1"}, {"net.core.somaxconn", "1024"}, {"net/ipv4/tcp_syncookies", "1"}};
          })).empty());
    CHECK(denied(p, web([](service& s) { s.sysctls = {{"kernel.shm_rmid_forced", "1"}, {"net.ipv4x.y", "1"}}; })) ==
          strings{"web.yaml:3:1: sysctls: denied by the policy: sysctl \"kernel.shm_rmid_forced\" is not allowed "
                  "(\"net.ipv4.*\", \"net.core.somaxconn\")",
                  "web.yaml:3:1: sysctls: denied by the policy: sysctl \"net.ipv4x.y\" is not allowed "
                  "(\"net.ipv4.*\", \"net.core.somaxconn\")"});
    CHECK(denied(policy_of("sysctls: false\n"), web([](service& s) { s.sysctls = {{"net.ipv4.ip_forward", "1"}}; }))
              .size() == 1);
}
