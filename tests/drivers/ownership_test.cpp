#include <doctest/doctest.h>

#include "drivers/docker_labels.hpp"
#include "drivers/docker_listing.hpp"
#include "drivers/ownership.hpp"
#include "drivers/swarm_listing.hpp"

using namespace driftless::drivers;
namespace ds = driftless::desired_state;

namespace {

// An object as a list answer reports one that driftless made under `who`.
actual_object made_by(const ownership& who, std::string name, std::string hash) {
    actual_object o;
    o.name = std::move(name);
    o.owner = who.owner();
    o.spec_hash = std::move(hash);
    o.name_matches = true;
    o.mac = who.mac(o.kind, o.name, o.spec_hash);
    return o;
}

// A container list answer with one container named `engine_name` and these labels.
actual_object listed(const std::string& engine_name, const std::string& labels_json) {
    auto r = docker::parse_container_list(
        R"([{"Id": "a1", "Names": ["/)" + engine_name + R"("], "State": "running", "Labels": )" + labels_json + "}]",
        docker::naming::by_label);
    REQUIRE(r.ok());
    REQUIRE(r->size() == 1);
    return (*r)[0];
}

}  // namespace

TEST_CASE("ownership: the MAC binds owner, kind, name and spec hash to the key") {
    const ownership who{"plant-1", std::string(32, 'k')};
    const auto o = made_by(who, "web", "h1");
    CHECK(who.owns(o));
    CHECK(o.mac.size() == 64);

    SUBCASE("another key does not verify") { CHECK_FALSE(ownership("plant-1", std::string(32, 'x')).owns(o)); }
    SUBCASE("another owner does not own it") { CHECK_FALSE(ownership("plant-2", std::string(32, 'k')).owns(o)); }
    SUBCASE("a MAC moved to another name, hash or kind does not verify") {
        auto renamed = o;
        renamed.name = "db";
        CHECK_FALSE(who.owns(renamed));
        auto rehashed = o;
        rehashed.spec_hash = "h2";
        CHECK_FALSE(who.owns(rehashed));
        auto network = o;
        network.kind = ds::kind::network;
        CHECK_FALSE(who.owns(network));
    }
    SUBCASE("a forged or missing MAC does not verify") {
        auto forged = o;
        forged.mac[0] = forged.mac[0] == '0' ? '1' : '0';
        CHECK_FALSE(who.owns(forged));
        forged.mac.clear();
        CHECK_FALSE(who.owns(forged));
    }
    SUBCASE("a name label that is not the object's name, or a Swarm task, is not owned") {
        auto mismatched = o;
        mismatched.name_matches = false;
        CHECK_FALSE(who.owns(mismatched));
        auto task = o;
        task.swarm_task = true;
        CHECK_FALSE(who.owns(task));
    }
}

TEST_CASE("ownership: labels an image author can write are not ownership") {
    const ownership who{"driftless", std::string(32, 'k')};
    // docker run of an image with LABEL io.driftless.owner=driftless io.driftless.name=web
    auto copied = listed("web", R"({"io.driftless.owner": "driftless", "io.driftless.name": "web"})");
    CHECK(copied.owner == "driftless");
    CHECK(copied.name_matches);
    CHECK_FALSE(who.owns(copied));
    CHECK(who.refuse_unless_owned(copied, "remove").err().message ==
          "refusing to remove Service \"web\": it is labelled with owner \"driftless\" but its io.driftless.mac label "
          "does not verify under this installation's key: not made by this installation");
}

TEST_CASE("ownership: the name label must be the container's name") {
    const ownership who{"o", "key"};
    const std::string mac = who.mac(ds::kind::service, "web", "h");
    const std::string labels = R"({"io.driftless.owner": "o", "io.driftless.name": "web", "io.driftless.spec-hash": "h",
                                   "io.driftless.mac": ")" + mac + R"("})";
    CHECK(who.owns(listed("web", labels)));
    // Renamed by hand (docker rename web web-old): still labelled "web", but not web.
    const auto renamed = listed("web-old", labels);
    CHECK_FALSE(renamed.name_matches);
    CHECK_FALSE(who.owns(renamed));
    CHECK(who.refuse_unless_owned(renamed, "update").err().message ==
          "refusing to update Service \"web\": it is labelled with owner \"o\" but its io.driftless.name label is not "
          "its name: not made by this installation");
}

TEST_CASE("ownership: Swarm task containers are never owned by a docker-driver instance") {
    const ownership who{"o", "key"};
    const std::string mac = who.mac(ds::kind::service, "web", "h");
    const auto task = listed("web", R"({"io.driftless.owner": "o", "io.driftless.name": "web", "io.driftless.spec-hash": "h",
                                        "io.driftless.mac": ")" + mac + R"(", "com.docker.swarm.task.id": "t1"})");
    CHECK(task.swarm_task);
    CHECK_FALSE(who.owns(task));
}

TEST_CASE("ownership: a swarm service is owned when its labels verify and name it") {
    const ownership who{"o", "key"};
    const std::string mac = who.mac(ds::kind::service, "web", "h");
    auto r = swarm::parse_service_list(
        R"([{"ID": "s1", "Spec": {"Name": "web", "Labels": {"io.driftless.owner": "o", "io.driftless.name": "web",
              "io.driftless.spec-hash": "h", "io.driftless.mac": ")" + mac + R"("}}},
            {"ID": "s2", "Spec": {"Name": "web2", "Labels": {"io.driftless.owner": "o", "io.driftless.name": "web",
              "io.driftless.spec-hash": "h", "io.driftless.mac": ")" + mac + R"("}}}])",
        docker::naming::by_label);
    REQUIRE(r.ok());
    CHECK(who.owns((*r)[0]));
    CHECK_FALSE(who.owns((*r)[1]));
}

TEST_CASE("ownership: the labels written verify") {
    const ownership who{"o", "key"};
    ds::spec s;
    s.name = "front";
    s.body = ds::network{};
    const auto l = docker::ownership_labels(s, "h", who, "");
    actual_object o;
    o.kind = ds::kind::network;
    o.name = "front";
    o.owner = l.at("io.driftless.owner");
    o.spec_hash = l.at("io.driftless.spec-hash");
    o.mac = l.at("io.driftless.mac");
    o.name_matches = l.at("io.driftless.name") == o.name;
    CHECK(who.owns(o));
}

TEST_CASE("ownership: the default owner is the installation's own") {
    CHECK(default_owner(std::string(32, 'a')) != default_owner(std::string(32, 'b')));
    CHECK(default_owner(std::string(32, 'a')).rfind("driftless-", 0) == 0);
    CHECK(default_owner(std::string(32, 'a')).size() == std::string("driftless-").size() + 8);
}
