// docker compose as the oracle: one compose file, in two folders (so two
// projects), brought up once by Debian's docker-compose 1.29 and once by
// driftless; the containers, networks and volumes each made are read back
// with `docker inspect` and compared field by field
// (support/oracle_views.hpp says what a view keeps and what it makes one).
// The project's name is the folder's, so project A's name is replaced by
// project B's before comparing. Every difference left is either a failure
// or listed below with its reason (and in README, "Coming from docker
// compose").
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
namespace fs = std::filesystem;

namespace {

// What docker-compose 1.29 does otherwise, on purpose (README says the same).
const allowed_difference compose_differences[] = {
    {"/containers/*/Name",
     "compose 1.29 names containers PROJECT_SERVICE_N (compose v1); driftless names them PROJECT-SERVICE-N, as "
     "compose v2 does"},
    {"/containers/*/Config/Labels/io.driftless.*", "driftless's ownership labels (owner, name, spec hash)"},
    {"/containers/*/Config/Labels/com.docker.compose.config-hash",
     "compose 1.29's own change detection; driftless keeps its spec hash in io.driftless.spec-hash"},
    {"/containers/*/Config/Labels/com.docker.compose.project.config_files",
     "compose's record of the files it read; driftless reads a folder, not named files"},
    {"/containers/*/Config/Labels/com.docker.compose.project.working_dir", "as config_files"},
    {"/containers/*/Config/Labels/com.docker.compose.version", "the version of the tool that made the object"},
    {"/containers/*/Config/Volumes",
     "compose lists its mounts' targets here too (the legacy anonymous-volume declaration, which the mounts "
     "satisfy: no effect on the container); driftless does not"},
    {"/containers/*/Networks/*/Aliases/<name>",
     "driftless adds the container's name as an alias on each network, as compose v2 does; compose 1.29 does not"},
    {"/networks/*/Attachable",
     "compose 1.29 makes every network attachable (meaningful for swarm overlays only); driftless, as compose v2, "
     "only with attachable: true"},
    {"/networks/*_default/IPAM/Config", "no ipam in the file: the engine picks a free subnet for each network"},
    {"/networks/*_front/IPAM/Config", "as for the default network"},
    {"/networks/*/Labels/com.docker.compose.version", "as for containers"},
    {"/networks/*/Labels/io.driftless.*", "driftless's ownership labels"},
    {"/volumes/*/Labels/com.docker.compose.version", "as for containers"},
    {"/volumes/*/Labels/io.driftless.*", "driftless's ownership labels"},
};

// The project: one service with most keys compose has, one with the list
// forms, one with deploy.restart_policy. `net` is "10.X.Y" (the back
// network's /24), `port` the first of three free host ports.
std::string project_file(const std::string& net, int port) {
    const std::string p0 = std::to_string(port), p1 = std::to_string(port + 1), p2 = std::to_string(port + 2);
    return R"(services:
  app:
    image: driftless-test/busybox:1
    pull_policy: never
    entrypoint: ["/bin/sh", "-c"]
    command: ["trap : TERM INT; sleep 3600 & wait"]
    environment:
      PLAIN: "1"
      SPACED: "two words"
      EMPTY: ""
      SHARED: from-environment
    env_file: ./app.env
    labels:
      org.example.team: line-3
      org.example.empty: ""
    ports:
      - "127.0.0.1:)" + p0 + R"(:80"
      - ")" + p1 + "-" + p2 + R"(:81-82/udp"
      - "9000"
    expose: ["7000", "7001-7002/udp"]
    volumes:
      - data:/data
      - ./x:/x
      - ./ro:/ro:ro
      - type: tmpfs
        target: /cache
        tmpfs: {size: 1048576}
    tmpfs: /run/t
    networks:
      front:
        aliases: [web.local]
      back:
        ipv4_address: )" + net + R"(.10
    restart: unless-stopped
    healthcheck:
      test: ["CMD", "true"]
      interval: 30s
      timeout: 5s
      retries: 3
      start_period: 10s
    deploy:
      resources:
        limits: {memory: 64M, cpus: "0.5"}
        reservations: {memory: 32M}
    ulimits:
      nofile: {soft: 1024, hard: 2048}
      nproc: 512
    cap_add: [NET_ADMIN]
    cap_drop: [MKNOD]
    hostname: apphost
    domainname: example.org
    extra_hosts: ["db.example:10.0.0.5"]
    dns: [10.0.0.53]
    dns_search: [example.org]
    dns_opt: ["ndots:2"]
    working_dir: /tmp
    user: "1000:1000"
    read_only: true
    init: true
    shm_size: 32m
    stop_signal: SIGINT
    stop_grace_period: 5s
    sysctls:
      net.core.somaxconn: "1024"
    pids_limit: 100
    group_add: ["999", "1001"]
    cpu_shares: 512
    cpuset: "0"
    mem_swappiness: 10
    memswap_limit: 128M
    logging:
      driver: json-file
      options: {max-size: 1m, max-file: "2"}
    security_opt: ["no-new-privileges:true"]
    tty: true
    stdin_open: true
    depends_on: [db]
  db:
    image: driftless-test/busybox:1
    pull_policy: never
    command: sleep 3600
    environment: ["LIST=1", "OTHER=a=b"]
    labels: ["org.example.role=db"]
    restart: "on-failure:3"
    stop_grace_period: 1s
    volumes:
      - type: volume
        source: data
        target: /shared
        read_only: true
  worker:
    image: driftless-test/busybox:1
    pull_policy: never
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    networks: [back]
    deploy:
      restart_policy: {condition: on-failure, max_attempts: 2}
networks:
  front:
    labels: {org.example.net: front}
  back:
    driver: bridge
    ipam:
      config:
        - subnet: )" + net + R"(.0/24
volumes:
  data:
    labels: {org.example.vol: data}
)";
}

}  // namespace

