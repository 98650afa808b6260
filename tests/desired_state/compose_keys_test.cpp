#include <doctest/doctest.h>

#include <filesystem>

#include "desired_state/hash.hpp"
#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;
using strings = std::vector<std::string>;

namespace {

// A compose project "p" with a service "web" (image nginx) and `body` as its
// further keys, each line indented under the service; the services and
// networks it may name come after it, so places in `body` keep their lines.
std::string web(std::string_view body) {
    return "services:\n  web:\n    image: nginx\n" + std::string(body) +
           "  db: {image: x}\n  cache: {image: x}\n  jobs: {image: x}\nnetworks: {front: {}, back: {}}\nname: p\n";
}

// The service p-web-1 of a project made by web(); fails the test when
// parsing failed.
service web_service(std::string_view text) {
    auto r = parse(text);
    for (const auto& d : r.errors) MESSAGE(d.to_string());
    REQUIRE(r.ok());
    for (const auto& s : r.specs)
        if (s.name == "p-web-1") return *s.as_service();
    FAIL("no service p-web-1");
    return {};
}

const spec& web_spec(const parse_result& r) {
    for (const auto& s : r.specs)
        if (s.name == "p-web-1") return s;
    FAIL("no service p-web-1");
    return r.specs.front();
}

}  // namespace

