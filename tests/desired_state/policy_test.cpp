// --policy FILE: reading the file, judging specs, and the store holding
// what the policy denies.
#include <doctest/doctest.h>

#include "desired_state/policy.hpp"
#include "desired_state/store.hpp"
#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;

namespace {

std::vector<std::string> denied(const policy& p, std::string_view text) {
    std::vector<std::string> out;
    for (const auto& d : check_policy(p, only_spec(text))) out.push_back(d.to_string());
    return out;
}

}  // namespace

TEST_CASE("policy: every key read; absent keys restrict nothing") {
    auto p = parse_policy("images: [registry.local/, driftless/]\nhost_network: false\nprivileged: false\n"
                          "bind_mounts: [/srv/, /var/lib/app]\n",
                          "policy.yaml");
    REQUIRE(p.ok());
    CHECK(*p->images == std::vector<std::string>{"registry.local/", "driftless/"});
    CHECK_FALSE(p->host_network);
    CHECK_FALSE(p->privileged);
    CHECK(*p->bind_mounts == std::vector<std::string>{"/srv/", "/var/lib/app"});

    auto open = parse_policy("", "empty.yaml");
    REQUIRE(open.ok());
    CHECK_FALSE(open->images.has_value());
    CHECK(open->host_network);
    CHECK_FALSE(open->bind_mounts.has_value());
    CHECK(denied(*open, "name: web\nimage: anything:1\nnetworks: [host]\nmounts: [\"/etc:/etc\"]\n").empty());
}

TEST_CASE("policy: a bad file is an error naming the place") {
    auto typo = parse_policy("imags: [a/]\n", "p.yaml");
    REQUIRE_FALSE(typo.ok());
    CHECK(typo.err().message.find("p.yaml:1:1") == 0);
    CHECK(typo.err().message.find("images") != std::string::npos);   // did you mean

    auto type = parse_policy("host_network: sometimes\n", "p.yaml");
    REQUIRE_FALSE(type.ok());
    CHECK(type.err().message.find("p.yaml:1:15: host_network") == 0);

    auto relative = parse_policy("bind_mounts: [srv/data]\n", "p.yaml");
    REQUIRE_FALSE(relative.ok());
    CHECK(relative.err().message.find("a folder must be an absolute path") != std::string::npos);

    auto everything = parse_policy("images: [\"\"]\n", "p.yaml");
    REQUIRE_FALSE(everything.ok());
    CHECK(everything.err().message.find("an empty prefix would allow everything") != std::string::npos);

    CHECK_FALSE(parse_policy("images: registry.local/\n", "p.yaml").ok());   // a list, not a string
    CHECK(load_policy("/nonexistent/policy.yaml").err().message ==
          "/nonexistent/policy.yaml: cannot read the policy file");
}

TEST_CASE("policy: images, host network and bind mounts are judged per spec") {
    auto p = parse_policy("images: [registry.local/]\nhost_network: false\nbind_mounts: [/srv]\n", "p.yaml");
    REQUIRE(p.ok());
    CHECK(denied(*p, "name: web\nimage: registry.local/web:1\nmounts: [\"/srv/web:/data\"]\n").empty());
    CHECK(denied(*p, "name: web\nimage: docker.io/web:1\n") ==
          std::vector<std::string>{"web.yaml:1:1: image: denied by the policy: \"docker.io/web:1\" is not under an "
                                   "allowed prefix (\"registry.local/\")"});
    CHECK(denied(*p, "name: web\nimage: registry.local/web:1\nnetworks: [host]\n") ==
          std::vector<std::string>{"web.yaml:1:1: networks: denied by the policy: the host network is not allowed"});
    // Whole path components: /srvx is not inside /srv, and .. does not climb out.
    CHECK(denied(*p, "name: web\nimage: registry.local/web:1\nmounts: [\"/srvx:/data\"]\n").size() == 1);
    CHECK(denied(*p, "name: web\nimage: registry.local/web:1\nmounts: [\"/srv/../etc:/data\"]\n").size() == 1);
    CHECK(denied(*p, "name: web\nimage: registry.local/web:1\nmounts: [\"/srv:/data\"]\n").empty());
    // Volumes and tmpfs are not bind mounts.
    CHECK(denied(*p, "name: web\nimage: registry.local/web:1\nmounts: [\"data:/data\", {type: tmpfs, target: /tmp}]\n").empty());
    // Networks and volumes ask for nothing a policy restricts.
    CHECK(denied(*p, "kind: Network\nname: host-like\n").empty());

    auto none = parse_policy("bind_mounts: []\n", "p.yaml");
    REQUIRE(none.ok());
    CHECK(denied(*none, "name: web\nimage: a:1\nmounts: [\"/srv:/data\"]\n").size() == 1);
}

TEST_CASE("policy: the store holds a denied spec and reports it; the rest applies") {
    store s;
    auto p = parse_policy("images: [registry.local/]\n", "p.yaml");
    REQUIRE(p.ok());
    s.set_policy(*p);
    CHECK(s.put("ok.yaml", "name: ok\nimage: registry.local/ok:1\n").empty());
    CHECK(s.put("bad.yaml", "name: bad\nimage: elsewhere/bad:1\n").empty());   // the file itself is valid
    auto snap = s.current();
    CHECK(snap->resources.count({kind::service, "ok"}) == 1);
    CHECK(snap->resources.count({kind::service, "bad"}) == 0);
    CHECK(snap->held.count({kind::service, "bad"}) == 1);   // neither created nor removed
    REQUIRE(snap->errors.size() == 1);
    CHECK(snap->errors[0].to_string() ==
          "bad.yaml:1:1: image: denied by the policy: \"elsewhere/bad:1\" is not under an allowed prefix (\"registry.local/\")");
}
