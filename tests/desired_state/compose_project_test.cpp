#include <doctest/doctest.h>

#include <map>

#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;
using strings = std::vector<std::string>;

namespace {

constexpr const char* two_services = R"(services:
  app:
    image: app:1
    depends_on: [db]
  db:
    image: postgres:16
)";

}  // namespace

TEST_CASE("compose project: names come from the folder, with a default network and service aliases") {
    auto r = parse_text(two_services, "/srv/My Shop!/compose.yaml", with_files({}));
    REQUIRE(errors_of(r) == strings{});
    const spec* app = find(r, kind::service, "myshop-app-1");
    const spec* db = find(r, kind::service, "myshop-db-1");
    const spec* net = find(r, kind::network, "myshop_default");
    REQUIRE(app);
    REQUIRE(db);
    REQUIRE(net);
    CHECK(app->as_service()->networks == strings{"myshop_default"});
    CHECK(app->as_service()->endpoints.at("myshop_default").aliases == strings{"app"});
    CHECK(db->as_service()->endpoints.at("myshop_default").aliases == strings{"db"});
    CHECK(app->as_service()->depends_on == strings{"myshop-db-1"});
    CHECK(app->labels.at("com.docker.compose.project") == "myshop");
    CHECK(app->labels.at("com.docker.compose.service") == "app");
    CHECK(app->labels.at("com.docker.compose.container-number") == "1");
    CHECK(net->labels.at("com.docker.compose.network") == "default");
}

TEST_CASE("compose project: two projects in one folder tree never collide") {
    auto a = parse_text(two_services, "/srv/shop/compose.yaml", with_files({}));
    auto b = parse_text(two_services, "/srv/blog/docker-compose.yml", with_files({}));
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(find(a, kind::service, "shop-db-1"));
    CHECK(find(b, kind::service, "blog-db-1"));
}

TEST_CASE("compose project: name:, container_name, scale, network and volume names") {
    auto r = parse_text(R"(name: ${STACK:-fallback}
services:
  web:
    image: web:1
    scale: 3
    networks: [front, shared]
    volumes: [data:/data, cache:/cache]
  one:
    image: one:1
    container_name: the-one
    networks:
      front: {aliases: [uno]}
networks:
  front: {}
  shared: {external: true}
volumes:
  data: {name: keep-data}
  cache:
)",
                        "/x/compose.yaml", with_files({}, {{"STACK", "shop"}}));
    REQUIRE(errors_of(r) == strings{});
    for (int i = 1; i <= 3; ++i) {
        const spec* web = find(r, kind::service, "shop-web-" + std::to_string(i));
        REQUIRE(web);
        CHECK(web->as_service()->networks == strings{"shop_front", "shared"});
        CHECK(web->as_service()->mounts[0].source == "shop_cache");
        CHECK(web->as_service()->mounts[1].source == "keep-data");
    }
    const spec* one = find(r, kind::service, "the-one");
    REQUIRE(one);
    CHECK(one->as_service()->endpoints.at("shop_front").aliases == strings{"one", "uno"});
    CHECK(find(r, kind::network, "shop_front"));
    CHECK_FALSE(find(r, kind::network, "shared"));      // external: used, never created
    CHECK_FALSE(find(r, kind::network, "shop_default"));  // no service needs it
    CHECK(find(r, kind::volume, "keep-data"));
    CHECK(find(r, kind::volume, "shop_cache"));
}

TEST_CASE("compose project: swarm names a service PROJECT_SERVICE with its replicas") {
    parse_options o = with_files({});
    o.swarm_names = true;
    auto r = parse_text("services:\n  web:\n    image: web:1\n    deploy: {replicas: 3}\n", "/srv/shop/compose.yaml", o);
    REQUIRE(errors_of(r) == strings{});
    const spec* web = find(r, kind::service, "shop_web");
    REQUIRE(web);
    CHECK(web->as_service()->replicas == 3);
}

TEST_CASE("compose project: errors name the place") {
    auto r = parse_text(R"(name: Shop
services:
  web: {image: web:1}
)",
                        "/srv/x/compose.yaml", with_files({}));
    CHECK(errors_of(r) == strings{"/srv/x/compose.yaml:1:7: name: \"Shop\": a project name is lower-case letters, "
                                  "digits, \"-\" and \"_\", starting with a letter or digit"});
    r = parse_text(R"(services:
  web:
    image: web:1
    scale: 2
    container_name: web
    networks: [back]
    volumes: [data:/data]
)",
                   "/srv/x/compose.yaml", with_files({}));
    CHECK(errors_of(r) == strings{
                              "/srv/x/compose.yaml:2:3: services.web.networks: \"back\": not declared under the top-level networks:",
                              "/srv/x/compose.yaml:2:3: services.web.volumes: \"data\": not declared under the top-level volumes:",
                          });
    r = parse_text("services:\n  web: {image: web:1, scale: 2, container_name: web}\n", "/srv/x/compose.yaml",
                   with_files({}));
    CHECK(errors_of(r) == strings{"/srv/x/compose.yaml:2:49: services.web.container_name: cannot be set with more "
                                  "than one replica (a container name is unique)"});
    parse_options kafka = options_with();
    kafka.read_file = nullptr;
    r = parse_text("services:\n  web: {image: web:1}\n", "shop/0/12", kafka);
    CHECK(errors_of(r) == strings{"shop/0/12:1:1: name: required for a compose file that is not in a folder (e.g. name: shop)"});
}

