// Compose service keys end to end: a compose file using many of them,
// applied by the driftless binary, and the engine's own inspect output
// checked field by field (docker: the container; swarm: the service).
// Each test has its own owner id, whose objects are removed when it ends.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "support/docker_driver_support.hpp"
#include "support/process.hpp"
#include "support/scenario.hpp"

using namespace driftless::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// The one workload the scenario owns, inspected with the engine's CLI
// (found by owner label, whatever name it was given).
json inspect_only_workload(const scenario& s, const std::string& what) {
    const auto names = s.owned_workloads();
    REQUIRE(names.size() == 1);
    auto r = s.engine(what + "inspect " + names[0]);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return json::parse(r.out).at(0);
}

}  // namespace

TEST_CASE("compose keys: a container made from many compose keys carries each in docker inspect") {
    ensure_docker();
    scenario s("ckd");
    const auto web = s.name("web");
    s.write("compose.yaml", "services:\n  " + web + R"(:
    image: driftless-test/busybox:1
    pull_policy: never
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    hostname: box
    domainname: example.org
    working_dir: /tmp
    extra_hosts: ["db:10.0.0.5"]
    dns: [10.0.0.2]
    dns_search: [example.org]
    dns_opt: ["ndots:2"]
    expose: ["8080"]
    read_only: true
    tty: true
    stdin_open: true
    init: true
    shm_size: 32m
    stop_signal: SIGQUIT
    cap_add: [NET_ADMIN]
    cap_drop: [MKNOD]
    security_opt: ["no-new-privileges:true"]
    sysctls: {net.core.somaxconn: 1024}
    pids_limit: 64
    ulimits: {nproc: {soft: 512, hard: 1024}, nofile: {soft: 1024, hard: 2048}}
    logging: {driver: json-file, options: {max-size: 1m}}
    devices: ["/dev/null:/dev/nothing:rw"]
    ipc: shareable
    restart: on-failure:3
    tmpfs: ["/run:size=8m,mode=1777"]
    labels: [com.example.flag]
)");
    auto apply = s.driftless({"apply"});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    const json j = inspect_only_workload(s, "");
    const json& c = j["Config"];
    const json& h = j["HostConfig"];
    CHECK(j["State"]["Status"] == "running");
    CHECK(c["Hostname"] == "box");
    CHECK(c["Domainname"] == "example.org");
    CHECK(c["WorkingDir"] == "/tmp");
    CHECK(c["Tty"] == true);
    CHECK(c["OpenStdin"] == true);
    CHECK(c["StopSignal"] == "SIGQUIT");
    CHECK(c["ExposedPorts"].contains("8080/tcp"));
    CHECK(c["Labels"]["com.example.flag"] == "");
    CHECK(h["ExtraHosts"] == json::parse(R"(["db:10.0.0.5"])"));
    CHECK(h["Dns"] == json::parse(R"(["10.0.0.2"])"));
    CHECK(h["DnsSearch"] == json::parse(R"(["example.org"])"));
    CHECK(h["DnsOptions"] == json::parse(R"(["ndots:2"])"));
    CHECK(h["ReadonlyRootfs"] == true);
    CHECK(h["Init"] == true);
    CHECK(h["ShmSize"] == 32 * 1024 * 1024);
    CHECK(h["CapAdd"] == json::parse(R"(["NET_ADMIN"])"));
    CHECK(h["CapDrop"] == json::parse(R"(["MKNOD"])"));
    CHECK(h["SecurityOpt"] == json::parse(R"(["no-new-privileges:true"])"));
    CHECK(h["Sysctls"] == json::parse(R"({"net.core.somaxconn": "1024"})"));
    CHECK(h["PidsLimit"] == 64);
    CHECK(h["Ulimits"] == json::parse(R"([{"Name": "nofile", "Soft": 1024, "Hard": 2048},
                                          {"Name": "nproc", "Soft": 512, "Hard": 1024}])"));
    CHECK(h["LogConfig"] == json::parse(R"({"Type": "json-file", "Config": {"max-size": "1m"}})"));
    CHECK(h["Devices"] == json::parse(R"([{"PathOnHost": "/dev/null", "PathInContainer": "/dev/nothing", "CgroupPermissions": "rw"}])"));
    CHECK(h["IpcMode"] == "shareable");
    CHECK(h["RestartPolicy"] == json::parse(R"({"Name": "on-failure", "MaximumRetryCount": 3})"));
    CHECK(h["Mounts"].at(0)["TmpfsOptions"] == json::parse(R"({"SizeBytes": 8388608, "Mode": 1023})"));
    // Seen from inside, too.
    auto inside = s.exec_in(s.owned_workloads().at(0), "ulimit -u; cat /proc/sys/net/core/somaxconn; hostname");
    CHECK(inside.out == "512\n1024\nbox\n");
}

