// build: in driftless documents, and what a policy says of builds.
#include <doctest/doctest.h>

#include "desired_state/hash.hpp"
#include "policy_support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;
using strings = std::vector<std::string>;

TEST_CASE("build: a driftless document builds its image from a folder beside it, tagged with its name") {
    auto r = parse_text("kind: Service\nname: web\nbuild: {context: app, args: {V: \"2\"}}\n", "/srv/specs/web.yaml",
                        options_with());
    for (const auto& d : r.errors) MESSAGE(d.to_string());
    REQUIRE(r.ok());
    const auto& s = *r.specs.at(0).as_service();
    REQUIRE(s.build);
    CHECK(s.image == "web");
    CHECK(s.pull == pull_policy::never);
    CHECK(s.build->context == "/srv/specs/app");
    CHECK(s.build->args == string_map{{"V", "2"}});
    // image: names the tag; an absolute context stands as written.
    CHECK(parse_service("name: web\nimage: registry.local/web:dev\nbuild: /srv/app/\n").build->context == "/srv/app");
    CHECK(parse_service("name: web\nimage: registry.local/web:dev\nbuild: /srv/app/\n").image == "registry.local/web:dev");
    // A record has no folder: a relative context cannot be resolved.
    auto record = parse_text("kind: Service\nname: web\nbuild: app\n", "specs/0@12", options_with());
    CHECK(errors_of(record) == strings{"specs/0@12:3:8: build: \"app\": a relative path needs a file to be relative to; "
                                       "write an absolute path"});
    // A bare arg name takes no value from anywhere in a driftless document.
    CHECK(errors("name: web\nbuild: {context: /srv/app, args: [TOKEN]}\n").size() == 1);
    CHECK(errors("name: web\nbuild: /srv/app\npull: always\n") ==
          strings{"web.yaml:3:7: pull: a built image is never pulled (build.pull: true pulls what its Dockerfile "
                  "starts FROM)"});
}

TEST_CASE("build: args are redacted where the spec leaves the process, their names kept") {
    const auto s = only_spec("name: web\nbuild: {context: /srv/app, args: {TOKEN: hunter2}}\n");
    const auto shown = redacted(canonical_json(s)).dump();
    CHECK(shown.find("hunter2") == std::string::npos);
    CHECK(shown.find("TOKEN") != std::string::npos);
}

TEST_CASE("policy: builds: the folders build contexts may be in; a built image is not judged by images") {
    auto p = policy_of("builds: [/srv/apps]\nimages: [registry.local]\nhost_network: false\n");
    CHECK(denied(p, "name: web\nbuild: /srv/apps/web\n").empty());
    const auto etc = denied(p, "name: web\nbuild: /etc\n");
    REQUIRE(etc.size() == 1);
    CHECK(etc[0] == "web.yaml:1:1: build: denied by the policy: build context \"/etc\" is not inside an allowed folder "
                    "(\"/srv/apps\")");
    CHECK(denied(p, "name: web\nbuild: {context: /srv/apps/web, network: host}\n").size() == 1);
    CHECK(denied(policy_of("builds: false\n"), "name: web\nbuild: /srv/apps/web\n").size() == 1);
    CHECK(denied(p, "name: web\nimage: nginx\n").size() == 1);   // images still judge pulled images
}
