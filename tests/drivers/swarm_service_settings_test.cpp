#include <doctest/doctest.h>

#include "drivers/swarm_service_body.hpp"

using namespace driftless::drivers::swarm;
using nlohmann::json;
namespace ds = driftless::desired_state;

namespace {

ds::spec service_spec(ds::service svc) {
    ds::spec s;
    s.name = "web";
    s.labels = {{"team", "a"}};
    s.body = std::move(svc);
    return s;
}

}  // namespace

TEST_CASE("swarm settings: each compose key in the ServiceSpec") {
    ds::service svc;
    svc.image = "x";
    svc.hostname = "web-1";
    svc.working_dir = "/srv";
    svc.extra_hosts = {"db:10.0.0.5", "v6:::1"};
    svc.dns = {"10.0.0.2"};
    svc.dns_search = {"example.org"};
    svc.dns_options = {"ndots:2"};
    svc.read_only = true;
    svc.tty = true;
    svc.stdin_open = true;
    svc.init = false;
    svc.stop_signal = "SIGQUIT";
    svc.cap_add = {"NET_ADMIN"};
    svc.cap_drop = {"MKNOD"};
    svc.sysctls = {{"net.core.somaxconn", "1024"}};
    svc.ulimits = {{"nproc", 100, 200}};
    svc.pids_limit = 50;
    svc.group_add = {"audio"};
    svc.logging = ds::logging_config{"json-file", {{"max-size", "10m"}}};
    svc.platform = "linux/arm64/v8";
    svc.placement_preferences = {"spread=node.labels.zone"};
    svc.max_replicas_per_node = 2;
    svc.swarm_restart = ds::swarm_restart_policy{"on-failure", 5'000'000'000, 3, 60'000'000'000};
    svc.networks = {"front"};
    svc.endpoints["front"] = ds::network_endpoint{{"shop"}, "", ""};
    svc.service_labels = {{"tier", "web"}};
    svc.update_config = ds::update_policy{2, 10, "rollback", 30, 0.25, "start-first"};
    svc.rollback_config = ds::update_policy{};
    svc.endpoint_mode = "dnsrr";
    const ds::spec s = service_spec(svc);
    REQUIRE(check_service_spec(s));
    const json b = service_spec_body(s, "h1", driftless::drivers::ownership{"own", ""}, "");
    const json& c = b["TaskTemplate"]["ContainerSpec"];
    CHECK(c["Hostname"] == "web-1");
    CHECK(c["Groups"] == json::parse(R"(["audio"])"));
    CHECK(c["Dir"] == "/srv");
    CHECK(c["Hosts"] == json::parse(R"(["10.0.0.5 db", "::1 v6"])"));
    CHECK(c["DNSConfig"] == json::parse(R"({"Nameservers": ["10.0.0.2"], "Search": ["example.org"], "Options": ["ndots:2"]})"));
    CHECK(c["ReadOnly"] == true);
    CHECK(c["TTY"] == true);
    CHECK(c["OpenStdin"] == true);
    CHECK(c["Init"] == false);
    CHECK(c["StopSignal"] == "SIGQUIT");
    CHECK(c["CapabilityAdd"] == json::parse(R"(["NET_ADMIN"])"));
    CHECK(c["CapabilityDrop"] == json::parse(R"(["MKNOD"])"));
    CHECK(c["Sysctls"] == json::parse(R"({"net.core.somaxconn": "1024"})"));
    CHECK(c["Ulimits"] == json::parse(R"([{"Name": "nproc", "Soft": 100, "Hard": 200}])"));
    CHECK(c["Labels"]["team"] == "a");
    CHECK_FALSE(c["Labels"].contains("tier"));
    const json& t = b["TaskTemplate"];
    CHECK(t["Resources"] == json::parse(R"({"Limits": {"Pids": 50}})"));
    CHECK(t["LogDriver"] == json::parse(R"({"Name": "json-file", "Options": {"max-size": "10m"}})"));
    CHECK(t["Placement"] == json::parse(R"({"Platforms": [{"OS": "linux", "Architecture": "arm64"}],
        "Preferences": [{"Spread": {"SpreadDescriptor": "node.labels.zone"}}], "MaxReplicas": 2})"));
    CHECK(t["RestartPolicy"] == json::parse(R"({"Condition": "on-failure", "Delay": 5000000000, "MaxAttempts": 3, "Window": 60000000000})"));
    CHECK(t["Networks"] == json::parse(R"([{"Target": "front", "Aliases": ["web", "shop"]}])"));
    CHECK(b["Labels"]["tier"] == "web");
    CHECK(b["Labels"]["team"] == "a");
    CHECK(b["UpdateConfig"] == json::parse(R"({"Parallelism": 2, "Delay": 10, "FailureAction": "rollback", "Monitor": 30,
        "MaxFailureRatio": 0.25, "Order": "start-first"})"));
    CHECK(b["RollbackConfig"] == json::parse(R"({"Parallelism": 1})"));
    CHECK(b["EndpointSpec"]["Mode"] == "dnsrr");
}

