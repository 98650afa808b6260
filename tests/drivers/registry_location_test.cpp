// Where a repository lives, how its registry is reached, and which names
// may reach a registry's URLs.
#include <doctest/doctest.h>

#include "drivers/registry_location.hpp"

using namespace driftless::drivers;

TEST_CASE("registry location: the host and path of a repository") {
    auto r = locate_repository("registry.local:5000/team/web");
    REQUIRE(r.ok());
    CHECK(r->host == "registry.local:5000");
    CHECK(r->path == "team/web");
    CHECK(locate_repository("localhost/web")->host == "localhost");
    CHECK(locate_repository("web")->host == "docker.io");
    CHECK(locate_repository("web")->path == "library/web");
    CHECK(locate_repository("team/web")->path == "team/web");
    CHECK(locate_repository("docker.io/nginx")->path == "library/nginx");
    CHECK(locate_repository("[::1]:5000/web")->host == "[::1]:5000");
    CHECK(locate_repository("r.example.com/Web").err().message == "\"r.example.com/Web\": repository name must be lowercase");
    CHECK(locate_repository("r.example.com/../x").err().message ==
          "\"r.example.com/../x\": invalid repository name component \"..\"");
    CHECK(locate_repository("r.example.com:99999/x").err().message.find("port must be") != std::string::npos);
}

TEST_CASE("registry location: https, unless loopback or called insecure") {
    auto hub = registry_endpoint_for("docker.io");
    REQUIRE(hub.ok());
    CHECK(hub->tls);
    CHECK(hub->host == "registry-1.docker.io");
    CHECK(hub->name == "docker.io");
    auto remote = registry_endpoint_for("registry.example.com:5000");
    CHECK(remote->tls);
    CHECK(remote->host == "registry.example.com");
    CHECK(remote->port == 5000);
    CHECK(registry_endpoint_for("registry.example.com")->port == 443);
    for (const char* loopback : {"127.0.0.1:5000", "127.1.2.3:5000", "localhost:5000", "[::1]:5000"}) {
        CAPTURE(loopback);
        CHECK_FALSE(registry_endpoint_for(loopback)->tls);
        CHECK(registry_endpoint_for(loopback)->port == 5000);
        CHECK(registry_endpoint_for(loopback, {}, true)->tls);   // a CA of its own: it speaks TLS
    }
    CHECK(registry_endpoint_for("localhost")->port == 80);
    CHECK(registry_endpoint_for("[::1]")->host == "::1");
    CHECK(registry_endpoint_for("[::1]")->port == 80);
    CHECK_FALSE(registry_endpoint_for("registry.lan:5000", {"registry.lan:5000"})->tls);
    CHECK_FALSE(registry_endpoint_for("registry.lan:5000", {"registry.lan"})->tls);
    CHECK(registry_endpoint_for("registry.lan:5000", {"registry.lan:6000"})->tls);
    CHECK(registry_endpoint_for("registry.lan", {"registry.lan"})->port == 80);
    CHECK(registry_endpoint_for("r/x").err().message ==
          "registry host \"r/x\": expected a host name or address, and a port if any (registry.example.com:5000)");
    CHECK(registry_endpoint_for("user@r").err().code == "invalid");
    CHECK(registry_endpoint_for("").err().code == "invalid");
}

TEST_CASE("registry location: a manifest is asked for by tag or by digest") {
    CHECK(check_manifest_reference("1.4.2").empty());
    CHECK(check_manifest_reference("latest_build-3").empty());
    CHECK(check_manifest_reference("sha256:" + std::string(64, 'a')).empty());
    CHECK(check_manifest_reference("../../blobs") == "invalid tag (tags are [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
    CHECK(check_manifest_reference(".hidden") == "invalid tag (tags are [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
    CHECK(check_manifest_reference(std::string(129, 'a')) == "invalid tag (tags are [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
    CHECK(check_manifest_reference("1.0?x=1") == "invalid tag (tags are [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
    CHECK(check_manifest_reference("sha256:abc") == "digest must be sha256: and 64 hex digits");
    CHECK(check_manifest_reference("") == "invalid tag (tags are [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
}
