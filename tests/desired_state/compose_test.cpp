#include <doctest/doctest.h>

#include "desired_state/hash.hpp"
#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;
using strings = std::vector<std::string>;

TEST_CASE("compose: services, networks and volumes") {
    auto r = parse_text(R"(version: "3.9"
name: shop
x-defaults: &defaults
  restart: always
  labels: {team: a}
services:
  web:
    <<: *defaults
    image: nginx:1.25
    command: nginx -g 'daemon off;'
    environment:
      - LOG=info
    ports: ["8080:80"]
    networks: [front]
    volumes:
      - data:/data
      - /opt/conf:/etc/nginx/conf.d:ro
      - {type: tmpfs, target: /cache}
    tmpfs: /run
    user: "101:101"
    deploy:
      replicas: 2
      mode: replicated
      resources:
        limits: {cpus: "0.5", memory: 256M}
        reservations: {memory: 128M}
      placement: {constraints: ["node.role == worker"]}
    healthcheck: {test: "curl -f localhost", interval: 10s}
    stop_grace_period: 20s
    depends_on: {db: {condition: service_started}}
    ulimits: {nofile: {soft: 4096, hard: 4096}}
    pull_policy: if_not_present
    x-note: ignored
  db:
    image: postgres:16
    environment: {POSTGRES_PASSWORD: secret}
    ulimits: {nofile: 1024}
networks:
  front: {driver: overlay, attachable: true}
  outside: {external: true}
volumes:
  data:
)",
                        "compose.yaml", options_with());
    for (const auto& e : r.errors) MESSAGE(e.to_string());
    REQUIRE(r.ok());
    // Networks and volumes come first, then a container per replica, then
    // the default network (db names no network).
    REQUIRE(r.specs.size() == 6);
    CHECK(r.specs[0].name == "shop_front");
    CHECK(r.specs[1].name == "shop_data");
    const spec& web = r.specs[2];
    CHECK(web.name == "shop-web-1");
    CHECK(r.specs[3].name == "shop-web-2");
    CHECK(r.specs[5].name == "shop_default");
    CHECK(web.origin == source_location{"compose.yaml", 7, 3});
    CHECK(web.labels == string_map{{"team", "a"},
                                   {"com.docker.compose.project", "shop"},
                                   {"com.docker.compose.service", "web"},
                                   {"com.docker.compose.container-number", "1"},
                                   {"com.docker.compose.oneoff", "False"}});
    const service& s = *web.as_service();
    CHECK(s.image == "nginx:1.25");
    CHECK(s.restart == restart_policy::always);
    CHECK(s.command == strings{"nginx", "-g", "daemon off;"});
    CHECK(s.env == string_map{{"LOG", "info"}});
    CHECK(s.ports.size() == 1);
    CHECK(s.networks == strings{"shop_front"});
    REQUIRE(s.mounts.size() == 4);
    CHECK(s.mounts[0].target == "/cache");
    CHECK(s.mounts[1].target == "/data");
    CHECK(s.mounts[2].target == "/etc/nginx/conf.d");
    CHECK(s.mounts[3].target == "/run");
    CHECK(s.mounts[3].type == mount_type::tmpfs);
    CHECK(s.user == "101:101");
    CHECK(s.replicas == 1);
    CHECK(s.limits.nano_cpus == 500'000'000);
    CHECK(s.limits.memory_bytes == 256 * 1024 * 1024);
    CHECK(s.reservations.memory_bytes == 128 * 1024 * 1024);
    CHECK(s.constraints == strings{"node.role==worker"});
    CHECK(s.health->test == strings{"CMD-SHELL", "curl -f localhost"});
    CHECK(s.stop_grace_period_ns == 20'000'000'000);
    CHECK(s.depends_on == strings{"shop-db-1"});
    CHECK(s.open_files == 4096);
    CHECK(s.pull == pull_policy::missing);
    CHECK(r.specs[4].name == "shop-db-1");
    CHECK(r.specs[4].as_service()->open_files == 1024);
    CHECK(r.specs[0].as_network()->driver == "overlay");
    CHECK(r.specs[0].as_network()->attachable);
    CHECK(r.specs[1].kind() == kind::volume);
}

