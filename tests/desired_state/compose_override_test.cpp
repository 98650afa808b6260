#include <doctest/doctest.h>

#include <map>

#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;
using strings = std::vector<std::string>;

namespace {

constexpr const char* base = R"(services:
  web:
    image: web:1
    command: [serve, --port, "80"]
    environment:
      MODE: prod
      KEEP: "1"
    labels: [tier=front]
    ports: ["8080:80"]
    volumes:
      - ./html:/srv/html:ro
      - data:/data
    cap_add: [NET_ADMIN]
    networks: [front]
    depends_on: [db]
    healthcheck:
      test: [CMD, true]
      interval: 10s
  db:
    image: db:1
networks:
  front: {}
volumes:
  data: {}
)";

}  // namespace

TEST_CASE("compose override: merged as compose merges it") {
    const std::string over = R"(services:
  web:
    image: web:2
    command: [serve, --debug]
    environment: [MODE=dev, EXTRA=x]
    labels: {owner: me}
    ports: ["8080:80", "9090:90"]
    volumes:
      - ./dev-html:/srv/html
    cap_add: [SYS_TIME]
    networks:
      back: {aliases: [api]}
    depends_on:
      cache: {condition: service_started}
    healthcheck:
      test: [CMD, "false"]
  cache:
    image: cache:1
networks:
  back: {}
)";
    auto r = parse_text(base, "/srv/shop/compose.yaml", with_files({{"/srv/shop/compose.override.yaml", over}}));
    REQUIRE(errors_of(r) == strings{});
    const spec* web = find(r, kind::service, "shop-web-1");
    REQUIRE(web);
    const service& s = *web->as_service();
    CHECK(s.image == "web:2");
    CHECK(*s.command == strings{"serve", "--debug"});                     // replaced
    CHECK(s.env == string_map{{"EXTRA", "x"}, {"KEEP", "1"}, {"MODE", "dev"}});  // by key, both forms
    CHECK(web->labels.at("tier") == "front");
    CHECK(web->labels.at("owner") == "me");
    REQUIRE(s.ports.size() == 2);                                          // appended, once each
    REQUIRE(s.mounts.size() == 2);                                         // by target
    CHECK(s.mounts[1].target == "/srv/html");
    CHECK(s.mounts[1].source == "/srv/shop/dev-html");
    CHECK_FALSE(s.mounts[1].read_only);
    CHECK(s.cap_add == strings{"NET_ADMIN", "SYS_TIME"});
    CHECK(s.networks == strings{"shop_back", "shop_front"});  // in name order, as compose joins them
    CHECK(s.endpoints.at("shop_back").aliases == strings{"api", "web"});
    CHECK(s.depends_on == strings{"shop-cache-1", "shop-db-1"});
    REQUIRE(s.health);
    CHECK(s.health->test == strings{"CMD", "false"});
    CHECK(find(r, kind::service, "shop-cache-1"));
    CHECK(find(r, kind::network, "shop_back"));
    // The override is a companion: a change to it parses the file again.
    bool recorded = false;
    for (const auto& c : r.companions) recorded = recorded || c.path == "/srv/shop/compose.override.yaml";
    CHECK(recorded);
}

TEST_CASE("compose override: !reset and !override, errors at the override's place") {
    const std::string over = R"(services:
  web:
    ports: !reset []
    cap_add: !override [SYS_TIME]
    healthcheck: !reset
    depends_on: !reset []
)";
    auto r = parse_text(base, "/srv/shop/compose.yml", with_files({{"/srv/shop/docker-compose.override.yml", over}}));
    REQUIRE(errors_of(r) == strings{});
    const service& s = *find(r, kind::service, "shop-web-1")->as_service();
    CHECK(s.ports.empty());
    CHECK(s.cap_add == strings{"SYS_TIME"});
    CHECK_FALSE(s.health);
    CHECK(s.depends_on.empty());

    auto bad = parse_text(base, "/srv/shop/compose.yaml",
                          with_files({{"/srv/shop/compose.override.yaml", "services:\n  web:\n    restart: sometimes\n"}}));
    CHECK(errors_of(bad) == strings{"/srv/shop/compose.override.yaml:3:14: services.web.restart: \"sometimes\": "
                                    "must be one of no, always, on-failure, unless-stopped"});
    auto broken = parse_text(base, "/srv/shop/compose.yaml",
                             with_files({{"/srv/shop/compose.override.yaml", "services: [\n"}}));
    REQUIRE(broken.errors.size() == 1);
    CHECK(broken.errors[0].where.path == "/srv/shop/compose.override.yaml");
}

TEST_CASE("compose override: only beside compose's own file names, first one found") {
    const std::string over = "services:\n  web:\n    image: web:2\n";
    auto other = parse_text(base, "/srv/shop/app.yaml", with_files({{"/srv/shop/compose.override.yaml", over}}));
    REQUIRE(other.ok());
    CHECK(find(other, kind::service, "shop-web-1")->as_service()->image == "web:1");

    auto first = parse_text(base, "/srv/shop/docker-compose.yml",
                            with_files({{"/srv/shop/compose.override.yml", over},
                                        {"/srv/shop/docker-compose.override.yml", "services:\n  web:\n    image: web:3\n"}}));
    REQUIRE(first.ok());
    CHECK(find(first, kind::service, "shop-web-1")->as_service()->image == "web:2");

    parse_options kafka = options_with();
    kafka.read_file = nullptr;
    auto no_files = parse_text(std::string("name: shop\n") + base, "shop/compose.yaml", kafka);
    CHECK(no_files.ok());

    CHECK(is_compose_override_file("compose.override.yaml"));
    CHECK(is_compose_override_file("docker-compose.override.yml"));
    CHECK_FALSE(is_compose_override_file("compose.yaml"));
}
