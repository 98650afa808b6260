// --policy FILE: reading the file, judging specs, and the store holding
// what the policy denies.
#include <doctest/doctest.h>

#include "desired_state/policy.hpp"
#include "desired_state/store.hpp"
#include "policy_support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;

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

TEST_CASE("policy: the keys for volumes and container powers; a list key also takes true or false") {
    auto p = policy_of("read_only_binds: true\nvolume_drivers: [local]\nvolume_types: false\nundeclared_volumes: false\n"
                       "capabilities: [cap_net_admin, SYS_TIME]\ndevices: [/dev/ttyUSB0]\nhost_namespaces: false\n"
                       "unconfined: false\nsysctls: [net.ipv4.*]\nimages: true\n");
    CHECK(p.read_only_binds);
    CHECK(*p.volume_drivers == std::vector<std::string>{"local"});
    CHECK(p.volume_types->empty());
    CHECK_FALSE(p.undeclared_volumes);
    CHECK(*p.capabilities == std::vector<std::string>{"NET_ADMIN", "SYS_TIME"});
    CHECK(*p.devices == std::vector<std::string>{"/dev/ttyUSB0"});
    CHECK_FALSE(p.host_namespaces);
    CHECK_FALSE(p.unconfined);
    CHECK(*p.sysctls == std::vector<std::string>{"net.ipv4.*"});
    CHECK_FALSE(p.images.has_value());

    auto open = policy_of("");
    CHECK_FALSE(open.read_only_binds);
    CHECK(open.undeclared_volumes);
    CHECK(open.privileged);
    CHECK(open.host_namespaces);
    CHECK(open.unconfined);
    CHECK_FALSE(open.capabilities.has_value());
    CHECK_FALSE(open.devices.has_value());
    CHECK_FALSE(open.sysctls.has_value());
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

    auto scalar = parse_policy("images: registry.local/\n", "p.yaml");   // a list, not a string
    REQUIRE_FALSE(scalar.ok());
    CHECK(scalar.err().message == "p.yaml:1:9: images: \"registry.local/\": expected a list, true or false");

    auto device = parse_policy("devices: [ttyUSB0]\nsysctls: [net.*.ip_forward]\n", "p.yaml");
    REQUIRE_FALSE(device.ok());
    CHECK(device.err().message ==
          "p.yaml:1:11: devices[0]: \"ttyUSB0\": a device must be an absolute path without \"..\"\n"
          "p.yaml:2:11: sysctls[0]: \"net.*.ip_forward\": a pattern is a full name or ends in \".*\" (net.ipv4.*)");
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

TEST_CASE("policy: an image entry matches whole components of the normalised reference") {
    auto p = policy_of("images: [registry.local, driftless/, docker.io/library/, \"registry.local:5000/team/app\"]\n");
    auto image_denied = [&](std::string image) {
        return !denied(p, "name: web\nimage: " + image + "\n").empty();
    };
    // A registry entry is a whole host, not a text prefix of one.
    CHECK_FALSE(image_denied("registry.local/x:1"));
    CHECK_FALSE(image_denied("registry.local/team/x@sha256:" + std::string(64, 'a')));
    CHECK(image_denied("registry.local.evil.example/x:1"));
    CHECK(image_denied("registry.localhost/x:1"));
    // A port names another registry: "registry.local" does not allow "registry.local:5000".
    CHECK(image_denied("registry.local:5000/x:1"));
    CHECK_FALSE(image_denied("registry.local:5000/team/app:2"));
    CHECK(image_denied("registry.local:5000/team/application:2"));
    CHECK(image_denied("registry.local:5000/team/x:1"));
    // Docker Hub references are normalised as docker does.
    CHECK_FALSE(image_denied("driftless/busybox:1"));
    CHECK_FALSE(image_denied("docker.io/driftless/busybox:1"));
    CHECK_FALSE(image_denied("index.docker.io/driftless/busybox:1"));
    CHECK(image_denied("driftlessx/busybox:1"));
    CHECK_FALSE(image_denied("busybox:1"));
    CHECK_FALSE(image_denied("busybox"));
    CHECK(image_denied("someone/busybox:1"));
    CHECK(denied(p, "name: web\nimage: registry.local.evil.example/x:1\n") ==
          std::vector<std::string>{"web.yaml:1:1: image: denied by the policy: \"registry.local.evil.example/x:1\" is "
                                   "not under an allowed prefix (\"registry.local\", \"driftless/\", "
                                   "\"docker.io/library/\", \"registry.local:5000/team/app\")"});
}

TEST_CASE("policy: an image entry with a tag or digest allows that image only") {
    const std::string digest = "sha256:" + std::string(64, 'b');
    auto p = policy_of("images: [\"busybox:1.36\", \"registry.local/app@" + digest + "\"]\n");
    CHECK(denied(p, "name: web\nimage: busybox:1.36\n").empty());
    CHECK(denied(p, "name: web\nimage: docker.io/library/busybox:1.36\n").empty());
    CHECK(denied(p, "name: web\nimage: busybox:1.37\n").size() == 1);
    CHECK(denied(p, "name: web\nimage: busybox\n").size() == 1);
    CHECK(denied(p, "name: web\nimage: registry.local/app@" + digest + "\n").empty());
    CHECK(denied(p, "name: web\nimage: registry.local/app:1\n").size() == 1);

    auto bad = parse_policy("images: [\"registry.local/Team/\"]\n", "p.yaml");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.err().message ==
          "p.yaml:1:10: images[0]: \"registry.local/Team/\": not an image reference or prefix "
          "(repository name must be lowercase)");
}