TEST_CASE("docker: oracle: docker-compose 1.29 and driftless make the same containers, networks and volumes") {
    ensure_docker();
    REQUIRE_MESSAGE(sh("docker-compose version").exit_code == 0, "docker-compose is missing: scripts/install-deps.sh");
    scenario s("orc");
    const std::string a = "oracle-a-" + s.owner(), b = "oracle-b-" + s.owner();
    std::mt19937 rng{std::random_device{}()};
    const std::string net = "10." + std::to_string(200 + rng() % 50) + "." + std::to_string(rng() % 256);
    const int port = 20000 + static_cast<int>(rng() % 20000);
    for (const auto& p : {a, b}) {
        s.write(p + "/docker-compose.yml", project_file(net, port));
        s.write(p + "/app.env", "FROM_FILE=file\nSHARED=from-file\n");
    }

    // One after the other: the two projects ask for the same subnet and
    // host ports.
    nlohmann::json by_compose, by_driftless;
    {
        compose_project compose(s.dir() / a, a);
        auto up = compose("up -d");
        INFO(up.err);
        REQUIRE(up.exit_code == 0);
        by_compose = replaced(project_view("label=com.docker.compose.project=" + a), a, b);
    }
    auto apply = s.driftless({"apply", "-s", (s.dir() / b).string()});
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    by_driftless = project_view("label=com.docker.compose.project=" + b);
    s.cleanup();

    for (const char* kind : {"containers", "networks", "volumes"}) {
        INFO(kind);
        CHECK(by_compose[kind].size() == by_driftless[kind].size());
    }
    CHECK(by_compose["containers"].size() == 3);
    const std::string app = "/containers/app";
    check_present(by_compose, {app + "/HostConfig/Memory", app + "/HostConfig/NanoCpus", app + "/HostConfig/Ulimits/1",
                               app + "/Config/Healthcheck/StartPeriod", app + "/HostConfig/Init",
                               app + "/HostConfig/PortBindings/82~1udp", app + "/Mounts/~1x",
                               app + "/Networks/" + b + "_back/IPAMConfig/IPv4Address"});
    check_same(by_compose, by_driftless, compose_differences,
               "A = docker-compose 1.29 (project " + a + ", renamed " + b + "), B = driftless");
}
