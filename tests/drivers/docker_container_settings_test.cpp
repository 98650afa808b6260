#include <doctest/doctest.h>

#include "drivers/docker_container_body.hpp"
#include "drivers/docker_container_settings.hpp"

using namespace driftless::drivers::docker;
using nlohmann::json;
namespace ds = driftless::desired_state;

namespace {

ds::spec service_spec(ds::service svc) {
    ds::spec s;
    s.name = "web";
    s.body = std::move(svc);
    return s;
}

ds::service with_settings() {
    ds::service svc;
    svc.image = "driftless-test/busybox:1";
    svc.hostname = "web-1";
    svc.domainname = "example.org";
    svc.working_dir = "/srv";
    svc.tty = true;
    svc.stdin_open = true;
    svc.stop_signal = "SIGQUIT";
    svc.expose_ports = {"8080/tcp"};
    svc.extra_hosts = {"db:10.0.0.5"};
    svc.dns = {"10.0.0.2"};
    svc.dns_search = {"example.org"};
    svc.dns_options = {"ndots:2"};
    svc.read_only = true;
    svc.init = true;
    svc.privileged = true;
    svc.shm_size = 1 << 26;
    svc.cap_add = {"NET_ADMIN"};
    svc.cap_drop = {"MKNOD"};
    svc.security_opt = {"no-new-privileges:true"};
    svc.sysctls = {{"net.core.somaxconn", "1024"}};
    svc.pids_limit = 100;
    svc.group_add = {"audio", "999"};
    svc.cpu_shares = 512;
    svc.cpuset = "0-1";
    svc.mem_swappiness = 0;
    svc.memswap_limit = -1;
    svc.open_files = 1024;
    svc.ulimits = {{"nproc", 100, 200}};
    svc.logging = ds::logging_config{"json-file", {{"max-size", "10m"}}};
    svc.links = {"cache:c", "db"};
    svc.devices = {{"/dev/null", "/dev/n", "rw"}};
    svc.pid = "host";
    svc.ipc = "shareable";
    svc.runtime = "runc";
    svc.restart = ds::restart_policy::on_failure;
    svc.restart_max_attempts = 5;
    svc.networks = {"front", "back"};
    svc.endpoints["front"] = ds::network_endpoint{{"shop"}, "10.1.0.5", ""};
    ds::mount bind;
    bind.type = ds::mount_type::bind;
    bind.source = "/opt/a";
    bind.target = "/a";
    bind.read_only = true;
    bind.bind_selinux = "z";
    svc.mounts = {bind};
    return svc;
}

}  // namespace

TEST_CASE("container settings: each compose key in the create body") {
    const json b = container_create_body(service_spec(with_settings()), "h1", driftless::drivers::ownership{"own", ""}, "");
    CHECK(b["Hostname"] == "web-1");
    CHECK(b["Domainname"] == "example.org");
    CHECK(b["WorkingDir"] == "/srv");
    CHECK(b["Tty"] == true);
    CHECK(b["OpenStdin"] == true);
    CHECK(b["StopSignal"] == "SIGQUIT");
    CHECK(b["ExposedPorts"] == json::parse(R"({"8080/tcp": {}})"));
    CHECK(b["NetworkingConfig"] == json::parse(R"({"EndpointsConfig": {"front":
        {"Aliases": ["web", "shop"], "IPAMConfig": {"IPv4Address": "10.1.0.5"}}}})"));
    const json& h = b["HostConfig"];
    CHECK(h["ExtraHosts"] == json::parse(R"(["db:10.0.0.5"])"));
    CHECK(h["Dns"] == json::parse(R"(["10.0.0.2"])"));
    CHECK(h["DnsSearch"] == json::parse(R"(["example.org"])"));
    CHECK(h["DnsOptions"] == json::parse(R"(["ndots:2"])"));
    CHECK(h["ReadonlyRootfs"] == true);
    CHECK(h["Init"] == true);
    CHECK(h["Privileged"] == true);
    CHECK(h["ShmSize"] == 1 << 26);
    CHECK(h["CapAdd"] == json::parse(R"(["NET_ADMIN"])"));
    CHECK(h["CapDrop"] == json::parse(R"(["MKNOD"])"));
    CHECK(h["SecurityOpt"] == json::parse(R"(["no-new-privileges:true"])"));
    CHECK(h["Sysctls"] == json::parse(R"({"net.core.somaxconn": "1024"})"));
    CHECK(h["PidsLimit"] == 100);
    CHECK(h["GroupAdd"] == json::parse(R"(["audio", "999"])"));
    CHECK(h["CpuShares"] == 512);
    CHECK(h["CpusetCpus"] == "0-1");
    CHECK(h["MemorySwappiness"] == 0);   // set: 0 is a value here, not "unset"
    CHECK(h["MemorySwap"] == -1);
    CHECK(h["Ulimits"] == json::parse(R"([{"Name": "nofile", "Soft": 1024, "Hard": 1024},
                                          {"Name": "nproc", "Soft": 100, "Hard": 200}])"));
    CHECK(h["LogConfig"] == json::parse(R"({"Type": "json-file", "Config": {"max-size": "10m"}})"));
    CHECK(h["Links"] == json::parse(R"(["cache:c", "db:db"])"));
    CHECK(h["Devices"] == json::parse(R"([{"PathOnHost": "/dev/null", "PathInContainer": "/dev/n", "CgroupPermissions": "rw"}])"));
    CHECK(h["PidMode"] == "host");
    CHECK(h["IpcMode"] == "shareable");
    CHECK(h["Runtime"] == "runc");
    CHECK(h["RestartPolicy"] == json::parse(R"({"Name": "on-failure", "MaximumRetryCount": 5})"));
    CHECK(h["Binds"] == json::parse(R"(["/opt/a:/a:ro,z"])"));
    CHECK_FALSE(h.contains("Mounts"));
    CHECK(endpoint_settings("back", service_spec(with_settings())) == json::parse(R"({"Aliases": ["web"]})"));
}

