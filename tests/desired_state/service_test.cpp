#include <doctest/doctest.h>

#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;
using strings = std::vector<std::string>;

TEST_CASE("service: the example from DESIGN.md") {
    auto r = parse(R"(kind: Service
name: web
image: registry.local/web:1.4
pull: missing
command: ["web", "--port", "8080"]
entrypoint: ["/bin/web"]
env: {LOG_LEVEL: info}
labels: {team: line-3}
ports: ["8080:80", "9000:9000/udp"]
networks: [front, back]
mounts:
  - {type: bind,   source: /opt/data, target: /data, read_only: true}
  - {type: volume, source: reports, target: /mnt/reports}
  - {type: tmpfs,  target: /tmp}
user: "1234:5678"
resources: {cpus: 0.5, memory: 256Mi, reservations: {cpus: 0.25, memory: 128Mi}}
open_files: 65535
restart: unless-stopped
healthcheck: {test: ["CMD", "wget", "-q", "-O-", "localhost:8080/health"], interval: 10s, timeout: 3s, retries: 3}
stop_grace_period: 10s
depends_on: [db]
replicas: 2
mode: replicated
constraints: ["node.role==worker"]
expose: {host: web.factory.local, alias: web.local, port: 8080}
)");
    for (const auto& e : r.errors) MESSAGE(e.to_string());
    REQUIRE(r.ok());
    REQUIRE(r.specs.size() == 1);
    const spec& sp = r.specs[0];
    CHECK(sp.name == "web");
    CHECK(sp.kind() == kind::service);
    CHECK(sp.origin == source_location{"web.yaml", 1, 1});
    const service& s = *sp.as_service();
    CHECK(s.image == "registry.local/web:1.4");
    CHECK(s.pull == pull_policy::missing);
    CHECK(s.networks == strings{"front", "back"});
    CHECK(s.user == "1234:5678");
    CHECK(s.open_files == 65535);
    CHECK(s.restart == restart_policy::unless_stopped);
    REQUIRE(s.health.has_value());
    CHECK(s.health->test == strings{"CMD", "wget", "-q", "-O-", "localhost:8080/health"});
    CHECK(s.health->interval_ns == 10'000'000'000);
    CHECK(s.health->timeout_ns == 3'000'000'000);
    CHECK(s.health->retries == 3);
    CHECK(s.stop_grace_period_ns == 10'000'000'000);
    CHECK(s.depends_on == strings{"db"});
    CHECK(s.replicas == 2);
    CHECK(s.mode == service_mode::replicated);
    CHECK(s.constraints == strings{"node.role==worker"});
    REQUIRE(s.expose.has_value());
    CHECK(*s.expose == expose_spec{"web.factory.local", "web.local", 8080});
}

TEST_CASE("service: defaults") {
    auto s = parse_service("name: web\nimage: nginx\n");
    CHECK(s.pull == pull_policy::missing);
    CHECK(s.restart == restart_policy::unless_stopped);
    CHECK(s.replicas == 1);
    CHECK(s.mode == service_mode::replicated);
    CHECK_FALSE(s.health.has_value());
    CHECK_FALSE(s.expose.has_value());
    CHECK(s.open_files == 0);
}

TEST_CASE("service: name") {
    CHECK(parse("name: a1_b.c-d\nimage: x\n").ok());
    CHECK(errors("name: Web\nimage: x\n") == strings{"web.yaml:1:7: name: \"Web\": must start with a lowercase letter or a digit"});
    CHECK(errors("name: w\nimage: x\n") ==
          strings{"web.yaml:1:7: name: \"w\": must be 2-63 characters of a-z, 0-9, \"_\", \".\", \"-\""});
    CHECK(errors("name: wEb\nimage: x\n") ==
          strings{"web.yaml:1:7: name: \"wEb\": may only hold lowercase letters, digits, \"_\", \".\" and \"-\""});
    CHECK(errors("name: " + std::string(64, 'a') + "\nimage: x\n").size() == 1);
    CHECK(parse("name: " + std::string(63, 'a') + "\nimage: x\n").ok());
    CHECK(errors("image: x\n") == strings{"web.yaml:1:1: name: required (e.g. name: web)"});
}

TEST_CASE("service: image references") {
    auto ok = [](const std::string& ref) {
        INFO(ref);
        CHECK(parse("name: web\nimage: \"" + ref + "\"\n").ok());
    };
    ok("nginx");
    ok("nginx:1.25");
    ok("library/nginx:latest");
    ok("registry.local/web:1.4");
    ok("localhost:5000/a/b/c:v1_2.3-x");
    ok("127.0.0.1:5000/web");
    ok("my-registry.example.com/team/web__x.y-z");
    ok("nginx@sha256:" + std::string(64, 'a'));
    ok("nginx:1.25@sha256:" + std::string(64, '0'));
    auto bad = [](const std::string& ref) {
        auto e = errors("name: web\nimage: \"" + ref + "\"\n");
        REQUIRE(e.size() == 1);
        return e[0];
    };
    CHECK(bad("Nginx") == "web.yaml:2:8: image: \"Nginx\": repository name must be lowercase");
    CHECK(bad("nginx:") == "web.yaml:2:8: image: \"nginx:\": invalid tag (tags are [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
    CHECK(bad("nginx:.x") == "web.yaml:2:8: image: \"nginx:.x\": invalid tag (tags are [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
    CHECK(bad("nginx:" + std::string(129, 'a')).find("invalid tag") != std::string::npos);
    CHECK(bad("nginx@sha256:abc") == "web.yaml:2:8: image: \"nginx@sha256:abc\": digest must be sha256: and 64 hex digits");
    CHECK(bad("a//b") == "web.yaml:2:8: image: \"a//b\": invalid repository name component \"\"");
    CHECK(bad("-a") == "web.yaml:2:8: image: \"-a\": invalid repository name component \"-a\"");
    CHECK(bad("bad_host.:5000/x") == "web.yaml:2:8: image: \"bad_host.:5000/x\": invalid registry host \"bad_host.:5000\"");
    CHECK(bad("") == "web.yaml:2:8: image: \"\": empty image reference");
    CHECK(errors("name: web\n") == strings{"web.yaml:1:1: image: required (e.g. image: nginx:1.25)"});
}

TEST_CASE("service: enumerations") {
    CHECK(parse_service(svc("pull: always\n")).pull == pull_policy::always);
    CHECK(parse_service(svc("pull: never\n")).pull == pull_policy::never);
    CHECK(parse_service(svc("restart: no\n")).restart == restart_policy::no);
    CHECK(parse_service(svc("restart: \"no\"\n")).restart == restart_policy::no);
    CHECK(parse_service(svc("restart: always\n")).restart == restart_policy::always);
    CHECK(parse_service(svc("restart: on-failure\n")).restart == restart_policy::on_failure);
    CHECK(parse_service(svc("mode: global\n")).mode == service_mode::global);
    CHECK(errors(svc("pull: sometimes\nrestart: on_failure\nmode: globl\n")) ==
          strings{"web.yaml:3:7: pull: \"sometimes\": must be one of missing, always, never",
                  "web.yaml:4:10: restart: \"on_failure\": must be one of no, always, on-failure, unless-stopped; did you mean \"on-failure\"?",
                  "web.yaml:5:7: mode: \"globl\": must be one of replicated, global; did you mean \"global\"?"});
}

TEST_CASE("service: replicas and mode") {
    CHECK(parse_service(svc("replicas: 0\n")).replicas == 0);
    CHECK(errors(svc("replicas: -1\n")) == strings{"web.yaml:3:11: replicas: \"-1\": out of range; must be 0-1000000"});
    CHECK(errors(svc("replicas: 1.5\n")) == strings{"web.yaml:3:11: replicas: \"1.5\": expected an integer"});
    CHECK(errors(svc("replicas: [1]\n")) == strings{"web.yaml:3:11: replicas: expected an integer, got a list"});
    CHECK(errors(svc("replicas: 99999999999999999999999\n")) ==
          strings{"web.yaml:3:11: replicas: \"99999999999999999999999\": out of range; must be 0-1000000"});
    CHECK(errors(svc("mode: global\nreplicas: 2\n")) == strings{"web.yaml:4:11: replicas: cannot be set with mode: global"});
}

TEST_CASE("service: user") {
    for (const char* u : {"root", "1234", "1234:5678", "www-data:www-data", "app:1000"})
        CHECK(parse_service(svc(std::string("user: \"") + u + "\"\n")).user == u);
    CHECK(parse_service(svc("user: 1000\n")).user == "1000");
    CHECK(errors(svc("user: \"a:b:c\"\n")) ==
          strings{"web.yaml:3:7: user: \"a:b:c\": expected a user name or uid, optionally :group or :gid"});
    CHECK(errors(svc("user: \":1\"\n")).size() == 1);
    CHECK(errors(svc("user: \"a b\"\n")).size() == 1);
}

TEST_CASE("service: open_files") {
    CHECK(parse_service(svc("open_files: 1048576\n")).open_files == 1048576);
    CHECK(errors(svc("open_files: 0\n")) == strings{"web.yaml:3:13: open_files: \"0\": out of range; must be 1-1048576"});
    CHECK(errors(svc("open_files: 1048577\n")) ==
          strings{"web.yaml:3:13: open_files: \"1048577\": out of range; must be 1-1048576"});
}

TEST_CASE("service: healthcheck") {
    auto h = *parse_service(svc("healthcheck: {test: curl -f localhost, start_period: 1m, interval: 1.5s}\n")).health;
    CHECK(h.test == strings{"CMD-SHELL", "curl -f localhost"});
    CHECK(h.start_period_ns == 60'000'000'000);
    CHECK(h.interval_ns == 1'500'000'000);
    SUBCASE("disable and NONE mean the same") {
        auto a = *parse_service(svc("healthcheck: {disable: true}\n")).health;
        auto b = *parse_service(svc("healthcheck: {test: [NONE]}\n")).health;
        CHECK(a == b);
        CHECK(a.disable);
    }
    CHECK(errors(svc("healthcheck: {test: [wget, x], interval: 10, retries: -1, timout: 1s}\n")) ==
          strings{"web.yaml:3:21: healthcheck.test: a test list starts with CMD, CMD-SHELL or NONE",
                  "web.yaml:3:42: healthcheck.interval: \"10\": missing unit; write e.g. 10s (units: ns, us, ms, s, m, h)",
                  "web.yaml:3:55: healthcheck.retries: \"-1\": out of range; must be 0-1000",
                  "web.yaml:3:59: healthcheck.timout: unknown key; did you mean \"timeout\"?"});
    CHECK(errors(svc("healthcheck: {test: [CMD]}\n")) == strings{"web.yaml:3:21: healthcheck.test: CMD needs a command after it"});
    CHECK(errors(svc("healthcheck: [x]\n")) == strings{"web.yaml:3:14: healthcheck: expected a mapping, got a list"});
}

TEST_CASE("service: networks, depends_on, constraints") {
    CHECK(parse_service(svc("networks: [back, front]\n")).networks == strings{"back", "front"});
    CHECK(parse_service(svc("networks: {front: , back: {}}\n")).networks == strings{"front", "back"});
    CHECK(errors(svc("networks: [front, front, Bad]\n")) ==
          strings{"web.yaml:3:19: networks[1]: \"front\": already listed at networks[0]",
                  "web.yaml:3:26: networks[2]: \"Bad\": invalid network name: must start with a lowercase letter or a digit"});
    CHECK(errors(svc("networks: {front: {aliases: [x]}}\n")) ==
          strings{"web.yaml:3:20: networks.front.aliases: not supported by driftless"});

    CHECK(parse_service(svc("depends_on: [db, cache]\n")).depends_on == strings{"cache", "db"});
    CHECK(parse_service(svc("depends_on: {db: {condition: service_started}, cache: null}\n")).depends_on ==
          strings{"cache", "db"});
    CHECK(errors(svc("depends_on: [web]\n")) == strings{"web.yaml:1:1: depends_on: a service cannot depend on itself"});
    CHECK(errors(svc("depends_on: db\n")) ==
          strings{"web.yaml:3:13: depends_on: expected a list of service names or a mapping, got a string"});
    // The long form, as compose's: a health condition orders creates and updates.
    const auto waves = parse_service(svc("depends_on: {db: {condition: service_healthy, restart: true}, cache: null}\n"));
    CHECK(waves.depends_on == strings{"cache", "db"});
    REQUIRE(waves.depends_on_conditions.count("db"));
    CHECK(waves.depends_on_conditions.at("db").condition == "service_healthy");
    CHECK(waves.depends_on_conditions.at("db").restart);
    CHECK_FALSE(waves.depends_on_conditions.count("cache"));
    CHECK(errors(svc("depends_on: {db: {condition: healthy}}\n")) ==
          strings{"web.yaml:3:30: depends_on.db.condition: \"healthy\": must be one of service_started, service_healthy, "
                  "service_completed_successfully"});

    CHECK(parse_service(svc("constraints: [\"node.role == worker\", \"node.labels.zone!=b\"]\n")).constraints ==
          strings{"node.labels.zone!=b", "node.role==worker"});
    CHECK(errors(svc("constraints: [\"role=worker\", \"node.role==a\", \"node.role == a\"]\n")) ==
          strings{"web.yaml:3:15: constraints[0]: \"role=worker\": expected ATTRIBUTE==VALUE or ATTRIBUTE!=VALUE, e.g. node.role==worker",
                  "web.yaml:3:46: constraints[2]: \"node.role == a\": already listed at constraints[1]"});
}

TEST_CASE("service: expose") {
    auto e = *parse_service(svc("expose: {host: Web.Factory.local, port: 80}\n")).expose;
    CHECK(e == expose_spec{"web.factory.local", "", 80});
    CHECK(errors(svc("expose: {host: web.factory.local}\n")) ==
          strings{"web.yaml:3:9: expose.port: required (the container port, 1-65535)"});
    CHECK(errors(svc("expose: {port: 80}\n")) == strings{"web.yaml:3:9: expose.host: required (the host name to route)"});
    CHECK(errors(svc("expose: {host: \"-bad.local\", alias: \"a..b\", port: 0}\n")) ==
          strings{"web.yaml:3:16: expose.host: \"-bad.local\": invalid host name (labels of letters, digits and \"-\", separated by \".\")",
                  "web.yaml:3:37: expose.alias: \"a..b\": invalid host name (labels of letters, digits and \"-\", separated by \".\")",
                  "web.yaml:3:51: expose.port: \"0\": out of range; must be 1-65535"});
}
