#include <doctest/doctest.h>

#include "desired_state/hash.hpp"
#include "desired_state/installation_key.hpp"
#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;
using strings = std::vector<std::string>;

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