TEST_CASE("compose keys: container settings") {
    service s = web_service(web(R"(    hostname: web-1
    domainname: example.org
    working_dir: /srv
    extra_hosts: ["db:10.0.0.5", "cache=10.0.0.6", "v6:::1"]
    dns: [10.0.0.2, 10.0.0.1]
    dns_search: example.org
    dns_opt: [ndots:2]
    expose: ["8080", "9000-9001/udp"]
    read_only: true
    tty: true
    stdin_open: true
    init: false
    privileged: true
    shm_size: 64m
    stop_signal: SIGQUIT
    cap_add: [net_admin, CAP_SYS_TIME]
    cap_drop: [ALL]
    security_opt: [no-new-privileges:true]
    sysctls: [net.core.somaxconn=1024]
    pids_limit: 100
    logging: {driver: json-file, options: {max-size: 10m}}
    devices: ["/dev/null", "/dev/zero:/dev/z", "/dev/full:/dev/f:r"]
    pid: host
    ipc: shareable
    platform: linux/amd64
    runtime: runc
    links: [db, "cache:c"]
)"));
    CHECK(s.hostname == "web-1");
    CHECK(s.domainname == "example.org");
    CHECK(s.working_dir == "/srv");
    CHECK(s.extra_hosts == strings{"cache:10.0.0.6", "db:10.0.0.5", "v6:::1"});
    CHECK(s.dns == strings{"10.0.0.2", "10.0.0.1"});
    CHECK(s.dns_search == strings{"example.org"});
    CHECK(s.dns_options == strings{"ndots:2"});
    CHECK(s.expose_ports == strings{"8080/tcp", "9000/udp", "9001/udp"});
    CHECK(s.read_only);
    CHECK(s.tty);
    CHECK(s.stdin_open);
    CHECK(s.init == false);
    CHECK(s.privileged);
    CHECK(s.shm_size == 64 * 1024 * 1024);
    CHECK(s.stop_signal == "SIGQUIT");
    CHECK(s.cap_add == strings{"NET_ADMIN", "SYS_TIME"});
    CHECK(s.cap_drop == strings{"ALL"});
    CHECK(s.security_opt == strings{"no-new-privileges:true"});
    CHECK(s.sysctls == string_map{{"net.core.somaxconn", "1024"}});
    CHECK(s.pids_limit == 100);
    REQUIRE(s.logging);
    CHECK(s.logging->driver == "json-file");
    CHECK(s.logging->options == string_map{{"max-size", "10m"}});
    REQUIRE(s.devices.size() == 3);
    CHECK(s.devices[0] == device_mapping{"/dev/full", "/dev/f", "r"});
    CHECK(s.devices[1] == device_mapping{"/dev/null", "/dev/null", "rwm"});
    CHECK(s.devices[2] == device_mapping{"/dev/zero", "/dev/z", "rwm"});
    CHECK(s.pid == "host");
    CHECK(s.ipc == "shareable");
    CHECK(s.platform == "linux/amd64");
    CHECK(s.runtime == "runc");
    CHECK(s.links == strings{"p-cache-1:c", "p-db-1:db"});   // container names in the project
}

TEST_CASE("compose keys: map forms") {
    service s = web_service(web("    extra_hosts: {db: 10.0.0.5}\n    sysctls: {net.ipv4.ip_forward: 1}\n"));
    CHECK(s.extra_hosts == strings{"db:10.0.0.5"});
    CHECK(s.sysctls == string_map{{"net.ipv4.ip_forward", "1"}});
}

TEST_CASE("compose keys: ulimits of any name") {
    service s = web_service(web("    ulimits: {nproc: 65535, nofile: {soft: 1024, hard: 4096}, core: -1}\n"));
    CHECK(s.open_files == 0);
    CHECK(s.ulimits == std::vector<ulimit>{{"core", -1, -1}, {"nofile", 1024, 4096}, {"nproc", 65535, 65535}});
    // nofile with soft == hard stays open_files: the hash does not move.
    auto a = parse(web("    ulimits: {nofile: {soft: 2048, hard: 2048}}\n"));
    auto b = parse("name: web\nimage: nginx\nopen_files: 2048\n");
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(web_spec(a).as_service()->ulimits.empty());
    CHECK(web_spec(a).as_service()->open_files == b.specs[0].as_service()->open_files);
    CHECK(errors(web("    ulimits: {nproc: {soft: 10, hard: 5}, nofil: 1, core: {soft: 1}}\n")) ==
          strings{
              "web.yaml:4:22: services.web.ulimits.nproc: the soft limit must not exceed the hard limit",
              "web.yaml:4:43: services.web.ulimits.nofil: unknown key for ulimit; did you mean \"nofile\"?",
              "web.yaml:4:59: services.web.ulimits.core: needs both soft and hard",
          });
}

TEST_CASE("compose keys: networks long form, network_mode") {
    service s = web_service(web(R"(    networks:
      front: {aliases: [shop, www], ipv4_address: 10.1.0.5}
      back:
)"));
    CHECK(s.networks == strings{"p_back", "p_front"});   // in name order, as compose attaches them
    REQUIRE(s.endpoints.size() == 2);   // the service's name is an alias on each
    CHECK(s.endpoints.at("p_front") == network_endpoint{{"shop", "web", "www"}, "10.1.0.5", ""});
    CHECK(s.endpoints.at("p_back") == network_endpoint{{"web"}, "", ""});

    CHECK(web_service(web("    network_mode: service:db\n")).network_mode == "container:p-db-1");
    CHECK(web_service(web("    network_mode: host\n")).network_mode == "host");
    CHECK(errors(web("    network_mode: bridge2\n    networks: [front]\n")) ==
          strings{"web.yaml:4:19: services.web.network_mode: \"bridge2\": expected host, none, service:NAME or "
                  "container:NAME"});
    CHECK(errors(web("    network_mode: host\n    networks: [front]\n")) ==
          strings{"web.yaml:4:19: services.web.network_mode: cannot be set with services.web.networks (a container "
                  "in another's or the host's network joins no network of its own); remove one of them"});
    CHECK(errors(web("    networks: {front: {ipv4_address: 10.1.0.300, priority: 1, aliases: [\"-x\"]}}\n")) ==
          strings{
              "web.yaml:4:38: services.web.networks.front.ipv4_address: \"10.1.0.300\": expected an IPv4 address",
              "web.yaml:4:50: services.web.networks.front.priority: unknown key",
              "web.yaml:4:73: services.web.networks.front.aliases[0]: \"-x\": invalid host name (labels of letters, "
              "digits and \"-\", separated by \".\")",
          });
}

TEST_CASE("compose keys: restart on-failure:N and depends_on conditions") {
    service s = web_service(web(R"(    restart: on-failure:5
    depends_on:
      db: {condition: service_healthy, restart: true}
      cache: {condition: service_started}
      jobs: {required: false}
)"));
    CHECK(s.restart == restart_policy::on_failure);
    CHECK(s.restart_max_attempts == 5);
    CHECK(s.depends_on == strings{"p-cache-1", "p-db-1", "p-jobs-1"});
    CHECK(s.depends_on_conditions ==
          std::map<std::string, dependency>{{"p-db-1", {"service_healthy", true, true}},
                                            {"p-jobs-1", {"service_started", false, false}}});
    CHECK(errors(web("    restart: on-failure:x\n    depends_on: {db: {condition: healthy, when: 1}}\n")) ==
          strings{
              "web.yaml:4:14: services.web.restart: \"on-failure:x\": expected on-failure:N with N a count of "
              "restarts, e.g. on-failure:5",
              "web.yaml:5:34: services.web.depends_on.db.condition: \"healthy\": must be one of service_started, "
              "service_healthy, service_completed_successfully",
              "web.yaml:5:43: services.web.depends_on.db.when: unknown key",
          });
}

TEST_CASE("compose keys: build") {
    const auto base = std::filesystem::current_path().generic_string();
    // Without image: compose's PROJECT-SERVICE, never pulled.
    service s = web_service("services:\n  web:\n    build: ./app\nname: p\n");
    REQUIRE(s.build);
    CHECK(s.image == "p-web");
    CHECK(s.pull == pull_policy::never);
    CHECK(s.build->context == base + "/app");
    CHECK(s.build->dockerfile == "Dockerfile");
    // With image: the tag given to what is built.
    CHECK(web_service(web("    build: .\n")).image == "nginx");
    s = web_service(web(R"(    build:
      context: ../src/
      dockerfile: docker/./Dockerfile.dev
      args: {VERSION: "1.4", TOKEN: x}
      target: runtime
      labels: [team=a]
      network: host
      extra_hosts: ["mirror:10.0.0.9"]
      shm_size: 128m
      cache_from: [p-web:cache]
      no_cache: true
      pull: true
)"));
    REQUIRE(s.build);
    CHECK(s.build->context == std::filesystem::path(base).parent_path().generic_string() + "/src");
    CHECK(s.build->dockerfile == "docker/Dockerfile.dev");
    CHECK(s.build->args == string_map{{"TOKEN", "x"}, {"VERSION", "1.4"}});
    CHECK(s.build->target == "runtime");
    CHECK(s.build->labels == string_map{{"team", "a"}});
    CHECK(s.build->network == "host");
    CHECK(s.build->extra_hosts == std::vector<std::string>{"mirror:10.0.0.9"});
    CHECK(s.build->shm_size == 128 * 1024 * 1024);
    CHECK(s.build->cache_from == std::vector<std::string>{"p-web:cache"});
    CHECK(s.build->no_cache);
    CHECK(s.build->pull);
    // compose's default context: the project's folder.
    CHECK(web_service(web("    build: {dockerfile: Containerfile}\n")).build->context == base);
    CHECK(errors(web("    build: {context: ., dockerfile: ../Dockerfile, ssh: [default], contex: x}\n")) ==
          strings{"web.yaml:4:37: services.web.build.dockerfile: \"../Dockerfile\": expected a file inside the build "
                  "context, relative to it (e.g. docker/Dockerfile)",
                  "web.yaml:4:52: services.web.build.ssh: not supported by driftless's builds (supported: context, "
                  "dockerfile, args, target, labels, network, extra_hosts, shm_size, cache_from, no_cache, pull)",
                  "web.yaml:4:68: services.web.build.contex: unknown key; did you mean \"context\"?"});
    CHECK(errors(web("    build: .\n    pull_policy: always\n")) ==
          strings{"web.yaml:5:18: services.web.pull_policy: a built image is never pulled (build.pull: true pulls "
                  "what its Dockerfile starts FROM)"});
    CHECK(errors(web("    build: https://example.com/app.git\n")) ==
          strings{"web.yaml:4:12: services.web.build: \"https://example.com/app.git\": only a local folder can be a "
                  "build context (not a URL)"});
    // Part of the hash: another context or argument is another spec.
    CHECK(spec_hash(web_spec(parse(web("    build: ./a\n")))) != spec_hash(web_spec(parse(web("    build: ./b\n")))));
}

TEST_CASE("compose keys: tmpfs options") {
    service s = web_service(web("    tmpfs: [\"/run:size=64m,mode=1777\", /tmp]\n"));
    REQUIRE(s.mounts.size() == 2);
    CHECK(s.mounts[0].target == "/run");
    CHECK(s.mounts[0].tmpfs_size == 64 * 1024 * 1024);
    CHECK(s.mounts[0].tmpfs_mode == 01777);
    CHECK(s.mounts[1].target == "/tmp");
    CHECK(errors(web("    tmpfs: [\"/run:uid=1\", \"/x:size=lots\", run]\n")) ==
          strings{
              "web.yaml:4:13: services.web.tmpfs[0]: \"/run:uid=1\": unknown tmpfs option \"uid=1\"; expected "
              "size=BYTES or mode=OCTAL",
              "web.yaml:4:27: services.web.tmpfs[1]: \"/x:size=lots\": size: expected a size such as 256Mi, 1G or 1073741824 (bytes)",
              "web.yaml:4:43: services.web.tmpfs[2]: \"run\": expected an absolute path, optionally :size=64m,mode=1777",
          });
}

TEST_CASE("compose keys: invalid values name their place") {
    CHECK(errors(web(R"(    hostname: "web_1"
    working_dir: srv
    extra_hosts: ["db", "db:nowhere"]
    dns: [8.8.8]
    expose: ["80/icmp", "0"]
    cap_add: ["NET ADMIN", NET_ADMIN, net_admin]
    devices: ["dev/x", "/dev/x:/dev/y:rwx"]
    pid: container
    ipc: container:Bad
    platform: linux/
    stop_signal: "SIG TERM"
    read_only: yes
    shm_size: lots
    pids_limit: -2
    logging: {driver: syslog, opts: {}}
)")) == strings{
              "web.yaml:4:15: services.web.hostname: \"web_1\": invalid host name (labels of letters, digits and \"-\", separated by \".\")",
              "web.yaml:5:18: services.web.working_dir: \"srv\": expected an absolute path",
              "web.yaml:6:19: services.web.extra_hosts[0]: \"db\": expected HOST:IP or HOST=IP",
              "web.yaml:6:25: services.web.extra_hosts[1]: \"db:nowhere\": expected an IP address (or host-gateway) after the host name",
              "web.yaml:7:11: services.web.dns[0]: \"8.8.8\": expected an IP address",
              "web.yaml:8:14: services.web.expose[0]: \"80/icmp\": unknown protocol \"icmp\"; must be tcp, udp or sctp",
              "web.yaml:8:25: services.web.expose[1]: \"0\": expected PORT, PORT/PROTOCOL or FIRST-LAST (ports 1-65535)",
              "web.yaml:9:15: services.web.cap_add[0]: \"NET ADMIN\": expected a capability name such as NET_ADMIN or ALL",
              "web.yaml:9:39: services.web.cap_add[2]: \"net_admin\": already listed at services.web.cap_add[1]",
              "web.yaml:10:15: services.web.devices[0]: \"dev/x\": expected /dev/HOST[:/dev/CONTAINER[:PERMISSIONS]], permissions of r, w and m",
              "web.yaml:10:24: services.web.devices[1]: \"/dev/x:/dev/y:rwx\": expected /dev/HOST[:/dev/CONTAINER[:PERMISSIONS]], permissions of r, w and m",
              "web.yaml:11:10: services.web.pid: \"container\": expected host or container:NAME",
              "web.yaml:12:10: services.web.ipc: \"container:Bad\": invalid name after container: must start with a lowercase letter or a digit",
              "web.yaml:13:15: services.web.platform: \"linux/\": expected OS[/ARCH[/VARIANT]], e.g. linux/amd64",
              "web.yaml:14:18: services.web.stop_signal: \"SIG TERM\": expected a signal name or number, e.g. SIGQUIT",
              "web.yaml:15:16: services.web.read_only: \"yes\": expected true or false",
              "web.yaml:16:15: services.web.shm_size: \"lots\": expected a size such as 256Mi, 1G or 1073741824 (bytes)",
              "web.yaml:17:17: services.web.pids_limit: \"-2\": out of range; must be -1-4294967296",
              "web.yaml:18:31: services.web.logging.opts: unknown key",
          });
}

TEST_CASE("compose keys: deploy") {
    service s = web_service(web(R"(    deploy:
      labels: [traefik.enable=true, bare]
      endpoint_mode: dnsrr
      restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 1m}
      update_config: {parallelism: 2, delay: 10s, failure_action: rollback, monitor: 30s, max_failure_ratio: 0.25, order: start-first}
      rollback_config: {parallelism: 0, order: stop-first}
      placement:
        constraints: [node.role==manager]
        preferences: [{spread: node.labels.zone}]
        max_replicas_per_node: 2
      resources:
        limits: {cpus: "1", pids: 50}
)"));
    CHECK(s.service_labels == string_map{{"bare", ""}, {"traefik.enable", "true"}});
    CHECK(s.endpoint_mode == "dnsrr");
    REQUIRE(s.swarm_restart);
    CHECK(*s.swarm_restart == swarm_restart_policy{"on-failure", 5'000'000'000, 3, 60'000'000'000});
    REQUIRE(s.update_config);
    CHECK(*s.update_config == update_policy{2, 10'000'000'000, "rollback", 30'000'000'000, 0.25, "start-first"});
    REQUIRE(s.rollback_config);
    CHECK(*s.rollback_config == update_policy{0, 0, "", 0, 0, "stop-first"});
    CHECK(s.constraints == strings{"node.role==manager"});
    CHECK(s.placement_preferences == strings{"spread=node.labels.zone"});
    CHECK(s.max_replicas_per_node == 2);
    CHECK(s.limits.nano_cpus == 1'000'000'000);
    CHECK(s.pids_limit == 50);

    CHECK(errors(web(R"(    deploy:
      restart_policy: {condition: always}
      update_config: {max_failure_ratio: 2, order: random}
      rollback_config: {failure_action: rollback}
      endpoint_mode: ipvs
      placement: {preferences: [{pack: x}]}
      resources: {reservations: {devices: [{capabilities: [gpu]}], generic_resources: []}}
      rolling: 1
)")) == strings{
              "web.yaml:5:35: services.web.deploy.restart_policy.condition: \"always\": must be one of none, on-failure, any",
              "web.yaml:6:42: services.web.deploy.update_config.max_failure_ratio: \"2\": expected a number from 0 to 1",
              "web.yaml:6:52: services.web.deploy.update_config.order: \"random\": must be one of stop-first, start-first",
              "web.yaml:7:41: services.web.deploy.rollback_config.failure_action: \"rollback\": must be one of pause, continue",
              "web.yaml:8:22: services.web.deploy.endpoint_mode: \"ipvs\": must be one of vip, dnsrr",
              "web.yaml:9:34: services.web.deploy.placement.preferences[0].pack: unknown key",
              "web.yaml:10:34: services.web.deploy.resources.reservations.devices: not supported by driftless (no engine API it drives reserves devices for a service)",
              "web.yaml:10:68: services.web.deploy.resources.reservations.generic_resources: not supported by driftless (no engine API it drives reserves devices for a service)",
              "web.yaml:11:7: services.web.deploy.rolling: unknown key",
          });
}

TEST_CASE("compose keys: forms compose accepts") {
    auto r = parse(web("    labels: [com.example.flag, a=b]\n    ports: [\":8080:80\", {target: 81, name: web, app_protocol: http}]\n"));
    for (const auto& e : r.errors) MESSAGE(e.to_string());
    REQUIRE(r.ok());
    CHECK(web_spec(r).labels.at("a") == "b");
    CHECK(web_spec(r).labels.at("com.example.flag") == "");
    const service& s = *web_spec(r).as_service();
    REQUIRE(s.ports.size() == 2);
    CHECK(s.ports[0].host_ip == "");
    CHECK(s.ports[0].published == 8080);
    CHECK(s.ports[1].target == 81);
}

TEST_CASE("compose keys: a spec that sets none keeps its hash; each set one moves it") {
    auto plain = parse(web(""));
    REQUIRE(plain.ok());
    auto with = parse(web("    tty: true\n"));
    REQUIRE(with.ok());
    CHECK(spec_hash(web_spec(plain)) != spec_hash(web_spec(with)));
    CHECK(canonical_json(web_spec(with))["spec"]["tty"] == true);
    CHECK_FALSE(canonical_json(web_spec(plain))["spec"].contains("tty"));
    CHECK(without_defaults(canonical_json(web_spec(with)))["spec"]["tty"] == true);
}

TEST_CASE("compose: mem_limit, mem_reservation and cpus, deploy.resources winning") {
    auto r = parse_text(R"(services:
  web:
    image: web:1
    mem_limit: 256m
    mem_reservation: 64m
    cpus: 0.5
  db:
    image: db:1
    cpus: "2"
    mem_limit: 1g
    deploy: {resources: {limits: {memory: 512M}}}
)",
                        "/srv/shop/app.yaml", with_files({}));
    REQUIRE(errors_of(r) == strings{});
    const service& web = *find(r, kind::service, "shop-web-1")->as_service();
    CHECK(web.limits.memory_bytes == 256LL << 20);
    CHECK(web.reservations.memory_bytes == 64LL << 20);
    CHECK(web.limits.nano_cpus == 500'000'000);
    const service& db = *find(r, kind::service, "shop-db-1")->as_service();
    CHECK(db.limits.memory_bytes == 512LL << 20);
    CHECK(db.limits.nano_cpus == 2'000'000'000);
}

TEST_CASE("compose keys: group_add, cpu_shares, cpuset, mem_swappiness and memswap_limit") {
    const auto s = web_service(web(R"(    group_add: [audio, "999", _svc-1]
    cpu_shares: 512
    cpuset: "0-1,3"
    mem_swappiness: 0
    mem_limit: 512m
    memswap_limit: 1g
)"));
    CHECK(s.group_add == strings{"audio", "999", "_svc-1"});   // as written: the engine keeps the order
    CHECK(s.cpu_shares == 512);
    CHECK(s.cpuset == "0-1,3");
    CHECK(s.mem_swappiness == 0);
    CHECK(s.memswap_limit == 1024LL * 1024 * 1024);
    CHECK(web_service(web("    memswap_limit: -1\n")).memswap_limit == -1);

    // Unset, none moves the hash of a spec that had none; each set one does.
    const auto plain = parse(web(""));
    REQUIRE(plain.ok());
    CHECK_FALSE(canonical_json(web_spec(plain))["spec"].contains("mem_swappiness"));
    for (const char* key : {"    group_add: [audio]\n", "    cpu_shares: 512\n", "    cpuset: \"0\"\n",
                            "    mem_swappiness: 60\n", "    memswap_limit: -1\n"}) {
        const auto with = parse(web(key));
        REQUIRE(with.ok());
        CHECK_MESSAGE(spec_hash(web_spec(with)) != spec_hash(web_spec(plain)), key);
    }

    CHECK(errors(web(R"(    group_add: [Audio, "", audio, audio]
    cpu_shares: 1
    cpuset: "3-1,x"
    mem_swappiness: 101
    memswap_limit: lots
)")) == strings{
              "web.yaml:4:17: services.web.group_add[0]: \"Audio\": expected a group name (lower case letters, digits, _ - .) or a numeric id",
              "web.yaml:4:24: services.web.group_add[1]: \"\": expected a group name or id",
              "web.yaml:4:35: services.web.group_add[3]: \"audio\": already listed at services.web.group_add[2]",
              "web.yaml:5:17: services.web.cpu_shares: \"1\": out of range; must be 2-262144",
              "web.yaml:6:13: services.web.cpuset: \"3-1,x\": expected CPU numbers and ranges, e.g. 0-3,5",
              "web.yaml:7:21: services.web.mem_swappiness: \"101\": out of range; must be 0-100",
              "web.yaml:8:20: services.web.memswap_limit: \"lots\": expected a size such as 256Mi, 1G or 1073741824 (bytes)",
          });
    // What the engine would refuse at create is said at the key.
    CHECK(errors(web("    memswap_limit: 1g\n")) ==
          strings{"web.yaml:4:20: services.web.memswap_limit: needs a memory limit (mem_limit or "
                  "deploy.resources.limits.memory): it counts memory and swap together"});
    CHECK(errors(web("    memswap_limit: 64m\n    deploy: {resources: {limits: {memory: 128m}}}\n")) ==
          strings{"web.yaml:4:20: services.web.memswap_limit: smaller than the memory limit (134217728 bytes): it "
                  "counts memory and swap together"});
    CHECK(errors(web("    cpu_shares: 512\n    deploy: {resources: {reservations: {cpus: \"0.5\"}}}\n")) ==
          strings{"web.yaml:4:17: services.web.cpu_shares: cannot be set with deploy.resources.reservations.cpus, "
                  "which gives the container its CPU weight; keep one of them"});
}
