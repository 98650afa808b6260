// follow: a registry image's tag chosen by a release rule, in driftless
// documents and compose files.
#include <doctest/doctest.h>

#include "desired_state/hash.hpp"
#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;
using strings = std::vector<std::string>;

TEST_CASE("follow: a document's rule, with its defaults") {
    const auto s = parse_service("name: web\nimage: registry.local:5000/team/app\n"
                                 "follow: {semver: \"~1.4\", min_age: 72h, interval: 5m}\n");
    REQUIRE(s.follow);
    CHECK(s.follow->semver == "~1.4");
    CHECK(s.follow->min_age_ns == 72LL * 3600 * 1'000'000'000);
    CHECK(s.follow->interval_ns == 300LL * 1'000'000'000);
    CHECK(s.pull == pull_policy::missing);   // pinned by digest: pulled when missing
    const auto d = parse_service("name: web\nimage: registry.local/app\nfollow: {semver: \"^2\"}\n");
    REQUIRE(d.follow);
    CHECK(d.follow->min_age_ns == 0);
    CHECK(d.follow->interval_ns == 600LL * 1'000'000'000);   // 10 min
}

TEST_CASE("follow: the rule is not in the hash (the release it picks is, when a pass pins it)") {
    const auto a = only_spec("name: web\nimage: registry.local/app\nfollow: {semver: \"~1.4\", interval: 5m}\n");
    const auto b = only_spec("name: web\nimage: registry.local/app\nfollow: {semver: \"~1.4\", interval: 1h}\n");
    CHECK(canonical_json(a) == canonical_json(b));
}

TEST_CASE("follow: errors name the field and what is wrong") {
    CHECK(errors("name: web\nimage: registry.local/app:1.4\nfollow: {semver: \"~1.4\"}\n") ==
          strings{"web.yaml:2:8: image: \"registry.local/app:1.4\": follow picks the tag: name the repository alone "
                  "(e.g. registry.example.com/team/app)"});
    CHECK(errors("name: web\nimage: registry.local:5000/app\nfollow: {min_age: 1h}\n") ==
          strings{"web.yaml:3:9: follow.semver: required (the versions to take, e.g. \"~1.4\")"});
    const auto bad_range = errors("name: web\nimage: registry.local/app\nfollow: {semver: \"~1.x.y.z\"}\n");
    REQUIRE(bad_range.size() == 1);
    CHECK(bad_range[0].find("web.yaml:3:18: follow.semver: \"~1.x.y.z\"") == 0);
    CHECK(errors("name: web\nimage: registry.local/app\nfollow: {semver: \"1\", interval: 10ms}\n") ==
          strings{"web.yaml:3:33: follow.interval: at least 1s (the registry is asked this often)"});
    CHECK(errors("name: web\nimage: registry.local/app\nfollow: {semver: \"1\", every: 1h}\n").size() == 1);
    CHECK(errors("name: web\nimage: registry.local/app\npull: always\nfollow: {semver: \"1\"}\n") ==
          strings{"web.yaml:3:7: pull: a followed image is pinned by its digest: pull always has nothing to add"});
    CHECK(errors("name: web\nimage: registry.local/app\npull: never\nfollow: {semver: \"1\"}\n") ==
          strings{"web.yaml:3:7: pull: a followed image is pulled by its digest once a release is picked: pull never "
                  "would keep every new release from running"});
    CHECK(errors("name: web\nbuild: /srv/app\nfollow: {semver: \"1\"}\n") ==
          strings{"web.yaml:3:9: follow: a built image has no releases to follow"});
}

TEST_CASE("follow: a compose service's x-driftless.follow, which docker compose ignores") {
    auto r = parse("services:\n  web:\n    image: registry.local/app\n    x-driftless:\n"
                   "      follow: {semver: \">=1.4.0 <2\", min_age: 72h}\nname: p\n");
    for (const auto& d : r.errors) MESSAGE(d.to_string());
    REQUIRE(r.ok());
    const auto* s = r.specs.at(0).as_service();
    REQUIRE(s != nullptr);
    REQUIRE(s->follow);
    CHECK(s->follow->semver == ">=1.4.0 <2");
    CHECK(s->follow->min_age_ns == 72LL * 3600 * 1'000'000'000);
    CHECK(errors("services:\n  web:\n    image: registry.local/app:2\n    x-driftless: {follow: {semver: \"2\"}}\n"
                 "name: p\n") ==
          strings{"web.yaml:3:12: services.web.image: \"registry.local/app:2\": follow picks the tag: name the "
                  "repository alone (e.g. registry.example.com/team/app)"});
    CHECK(errors("services:\n  web:\n    image: registry.local/app\n    x-driftless: {depends_on: [a]}\nname: p\n")
              .size() == 1);
}