TEST_CASE("container settings: a bind whose source may be created is a Binds entry, as compose's") {
    ds::service svc;
    svc.image = "x";
    ds::mount bind;
    bind.type = ds::mount_type::bind;
    bind.source = "/srv/x";
    bind.target = "/x";
    ds::mount fixed = bind;
    fixed.source = "/srv/y";
    fixed.target = "/y";
    fixed.bind_create_host_path = false;
    svc.mounts = {bind, fixed};
    const json h = container_create_body(service_spec(svc), "h1", driftless::drivers::ownership{"own", ""}, "")["HostConfig"];
    // The engine makes a missing source of a Binds entry; the Mounts API refuses it.
    CHECK(h["Binds"] == json::parse(R"(["/srv/x:/x:rw"])"));
    CHECK(h["Mounts"] == json::parse(R"([{"Type": "bind", "Source": "/srv/y", "Target": "/y", "ReadOnly": false}])"));
}

TEST_CASE("container settings: none set adds nothing") {
    ds::service svc;
    svc.image = "x";
    const json b = container_create_body(service_spec(svc), "h1", driftless::drivers::ownership{"own", ""}, "");
    CHECK(b["HostConfig"] == json::parse(R"({"RestartPolicy": {"Name": "unless-stopped", "MaximumRetryCount": 0}})"));
    CHECK(b.size() == 3);
}

TEST_CASE("container settings: network_mode and deploy.restart_policy") {
    ds::service svc;
    svc.image = "x";
    svc.network_mode = "service:db";
    svc.swarm_restart = ds::swarm_restart_policy{"on-failure", 0, 4, 0};
    const json h = container_create_body(service_spec(svc), "h1", driftless::drivers::ownership{"own", ""}, "")["HostConfig"];
    CHECK(h["NetworkMode"] == "container:db");
    CHECK(h["RestartPolicy"] == json::parse(R"({"Name": "on-failure", "MaximumRetryCount": 4})"));
    svc.swarm_restart = ds::swarm_restart_policy{"none", 0, 0, 0};
    CHECK(container_create_body(service_spec(svc), "h1", driftless::drivers::ownership{"own", ""}, "")["HostConfig"]["RestartPolicy"]["Name"] == "no");
}

TEST_CASE("container settings: swarm-only settings are errors for the docker and podman drivers") {
    auto message = [](ds::service svc) {
        svc.image = "x";
        auto st = check_container_spec(service_spec(svc));
        return st ? std::string() : st.err().message;
    };
    ds::service svc;
    svc.service_labels = {{"a", "b"}};
    CHECK(message(svc) ==
          "web: deploy.labels: not supported by the docker and podman drivers (a swarm service setting; use the swarm driver)");
    svc = {};
    svc.endpoint_mode = "dnsrr";
    CHECK(message(svc) ==
          "web: deploy.endpoint_mode: not supported by the docker and podman drivers (a swarm service setting; use the swarm driver)");
    svc = {};
    svc.placement_preferences = {"spread=node.labels.zone"};
    CHECK(message(svc).find("deploy.placement.preferences: not supported") != std::string::npos);
    svc = {};
    svc.max_replicas_per_node = 1;
    CHECK(message(svc).find("deploy.placement.max_replicas_per_node: not supported") != std::string::npos);
    svc = {};
    svc.swarm_restart = ds::swarm_restart_policy{"any", 5, 0, 0};
    CHECK(message(svc) == "web: deploy.restart_policy: not supported by the docker and podman drivers (a container "
                          "restarts at once, without delay or window; remove them)");
    svc = {};
    ds::mount m;
    m.source = "data";
    m.target = "/data";
    m.volume_subpath = "sub";
    svc.mounts = {m};
    CHECK(message(svc) == "web: volumes: not supported by the docker and podman drivers (/data: a volume subpath needs "
                          "Engine API 1.45; mount the whole volume)");
    CHECK(message(with_settings()) == "");
}