TEST_CASE("compose project: profiles") {
    constexpr const char* text = R"(services:
  web: {image: web:1}
  debug: {image: debug:1, profiles: [tools]}
)";
    auto r = parse_text(text, "/srv/p/compose.yaml", with_files({}));
    REQUIRE(r.ok());
    CHECK_FALSE(find(r, kind::service, "p-debug-1"));
    parse_options o = with_files({});
    o.profiles = {"tools"};
    r = parse_text(text, "/srv/p/compose.yaml", o);
    CHECK(find(r, kind::service, "p-debug-1"));
}

TEST_CASE("compose project: interpolation from .env, the allowed environment winning; bare $VAR and $$") {
    auto o = with_files({{"/srv/p/.env", "# comment\nTAG=1.4\nexport GREETING=\"hi\\nthere\"\nEMPTY=\nQUOTED='a $b'\n"}},
                        {{"TAG", "2.0"}});
    auto r = parse_text(R"(services:
  web:
    image: web:$TAG
    environment:
      A: $GREETING
      B: "${EMPTY:-dflt}"
      C: $QUOTED
      D: "$$HOME"
)",
                        "/srv/p/compose.yaml", o);
    REQUIRE(errors_of(r) == strings{});
    const auto* web = find(r, kind::service, "p-web-1")->as_service();
    CHECK(web->image == "web:2.0");
    CHECK(web->env == string_map{{"A", "hi\nthere"}, {"B", "dflt"}, {"C", "a $b"}, {"D", "$HOME"}});
    // .env, and the four override files compose.yaml could have (none here).
    REQUIRE(r.companions.size() == 5);
    CHECK(r.companions.back().path == "/srv/p/.env");
    CHECK(r.companions.back().text);
}

TEST_CASE("compose project: an unset variable is an error that names it, never a value") {
    auto r = parse_text("services:\n  web:\n    image: web:1\n    ports: [\"$PORT:80\"]\n    user: $NOPE\n",
                        "/srv/p/compose.yaml", with_files({}, {{"PORT", "secret-value"}}));
    CHECK(errors_of(r) == strings{
                              "/srv/p/compose.yaml:4:13: services.web.ports[0]: \"$PORT:80\": invalid port",
                              "/srv/p/compose.yaml:5:11: services.web.user: variable NOPE is not set (or not allowed by --env-allow); set it or write ${NOPE:-default}",
                          });
}

TEST_CASE("compose project: environment pass-through, env_file, labels without =") {
    auto o = with_files({{"/srv/p/common.env", "A=from-file\nB=from-file\nPASS\n"}, {"/srv/p/.env", "PASS=dotenv\n"}},
                        {{"HOSTVAR", "host"}});
    auto r = parse_text(R"(services:
  web:
    image: web:1
    env_file: [common.env, {path: missing.env, required: false}]
    environment: [B=inline, HOSTVAR, UNSET]
    labels: [flag, k=v]
)",
                        "/srv/p/compose.yaml", o);
    REQUIRE(errors_of(r) == strings{});
    const spec* web = find(r, kind::service, "p-web-1");
    CHECK(web->as_service()->env ==
          string_map{{"A", "from-file"}, {"B", "inline"}, {"HOSTVAR", "host"}, {"PASS", "dotenv"}});
    CHECK(web->labels.at("flag") == "");
    CHECK(web->labels.at("k") == "v");
    r = parse_text("services:\n  web:\n    image: web:1\n    env_file: nope.env\n", "/srv/p/compose.yaml", o);
    CHECK(errors_of(r) == strings{"/srv/p/compose.yaml:4:15: services.web.env_file: \"nope.env\": no such file (write "
                                  "required: false to allow that)"});
}

TEST_CASE("compose project: relative bind sources, ~ and :z") {
    auto r = parse_text(R"(services:
  web:
    image: web:1
    volumes:
      - ./conf:/etc/app:ro,z
      - ../shared:/shared:Z
      - ~/data:/data
      - {type: bind, source: ./logs, target: /logs, bind: {create_host_path: false, selinux: z}}
)",
                        "/srv/p/compose.yaml", with_files({}));
    REQUIRE(errors_of(r) == strings{});
    const auto& m = find(r, kind::service, "p-web-1")->as_service()->mounts;
    REQUIRE(m.size() == 4);
    CHECK(m[0].source.ends_with("/data"));
    CHECK(m[1].source == "/srv/p/conf");
    CHECK(m[1].read_only);
    CHECK(m[1].bind_selinux == "z");
    CHECK(m[2].source == "/srv/p/logs");
    CHECK_FALSE(m[2].bind_create_host_path);
    CHECK(m[3].source == "/srv/shared");
    CHECK(m[3].bind_selinux == "Z");
}

TEST_CASE("driftless documents keep their rules: no bare $VAR, relative binds refused") {
    auto r = parse_text("kind: Service\nname: web\nimage: web:1\ncommand: echo $HOME\nmounts: [./x:/x]\n", "w.yaml",
                        with_files({}));
    CHECK(errors_of(r) == strings{"w.yaml:5:10: mounts[0]: \"./x:/x\": a bind source must be an absolute path"});
}

TEST_CASE("allowed_env: names and prefixes") {
    ::setenv("DLTEST_A", "1", 1);
    ::setenv("DLTEST_B", "2", 1);
    ::setenv("OTHER_DLTEST", "3", 1);
    auto env = allowed_env({"DLTEST_A", "OTHER_*"});
    CHECK(env("DLTEST_A") == std::optional<std::string>("1"));
    CHECK(env("DLTEST_B") == std::nullopt);
    CHECK(env("OTHER_DLTEST") == std::optional<std::string>("3"));
    CHECK_FALSE(allowed_env({}));
    CHECK(check_env_patterns({"GOOD_*", "A1"}) == "");
    CHECK(check_env_patterns({"1BAD"}) == "\"1BAD\": expected a variable name (NAME) or a prefix (PREFIX*)");
}
