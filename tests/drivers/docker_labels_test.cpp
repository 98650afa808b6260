#include <doctest/doctest.h>

#include "drivers/docker_labels.hpp"

using namespace driftless::drivers::docker;
namespace ds = driftless::desired_state;

TEST_CASE("docker labels: Traefik router from expose") {
    CHECK(traefik_labels("web", {"web.factory.local", "web.local", 8080}) ==
          ds::string_map{
              {"traefik.enable", "true"},
              {"traefik.http.routers.web.rule", "Host(`web.factory.local`) || Host(`web.local`)"},
              {"traefik.http.routers.web.entrypoints", "web"},
              {"traefik.http.services.web.loadbalancer.server.port", "8080"},
          });
    CHECK(traefik_labels("web", {"web.factory.local", "", 80}).at("traefik.http.routers.web.rule") ==
          "Host(`web.factory.local`)");
    CHECK(traefik_router_name("api.v1.x") == "api-v1-x");
    CHECK(traefik_labels("api.v1", {"h", "", 1}).count("traefik.http.routers.api-v1.rule") == 1);
}

TEST_CASE("docker labels: ownership") {
    ds::spec s;
    s.name = "front";
    s.body = ds::network{};
    CHECK(ownership_labels(s, "h", "o", "") == ds::string_map{{"io.driftless.owner", "o"},
                                                                {"io.driftless.name", "front"},
                                                                {"io.driftless.spec-hash", "h"},
                                                                {"io.driftless.kind", "Network"}});
    CHECK(ownership_labels(s, "h", "o", "{}").at("io.driftless.spec") == "{}");
}
