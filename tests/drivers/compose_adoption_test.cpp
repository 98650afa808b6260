// What docker compose made, as the engine lists it, and the last check
// before a driver takes a container over (--adopt).
#include <doctest/doctest.h>

#include "desired_state/compose_labels.hpp"
#include "drivers/compose_adoption.hpp"
#include "drivers/docker_listing.hpp"

using namespace driftless::drivers;
using namespace driftless::drivers::docker;
namespace ds = driftless::desired_state;
namespace labels = ds::compose_labels;

namespace {

ds::spec compose_web() {
    ds::spec s;
    s.name = "shop-web-1";
    s.body = ds::service{};
    s.labels = {{labels::project, "shop"}, {labels::service, "web"}, {labels::number, "1"}, {labels::oneoff, "False"}};
    return s;
}

}  // namespace

TEST_CASE("compose adoption: the listings read docker compose's labels") {
    auto containers = parse_container_list(
        R"([{"Id": "a1", "Names": ["/shop_web_1"], "State": "running",
             "Labels": {"com.docker.compose.project": "shop", "com.docker.compose.service": "web",
                        "com.docker.compose.container-number": "1", "com.docker.compose.oneoff": "False",
                        "com.docker.compose.version": "1.29.2"}}])",
        naming::by_engine);
    REQUIRE(containers.ok());
    REQUIRE(containers->size() == 1);
    const auto& web = (*containers)[0];
    CHECK(web.name == "shop_web_1");
    CHECK(web.compose.project == "shop");
    CHECK(web.compose.service == "web");
    CHECK(web.compose.number == "1");
    CHECK(web.compose.oneoff == "False");
    CHECK(web.owner.empty());
    CHECK(made_by_compose_for(web, compose_web()));

    auto networks = parse_network_list(
        R"([{"Id": "n1", "Name": "shop_default",
             "Labels": {"com.docker.compose.project": "shop", "com.docker.compose.network": "default"}}])",
        naming::by_engine);
    REQUIRE(networks.ok());
    CHECK((*networks)[0].compose.project == "shop");
    CHECK((*networks)[0].compose.key == "default");
    auto volumes = parse_volume_list(
        R"({"Volumes": [{"Name": "shop_data",
             "Labels": {"com.docker.compose.project": "shop", "com.docker.compose.volume": "data"}}]})", naming::by_engine);
    REQUIRE(volumes.ok());
    CHECK((*volumes)[0].compose.project == "shop");
    CHECK((*volumes)[0].compose.key == "data");
}

TEST_CASE("compose adoption: unowned_of_projects keeps the declared projects' containers that are not owned") {
    ownership who("me", "k");
    auto list = parse_container_list(
        R"([{"Id": "a1", "Names": ["/shop_web_1"], "Labels": {"com.docker.compose.project": "shop"}},
            {"Id": "b2", "Names": ["/blog_web_1"], "Labels": {"com.docker.compose.project": "blog"}},
            {"Id": "c3", "Names": ["/shop-web-1"], "Labels": {"com.docker.compose.project": "shop", "io.driftless.owner": "me"}}])",
        naming::by_engine);
    REQUIRE(list.ok());
    auto found = unowned_of_projects(std::move(*list), {"shop"}, who);
    REQUIRE(found.size() == 2);
    CHECK(found[0].id == "a1");
    CHECK_FALSE(found[0].unverified);
    // Labelled with this owner but without a MAC that verifies: not compose's, not ours.
    CHECK(found[1].id == "c3");
    CHECK(found[1].unverified);
    CHECK_FALSE(made_by_compose(found[1]));
}

TEST_CASE("compose adoption: the last check before a container is taken over") {
    actual_object c;
    c.kind = ds::kind::service;
    c.name = "shop_web_1";
    c.compose = {"shop", "web", "1", "False", ""};
    const auto want = compose_web();
    CHECK(refuse_unless_compose_made(c, &want).ok());
    CHECK(refuse_unless_compose_made(c, nullptr).ok());

    SUBCASE("another service of the project") {
        c.compose.service = "db";
        auto st = refuse_unless_compose_made(c, &want);
        REQUIRE_FALSE(st.ok());
        CHECK(st.err().code == "conflict");
        CHECK(st.err().message ==
              "refusing to take over container \"shop_web_1\": it was made by docker compose for project \"shop\" (service "
              "\"db\"), not for project \"shop\" (service \"web\")");
    }
    SUBCASE("a one-off") {
        c.compose.oneoff = "True";
        CHECK(refuse_unless_compose_made(c, &want).err().message ==
              "refusing to take over container \"shop_web_1\": it is a one-off container (docker compose run)");
        CHECK_FALSE(refuse_unless_compose_made(c, nullptr).ok());
    }
    SUBCASE("driftless's, of any owner") {
        c.owner = "team-b";
        CHECK(refuse_unless_compose_made(c, nullptr).err().message ==
              "refusing to take over container \"shop_web_1\": it was not made by docker compose (it is labelled with driftless "
              "owner \"team-b\")");
    }
    SUBCASE("no compose labels") {
        c.compose = {};
        CHECK(refuse_unless_compose_made(c, &want).err().message ==
              "refusing to take over container \"shop_web_1\": it was not made by docker compose (no com.docker.compose.project "
              "label)");
    }
    SUBCASE("a Swarm task") {
        c.swarm_task = true;
        CHECK(refuse_unless_compose_made(c, &want).err().message ==
              "refusing to take over container \"shop_web_1\": it was not made by docker compose (it is a Swarm task container)");
    }
    SUBCASE("networks and volumes are never taken over, only used") {
        c.kind = ds::kind::network;
        CHECK(refuse_unless_compose_made(c, nullptr).err().message ==
              "refusing to take over network \"shop_web_1\": only containers are taken over");
    }
}
