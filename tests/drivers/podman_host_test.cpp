#include <doctest/doctest.h>

#include <set>

#include "drivers/podman_host.hpp"

using namespace driftless::drivers;
using namespace driftless::drivers::podman;

TEST_CASE("podman sockets: the user's runtime directory first, then /run") {
    CHECK(podman_socket_candidates("/run/user/1000") ==
          std::vector<std::string>{"/run/user/1000/podman/podman.sock", "/run/podman/podman.sock"});
    CHECK(podman_socket_candidates("") == std::vector<std::string>{"/run/podman/podman.sock"});
}

TEST_CASE("podman sockets: the first that answers") {
    const auto candidates = podman_socket_candidates("/run/user/1000");
    SUBCASE("both answer") {
        auto h = first_answering(candidates, [](const std::string&) { return true; });
        REQUIRE(h.ok());
        CHECK(h->to_string() == "unix:///run/user/1000/podman/podman.sock");
    }
    SUBCASE("only root's") {
        auto h = first_answering(candidates, [](const std::string& p) { return p == "/run/podman/podman.sock"; });
        REQUIRE(h.ok());
        CHECK(h->to_string() == "unix:///run/podman/podman.sock");
    }
    SUBCASE("none: the error names every place tried") {
        std::set<std::string> asked;
        auto h = first_answering(candidates, [&](const std::string& p) {
            asked.insert(p);
            return false;
        });
        REQUIRE_FALSE(h.ok());
        CHECK(asked.size() == 2);
        CHECK(h.err().code == "unreachable");
        CHECK(h.err().message ==
              "podman: no API service answers on /run/user/1000/podman/podman.sock, /run/podman/podman.sock; start one "
              "with `podman system service --time=0 unix:///run/podman/podman.sock` (scripts/start-podman.sh) or set "
              "DOCKER_HOST");
    }
}

TEST_CASE("podman sockets: nothing listens on a path that does not exist") {
    CHECK_FALSE(unix_socket_answers("/nonexistent/driftless/podman.sock"));
    CHECK_FALSE(unix_socket_answers(std::string(200, 'x')));
}

TEST_CASE("podman host: an explicit host wins") {
    auto h = podman_host_from_env("unix:///tmp/p.sock");
    REQUIRE(h.ok());
    CHECK(h->path == "/tmp/p.sock");
    CHECK(podman_host_from_env("ssh://x").err().code == "invalid");
}
