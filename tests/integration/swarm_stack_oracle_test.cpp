// `docker stack deploy` as the oracle for the swarm driver: one stack file
// with deploy: blocks, in two folders, deployed once as stack A by the
// docker CLI and once by driftless --driver swarm from folder B (the
// project, hence stack, name is the folder's). The services' specs and the
// networks are read back with `docker service inspect` / `docker network
// inspect` and compared field by field after A's name is replaced by B's
// (support/oracle_views.hpp). Every difference left is a failure or listed
// below with its reason (and in README, "Coming from docker compose").
#include <doctest/doctest.h>

#include <filesystem>
#include <random>

#include "support/deployments.hpp"
#include "support/inspect_diff.hpp"
#include "support/oracle_views.hpp"
#include "support/process.hpp"
#include "support/scenario.hpp"

using namespace driftless::testing;
using namespace std::chrono_literals;

namespace {

// Where a stack and driftless differ on purpose, and why (as README).
const allowed_difference stack_differences[] = {
    {"/services/*/Labels/com.docker.stack.*",
     "docker stack's bookkeeping (namespace, image); driftless labels a project compose's way "
     "(com.docker.compose.project, .service)"},
    {"/services/*/Labels/com.docker.compose.*", "as com.docker.stack.*"},
    {"/services/*/Labels/io.driftless.*", "driftless's ownership labels (owner, name, spec hash)"},
    {"/services/*/TaskTemplate/ContainerSpec/Labels/com.docker.stack.namespace", "as the service's labels"},
    {"/services/*/TaskTemplate/ContainerSpec/Labels/com.docker.compose.*", "as the service's labels"},
    {"/services/*/TaskTemplate/Networks/*/Aliases/<name>",
     "driftless adds the service's own name as an alias (swarm's DNS answers to it anyway)"},
    {"/services/*/TaskTemplate/ContainerSpec/Mounts/*/VolumeOptions",
     "docker stack copies a volume's labels into the mount, for the volume a task makes on its node; driftless "
     "passes the volume's driver and options there, and creates the volume, with its labels, itself"},
    {"/services/*_worker/UpdateConfig/*",
     "no update_config in the file: driftless gives swarm's update FailureAction rollback (swarm's default is "
     "pause, which leaves a failed update half way)"},
    {"/services/*_plain/UpdateConfig/*", "as *_worker"},
    {"/networks/*/Attachable",
     "driftless makes every swarm network an attachable overlay, so plain containers may join it; docker stack "
     "only with attachable: true"},
    {"/networks/*/IPAM/Config", "no ipam in the file: the swarm picks a free subnet for each network"},
    {"/networks/*/Labels/com.docker.stack.namespace", "as the services' labels"},
    {"/networks/*/Labels/com.docker.compose.*", "as the services' labels"},
    {"/networks/*/Labels/io.driftless.*", "driftless's ownership labels"},
};

// Two services with deploy: blocks and one with none. `port`: the first of
// two free host ports.
std::string stack_file(int port) {
    const std::string p0 = std::to_string(port), p1 = std::to_string(port + 1);
    return R"(version: "3.8"
services:
  web:
    image: driftless-test/busybox:1
    command: ["sh", "-c", "trap : TERM INT; sleep 3600 & wait"]
    environment: {PLAIN: "1", SPACED: "two words", EMPTY: ""}
    labels: {org.example.container: web}
    hostname: webhost
    user: "1000:1000"
    working_dir: /tmp
    read_only: true
    init: true
    stop_signal: SIGINT
    stop_grace_period: 5s
    extra_hosts: ["db.example:10.0.0.5"]
    dns: [10.0.0.53]
    dns_search: [example.org]
    cap_add: [NET_ADMIN]
    cap_drop: [MKNOD]
    sysctls: {net.core.somaxconn: "1024"}
    ulimits:
      nofile: {soft: 1024, hard: 2048}
    healthcheck:
      test: "test -d /tmp"
      interval: 20s
      timeout: 3s
      retries: 2
      start_period: 5s
    logging:
      driver: json-file
      options: {max-size: 1m}
    ports: [")" + p0 + R"(:80"]
    volumes:
      - data:/data
      - ./x:/x:ro
      - type: tmpfs
        target: /cache
        tmpfs: {size: 1048576}
    networks:
      front:
        aliases: [web.local]
    deploy:
      replicas: 2
      labels: {org.example.service: web}
      endpoint_mode: vip
      restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 2m}
      update_config: {parallelism: 2, delay: 10s, failure_action: rollback, monitor: 30s, max_failure_ratio: 0.1, order: start-first}
      rollback_config: {parallelism: 1, delay: 5s, failure_action: pause, monitor: 10s, max_failure_ratio: 0.2, order: stop-first}
      placement:
        constraints: [node.role == manager]
        preferences: [{spread: node.labels.zone}]
        max_replicas_per_node: 2
      resources:
        limits: {cpus: "0.5", memory: 64M}
        reservations: {cpus: "0.1", memory: 16M}
  worker:
    image: driftless-test/busybox:1
    command: sleep 3600
    environment: ["LIST=1", "OTHER=a=b"]
    stop_grace_period: 1s
    ports:
      - {target: 81, published: )" + p1 + R"(, protocol: udp, mode: host}
    networks: [back]
    deploy:
      replicas: 1
      endpoint_mode: dnsrr
      restart_policy: {condition: any}
  plain:
    image: driftless-test/busybox:1
    command: ["sleep", "3600"]
    restart: unless-stopped
    stop_grace_period: 1s
networks:
  front:
    driver: overlay
    labels: {org.example.net: front}
  back:
    driver: overlay
volumes:
  data:
    labels: {org.example.vol: data}
)";
}

}  // namespace