TEST_CASE("compose: ipam is the network's address plan") {
    auto r = parse("name: p\nservices:\n  web: {image: nginx, networks: [front]}\nnetworks:\n  front:\n    ipam:\n      driver: default\n"
                   "      config:\n        - {subnet: 10.40.0.0/16, ip_range: 10.40.8.0/21, gateway: 10.40.0.1}\n");
    for (const auto& e : r.errors) MESSAGE(e.to_string());
    REQUIRE(r.ok());
    REQUIRE(r.specs.size() == 2);
    auto d = parse("kind: Network\nname: front\nsubnet: 10.40.0.0/16\nip_range: 10.40.8.0/21\ngateway: 10.40.0.1\n");
    REQUIRE(d.ok());
    CHECK(r.specs[0].body == d.specs[0].body);

    CHECK(errors("services:\n  web: {image: nginx}\nnetworks:\n  front:\n    ipam:\n      driver: custom\n"
                 "      options: {a: b}\n      config:\n        - {subnet: 10.40.0.0/16, gateway: 10.50.0.1, aux_addresses: {}}\n"
                 "        - {subnet: 10.41.0.0/16}\n") ==
          strings{"web.yaml:6:15: networks.front.ipam.driver: \"custom\": only the default IPAM driver is supported by driftless",
                  "web.yaml:7:7: networks.front.ipam.options: not supported by driftless",
                  "web.yaml:10:11: networks.front.ipam.config[1]: one address block per network is supported by driftless"});
    CHECK(errors("services:\n  web: {image: nginx}\nnetworks:\n  front:\n    ipam:\n      config:\n"
                 "        - {subnet: 10.40.0.0/16, gateway: 10.50.0.1, aux_addresses: {}}\n") ==
          strings{"web.yaml:7:54: networks.front.ipam.config[0].aux_addresses: not supported by driftless",
                  "web.yaml:7:43: networks.front.ipam.config[0].gateway: \"10.50.0.1\": not inside subnet 10.40.0.0/16"});
}

TEST_CASE("compose: x-driftless.depends_on orders projects, without changing a service's hash") {
    auto r = parse("name: shop\nx-driftless:\n  depends_on: [infra, billing, infra]\nservices:\n  web: {image: nginx}\n");
    for (const auto& e : r.errors) MESSAGE(e.to_string());
    REQUIRE(r.ok());
    const spec* web = nullptr;
    for (const auto& sp : r.specs)
        if (sp.as_service()) web = &sp;
    REQUIRE(web);
    CHECK(web->as_service()->after_projects == strings{"billing", "infra"});
    auto plain = parse("name: shop\nservices:\n  web: {image: nginx}\n");
    REQUIRE(plain.ok());
    for (const auto& sp : plain.specs)
        if (sp.as_service()) CHECK(spec_hash(sp) == spec_hash(*web));

    CHECK(errors("name: shop\nx-driftless:\n  depends_on: [shop, Bad]\n  wait: 1\nservices:\n  web: {image: nginx}\n") ==
          strings{"web.yaml:3:16: x-driftless.depends_on[0]: \"shop\": a project cannot come after itself",
                  "web.yaml:3:22: x-driftless.depends_on[1]: \"Bad\": not a project name (lower case letters, digits, '-' and '_')",
                  "web.yaml:4:3: x-driftless.wait: unknown key"});
}

TEST_CASE("compose: same meaning as the driftless form") {
    auto c = parse("name: p\nservices:\n  web:\n    image: nginx\n    environment: [A=1]\n");
    auto d = parse("name: web\nimage: nginx\nenv: {A: 1}\n");
    REQUIRE(c.ok());
    REQUIRE(d.ok());
    service from_compose = *c.specs[0].as_service();
    from_compose.networks.clear();    // the project's default network, with the service's alias
    from_compose.endpoints.clear();
    CHECK(from_compose == *d.specs[0].as_service());
}

TEST_CASE("compose: what driftless cannot honour is reported per key") {
    CHECK(errors(R"(services:
  web:
    image: nginx
    oom_score_adj: 512
    imag: x
    deploy:
      resources: {reservations: {devices: [{capabilities: [gpu]}]}}
    pull_policy: build
  Bad:
    image: x
networks:
  front: {enable_ipv6: true}
volumes:
  data: {name: other}
secrets: {xx: {external: true}}
configs: {}
)") == strings{
              "web.yaml:4:5: services.web.oom_score_adj: not supported by driftless",
              "web.yaml:5:5: services.web.imag: unknown key; did you mean \"image\"?",
              "web.yaml:7:34: services.web.deploy.resources.reservations.devices: not supported by driftless (no "
              "engine API it drives reserves devices for a service)",
              "web.yaml:8:18: services.web.pull_policy: \"build\": needs a build: section to build the image from",
              "web.yaml:9:3: services.Bad: \"Bad\": must start with a lowercase letter or a digit",
              "web.yaml:12:11: networks.front.enable_ipv6: not supported by driftless",
              "web.yaml:15:16: secrets.xx.external: not supported by driftless",
          });
}

TEST_CASE("compose: field errors carry the service path") {
    CHECK(errors("services:\n  web:\n    image: nginx\n    ports: [\"80800:80\"]\n    deploy: {mode: global, replicas: 2}\n") ==
          strings{"web.yaml:4:13: services.web.ports[0]: \"80800:80\": port must be 1-65535",
                  "web.yaml:5:38: services.web.deploy.replicas: cannot be set with mode: global"});
    CHECK(errors("services:\n  web:\n    command: x\n") ==
          strings{"web.yaml:2:3: services.web.image: required (e.g. image: nginx:1.25)"});
    CHECK(errors("services: [web]\n") == strings{"web.yaml:1:11: services: expected a mapping, got a list"});
}

TEST_CASE("compose: a kind key makes it a driftless document") {
    CHECK(errors("kind: Service\nname: web\nimage: nginx\nservices: {}\n") ==
          strings{"web.yaml:4:1: services: unknown key"});
}