TEST_CASE("swarm settings: restart on-failure:N") {
    ds::service svc;
    svc.image = "x";
    svc.restart = ds::restart_policy::on_failure;
    svc.restart_max_attempts = 5;
    CHECK(service_spec_body(service_spec(svc), "h", driftless::drivers::ownership{"o", ""}, "")["TaskTemplate"]["RestartPolicy"] ==
          json::parse(R"({"Condition": "on-failure", "MaxAttempts": 5})"));
}

TEST_CASE("swarm settings: a failed update rolls back unless update_config says otherwise") {
    ds::service svc;
    svc.image = "x";
    const driftless::drivers::ownership who{"o", ""};
    CHECK(service_spec_body(service_spec(svc), "h", who, "")["UpdateConfig"] ==
          json::parse(R"({"Parallelism": 1, "FailureAction": "rollback"})"));
    svc.update_config = ds::update_policy{};
    svc.update_config->failure_action = "pause";
    CHECK(service_spec_body(service_spec(svc), "h", who, "")["UpdateConfig"]["FailureAction"] == "pause");
    svc.rollback_config = ds::update_policy{};
    CHECK_FALSE(service_spec_body(service_spec(svc), "h", who, "")["RollbackConfig"].contains("FailureAction"));
}

TEST_CASE("swarm settings: what swarm services cannot have is an error naming the key") {
    auto message = [](void (*set)(ds::service&)) {
        ds::service svc;
        svc.image = "x";
        set(svc);
        auto st = check_service_spec(service_spec(svc));
        return st ? std::string() : st.err().message;
    };
    CHECK(message([](ds::service& s) { s.privileged = true; }) ==
          "web: privileged: not supported by swarm services; remove it or use the docker driver");
    CHECK(message([](ds::service& s) { s.devices = {{"/dev/a", "/dev/a", "rwm"}}; }) ==
          "web: devices: not supported by swarm services; remove it or use the docker driver");
    CHECK(message([](ds::service& s) { s.network_mode = "host"; }) ==
          "web: network_mode: not supported by swarm services; use networks, or the docker driver");
    CHECK(message([](ds::service& s) { s.pid = "host"; }).find("web: pid: not supported") == 0);
    CHECK(message([](ds::service& s) { s.ipc = "host"; }).find("web: ipc: not supported") == 0);
    CHECK(message([](ds::service& s) { s.links = {"db"}; }) ==
          "web: links: not supported by swarm services; services on a shared network reach each other by name");
    CHECK(message([](ds::service& s) { s.shm_size = 1; }) ==
          "web: shm_size: not supported by swarm services; mount a tmpfs at /dev/shm instead");
    CHECK(message([](ds::service& s) { s.runtime = "runc"; }).find("web: runtime: not supported") == 0);
    CHECK(message([](ds::service& s) { s.domainname = "x.org"; }).find("web: domainname: not supported") == 0);
    CHECK(message([](ds::service& s) { s.expose_ports = {"80/tcp"}; }).find("web: expose: not supported") == 0);
    CHECK(message([](ds::service& s) { s.security_opt = {"a"}; }).find("web: security_opt: not supported") == 0);
    CHECK(message([](ds::service& s) { s.cpu_shares = 512; }) ==
          "web: cpu_shares: not supported by swarm services; use deploy.resources.limits.cpus, or the docker driver");
    CHECK(message([](ds::service& s) { s.cpuset = "0"; }).find("web: cpuset: not supported") == 0);
    CHECK(message([](ds::service& s) { s.mem_swappiness = 0; }).find("web: mem_swappiness: not supported") == 0);
    CHECK(message([](ds::service& s) { s.memswap_limit = -1; }).find("web: memswap_limit: not supported") == 0);
    CHECK(message([](ds::service& s) {
              s.networks = {"front"};
              s.endpoints["front"].ipv4_address = "10.0.0.1";
          }) == "web: networks.front.ipv4_address/ipv6_address: not supported by swarm services; swarm assigns task "
                "addresses; remove it");
    CHECK(message([](ds::service& s) {
              ds::mount m;
              m.type = ds::mount_type::bind;
              m.source = "/a";
              m.target = "/a";
              m.bind_selinux = "Z";
              s.mounts = {m};
          }) == "web: volumes: not supported by swarm services; an SELinux relabel (:z, :Z) of a bind mount; remove it");
}