TEST_CASE("compose keys: a swarm service made from many compose keys carries each in docker service inspect") {
    ensure_engine("swarm");
    scenario s("cks", "swarm");
    const auto web = s.name("web");
    s.write("compose.yaml", "services:\n  " + web + R"(:
    image: driftless-test/busybox:1
    pull_policy: never
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    hostname: box
    working_dir: /tmp
    extra_hosts: ["db:10.0.0.5"]
    dns: [10.0.0.2]
    dns_opt: ["ndots:2"]
    read_only: true
    tty: true
    init: true
    stop_signal: SIGQUIT
    cap_add: [NET_ADMIN]
    sysctls: {net.core.somaxconn: 1024}
    pids_limit: 64
    ulimits: {nproc: {soft: 512, hard: 1024}}
    logging: {driver: json-file, options: {max-size: 1m}}
    deploy:
      labels: {tier: web}
      endpoint_mode: dnsrr
      restart_policy: {condition: on-failure, delay: 2s, max_attempts: 4, window: 30s}
      update_config: {parallelism: 2, delay: 1s, failure_action: pause, order: start-first}
      rollback_config: {parallelism: 1, order: stop-first}
      placement: {preferences: [{spread: node.labels.zone}], max_replicas_per_node: 2}
)");
    auto apply = s.driftless({"apply"});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    const json j = inspect_only_workload(s, "service ");
    const json& sp = j["Spec"];
    const json& t = sp["TaskTemplate"];
    const json& c = t["ContainerSpec"];
    CHECK(sp["Labels"]["tier"] == "web");
    CHECK_FALSE(c["Labels"].contains("tier"));
    CHECK(c["Hostname"] == "box");
    CHECK(c["Dir"] == "/tmp");
    CHECK(c["Hosts"] == json::parse(R"(["10.0.0.5 db"])"));
    CHECK(c["DNSConfig"] == json::parse(R"({"Nameservers": ["10.0.0.2"], "Options": ["ndots:2"]})"));
    CHECK(c["ReadOnly"] == true);
    CHECK(c["TTY"] == true);
    CHECK(c["Init"] == true);
    CHECK(c["StopSignal"] == "SIGQUIT");
    CHECK(c["CapabilityAdd"] == json::parse(R"(["NET_ADMIN"])"));
    CHECK(c["Sysctls"] == json::parse(R"({"net.core.somaxconn": "1024"})"));
    CHECK(c["Ulimits"] == json::parse(R"([{"Name": "nproc", "Soft": 512, "Hard": 1024}])"));
    CHECK(t["Resources"]["Limits"]["Pids"] == 64);
    CHECK(t["LogDriver"] == json::parse(R"({"Name": "json-file", "Options": {"max-size": "1m"}})"));
    CHECK(t["RestartPolicy"] == json::parse(R"({"Condition": "on-failure", "Delay": 2000000000, "MaxAttempts": 4, "Window": 30000000000})"));
    CHECK(t["Placement"]["Preferences"] == json::parse(R"([{"Spread": {"SpreadDescriptor": "node.labels.zone"}}])"));
    CHECK(t["Placement"]["MaxReplicas"] == 2);
    CHECK(sp["UpdateConfig"]["Parallelism"] == 2);
    CHECK(sp["UpdateConfig"]["Delay"] == 1000000000);
    CHECK(sp["UpdateConfig"]["FailureAction"] == "pause");
    CHECK(sp["UpdateConfig"]["Order"] == "start-first");
    CHECK(sp["RollbackConfig"]["Order"] == "stop-first");
    CHECK(sp["EndpointSpec"]["Mode"] == "dnsrr");
    const auto name = s.owned_workloads().at(0);   // PROJECT_SERVICE
    CHECK(wait_until([&] { return s.workload_state(name) == "running"; }, 90s));
}

TEST_CASE("compose keys: what a swarm service cannot carry is an error for that service") {
    ensure_engine("swarm");
    scenario s("ckx", "swarm");
    const auto web = s.name("web");
    s.write("compose.yaml", "services:\n  " + web + ":\n    image: driftless-test/busybox:1\n    pull_policy: never\n"
                            "    command: [\"sleep\", \"3600\"]\n    privileged: true\n");
    auto apply = s.driftless({"apply"});
    CHECK(apply.exit_code == 1);
    CHECK(apply.err.find(web + ": privileged: not supported by swarm services; remove it or use the docker driver") !=
          std::string::npos);
    CHECK(s.owned_workloads().empty());
}
