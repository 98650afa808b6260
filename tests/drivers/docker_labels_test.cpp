#include <doctest/doctest.h>

#include "desired_state/installation_key.hpp"
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
    CHECK(ownership_labels(s, "h", driftless::drivers::ownership{"o", ""}, "") == ds::string_map{{"io.driftless.owner", "o"},
                                                                {"io.driftless.name", "front"},
                                                                {"io.driftless.spec-hash", "h"},
                                                                {"io.driftless.kind", "Network"},
                                                                {"io.driftless.mac", "d7603aa2c444ce3a15d18d7d5e119873ea006585e4448fd4f386c7cda2b55589"}});
    CHECK(ownership_labels(s, "h", driftless::drivers::ownership{"o", ""}, "{}").at("io.driftless.spec") == "{}");
}

TEST_CASE("docker labels: the spec label holds no secret value") {
    ds::spec svc;
    svc.name = "web";
    ds::service body;
    body.image = "nginx";
    body.env = {{"PASSWORD", "hunter2"}, {"LOG_LEVEL", "info"}};
    svc.body = body;
    const std::string label = spec_label(svc);
    CHECK(label.find("hunter2") == std::string::npos);
    CHECK(label.find("\"PASSWORD\":\"" + ds::redact_secret("hunter2") + "\"") != std::string::npos);

    ds::spec vol;
    vol.name = "share";
    ds::volume v;
    v.driver_opts = {{"type", "cifs"}, {"o", "username=u,password=hunter2"}};
    vol.body = v;
    CHECK(spec_label(vol).find("hunter2") == std::string::npos);
}