TEST_CASE("swarm: oracle: a stack file deployed as a stack and by driftless gives the same services and networks") {
    ensure_engine("swarm");
    scenario s("ors", "swarm");
    const std::string a = "stack-a-" + s.owner(), b = "stack-b-" + s.owner();
    const int port = 20000 + static_cast<int>(std::random_device{}() % 20000);
    for (const auto& p : {a, b}) {
        s.write(p + "/docker-compose.yml", stack_file(port));
        std::filesystem::create_directories(s.dir() / p / "x");   // swarm does not make a missing bind source
    }

    // One after the other: both publish the same ports.
    nlohmann::json by_stack, by_driftless;
    {
        swarm_stack oracle(a);
        auto deploy = oracle.deploy(s.dir() / a / "docker-compose.yml");
        INFO(deploy.err);
        REQUIRE(deploy.exit_code == 0);
        // Its tasks running, none is still making its volume when the stack goes.
        CHECK(wait_until([&] { return oracle.running(); }, 120s));
        by_stack = replaced(stack_view("label=com.docker.stack.namespace=" + a), a, b);
    }
    auto apply = s.driftless({"apply", "-s", (s.dir() / b).string()});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    by_driftless = stack_view("label=io.driftless.owner=" + s.owner());
    s.cleanup();
    // A swarm network goes once the last task leaves it.
    CHECK(wait_until([&] { return docker_lines("network ls -q --filter label=io.driftless.owner=" + s.owner()).empty(); },
                     120s));

    CHECK(by_stack["services"].size() == 3);
    CHECK(by_stack["services"].size() == by_driftless["services"].size());
    const std::string web = "/services/" + b + "_web";
    check_present(by_stack, {web + "/UpdateConfig/MaxFailureRatio", web + "/RollbackConfig/Order",
                             web + "/TaskTemplate/Placement/MaxReplicas", web + "/TaskTemplate/Placement/Preferences",
                             web + "/TaskTemplate/Resources/Reservations/NanoCPUs", web + "/TaskTemplate/RestartPolicy/Window",
                             web + "/Labels/org.example.service", web + "/TaskTemplate/ContainerSpec/Ulimits",
                             web + "/EndpointSpec/Ports", "/services/" + b + "_worker/EndpointSpec/Mode"});
    check_same(by_stack, by_driftless, stack_differences,
               "A = docker stack deploy (stack " + a + ", renamed " + b + "), B = driftless");
}
