#include <doctest/doctest.h>

#include <map>

#include "desired_state/hash.hpp"
#include "desired_state/installation_key.hpp"
#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;
using strings = std::vector<std::string>;

namespace {

parse_options with_files(std::map<std::string, std::string> files) {
    parse_options o = options_with();
    o.read_file = [files = std::move(files)](const std::string& path) {
        file_read r;
        if (auto it = files.find(path); it != files.end()) r.text = it->second;
        else r.missing = true;
        return r;
    };
    return o;
}

strings errors_of(const parse_result& r) {
    strings out;
    for (const auto& e : r.errors) out.push_back(e.to_string());
    return out;
}

const spec* find(const parse_result& r, kind k, const std::string& name) {
    for (const auto& s : r.specs)
        if (s.kind() == k && s.name == name) return &s;
    return nullptr;
}

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

TEST_CASE("compose secrets and configs: files, variables and content, by digest, never by value") {
    const std::string text = R"(services:
  db:
    image: db:1
    secrets:
      - db_password
      - source: api_key
        target: api
        uid: "70"
        mode: 0400
    configs:
      - app_conf
      - source: inline
        target: /etc/inline.conf
secrets:
  db_password:
    file: ./secrets/db.txt
  api_key:
    environment: API_KEY
configs:
  app_conf:
    file: app.conf
  inline:
    content: "level=${LEVEL}"
)";
    auto o = with_files({{"/srv/shop/secrets/db.txt", "s3cret-pw\n"}, {"/srv/shop/app.conf", "a=1\n"},
                         {"/srv/shop/.env", "API_KEY=k-123\nLEVEL=debug\n"}});
    auto r = parse_text(text, "/srv/shop/app.yaml", o);
    REQUIRE(errors_of(r) == strings{});
    const service& db = *find(r, kind::service, "shop-db-1")->as_service();
    REQUIRE(db.secrets.size() == 4);
    const auto& conf = db.secrets[0];
    CHECK(conf.config);
    CHECK(conf.target == "/app_conf");
    CHECK(conf.file == "/srv/shop/app.conf");
    CHECK(db.secrets[1].target == "/etc/inline.conf");
    CHECK(db.secrets[1].data == "level=debug");
    const auto& api = db.secrets[2];
    CHECK(api.target == "/run/secrets/api");
    CHECK(api.name == "shop_api_key");
    CHECK(api.file.empty());
    CHECK(api.data == "k-123");
    CHECK(api.uid == "70");
    CHECK(api.mode == 0400);
    const auto& pw = db.secrets[3];
    CHECK(pw.target == "/run/secrets/db_password");
    CHECK(pw.file == "/srv/shop/secrets/db.txt");
    CHECK(pw.mode == 0444);
    CHECK(pw.digest == redact_secret("s3cret-pw\n"));
    // The canonical form (labels, plan, the state API) holds digests only.
    const std::string canonical = canonical_json(*find(r, kind::service, "shop-db-1")).dump();
    CHECK(canonical.find("s3cret") == std::string::npos);
    CHECK(canonical.find("k-123") == std::string::npos);
    CHECK(canonical.find(pw.digest) != std::string::npos);
    // A changed file is a changed spec.
    auto o2 = with_files({{"/srv/shop/secrets/db.txt", "other\n"}, {"/srv/shop/app.conf", "a=1\n"},
                          {"/srv/shop/.env", "API_KEY=k-123\nLEVEL=debug\n"}});
    auto r2 = parse_text(text, "/srv/shop/app.yaml", o2);
    REQUIRE(r2.ok());
    CHECK(spec_hash(*find(r, kind::service, "shop-db-1")) != spec_hash(*find(r2, kind::service, "shop-db-1")));

    // Swarm: the name carries the content's digest.
    o.swarm_names = true;
    auto swarm = parse_text(text, "/srv/shop/app.yaml", o);
    REQUIRE(swarm.ok());
    const auto& named = find(swarm, kind::service, "shop_db")->as_service()->secrets[3];
    CHECK(named.name == "shop_db_password-" + pw.digest.substr(5, 12));
}

TEST_CASE("compose secrets: errors with their places, and no value in them") {
    auto r = parse_text(R"(services:
  db:
    image: db:1
    secrets: [nope, {source: pw, target: ../../etc/x}]
    configs: [{source: cc, mode: 0999}]
secrets:
  pw: {environment: NOT_SET}
  two: {file: a, environment: B}
configs:
  cc: {file: missing.conf}
)",
                        "/srv/shop/app.yaml", with_files({{"/srv/shop/a", "x"}, {"/srv/shop/.env", "B=1"}}));
    CHECK(errors_of(r) == strings{
                              "/srv/shop/app.yaml:4:42: services.db.secrets[1].target: \"../../etc/x\": expected a path without \"..\"",
                              "/srv/shop/app.yaml:5:34: services.db.configs[0].mode: \"0999\": expected a file mode such as 0440",
                              "/srv/shop/app.yaml:7:21: secrets.pw.environment: \"NOT_SET\": the variable is not set (or not allowed: --env-allow)",
                              "/srv/shop/app.yaml:8:3: secrets.two: needs exactly one of file or environment",
                              "/srv/shop/app.yaml:10:14: configs.cc.file: \"missing.conf\": no such file",
                          });
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
