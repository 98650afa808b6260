#include <doctest/doctest.h>

#include <cstdlib>

#include "drivers/docker_host.hpp"

using driftless::drivers::docker::docker_host;
using driftless::drivers::docker::docker_host_from_env;
using driftless::drivers::docker::parse_docker_host;

TEST_CASE("docker host: unix sockets") {
    auto h = parse_docker_host("unix:///var/run/docker.sock");
    REQUIRE(h.ok());
    CHECK(h->via == docker_host::transport::unix_socket);
    CHECK(h->path == "/var/run/docker.sock");
    CHECK(h->to_string() == "unix:///var/run/docker.sock");

    auto rel = parse_docker_host("unix://docker.sock");
    REQUIRE_FALSE(rel.ok());
    CHECK(rel.err().code == "invalid");
    CHECK(rel.err().message ==
          "docker host \"unix://docker.sock\": the socket path must be absolute; use unix:///path/to/docker.sock or "
          "tcp://host:port");
    CHECK_FALSE(parse_docker_host("unix://").ok());
    CHECK_FALSE(parse_docker_host("unix:///" + std::string(200, 'a')).ok());
}

TEST_CASE("docker host: tcp") {
    auto h = parse_docker_host("tcp://127.0.0.1:2376");
    REQUIRE(h.ok());
    CHECK(h->via == docker_host::transport::tcp);
    CHECK(h->host == "127.0.0.1");
    CHECK(h->port == 2376);
    CHECK(h->to_string() == "tcp://127.0.0.1:2376");

    auto def = parse_docker_host("tcp://docker.local");
    REQUIRE(def.ok());
    CHECK(def->host == "docker.local");
    CHECK(def->port == 2375);

    auto slash = parse_docker_host("tcp://docker.local:1234/");
    REQUIRE(slash.ok());
    CHECK(slash->port == 1234);

    auto v6 = parse_docker_host("tcp://[::1]:2375");
    REQUIRE(v6.ok());
    CHECK(v6->host == "::1");
    CHECK(v6->to_string() == "tcp://[::1]:2375");

    CHECK(parse_docker_host("tcp://h:0").err().message ==
          "docker host \"tcp://h:0\": port must be 1-65535; use unix:///path/to/docker.sock or tcp://host:port");
    CHECK_FALSE(parse_docker_host("tcp://h:65536").ok());
    CHECK_FALSE(parse_docker_host("tcp://h:12ab").ok());
    CHECK_FALSE(parse_docker_host("tcp://h:").ok());
    CHECK_FALSE(parse_docker_host("tcp://:2375").ok());
    CHECK_FALSE(parse_docker_host("tcp://").ok());
    CHECK_FALSE(parse_docker_host("tcp://::1:2375").ok());
    CHECK_FALSE(parse_docker_host("tcp://[::1").ok());
    CHECK_FALSE(parse_docker_host("tcp://h:1/path").ok());
    CHECK_FALSE(parse_docker_host("tcp://user@h:1").ok());
    CHECK_FALSE(parse_docker_host("tcp://h o:1").ok());
}

TEST_CASE("docker host: unsupported forms are named") {
    CHECK(parse_docker_host("ssh://me@box").err().message ==
          "docker host \"ssh://me@box\": scheme \"ssh\" is not supported; use unix:///path/to/docker.sock or "
          "tcp://host:port");
    CHECK(parse_docker_host("/var/run/docker.sock").err().message ==
          "docker host \"/var/run/docker.sock\": no scheme; use unix:///path/to/docker.sock or tcp://host:port");
    CHECK(parse_docker_host("foo://x").err().message ==
          "docker host \"foo://x\": unknown scheme \"foo\"; use unix:///path/to/docker.sock or tcp://host:port");
    CHECK_FALSE(parse_docker_host("npipe:////./pipe/docker_engine").ok());
    CHECK_FALSE(parse_docker_host("").ok());
}

TEST_CASE("docker host: explicit, then DOCKER_HOST, then the default socket") {
    const char* saved = std::getenv("DOCKER_HOST");
    const std::string keep = saved != nullptr ? saved : "";

    ::setenv("DOCKER_HOST", "tcp://10.0.0.1:2375", 1);
    CHECK(docker_host_from_env("unix:///tmp/x.sock")->path == "/tmp/x.sock");
    CHECK(docker_host_from_env("")->host == "10.0.0.1");

    ::setenv("DOCKER_HOST", "bogus", 1);
    auto bad = docker_host_from_env("");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.err().message.rfind("DOCKER_HOST: docker host \"bogus\": no scheme", 0) == 0);

    ::setenv("DOCKER_HOST", "", 1);
    CHECK(docker_host_from_env("")->path == "/var/run/docker.sock");
    ::unsetenv("DOCKER_HOST");
    CHECK(docker_host_from_env("")->path == "/var/run/docker.sock");

    if (saved != nullptr) ::setenv("DOCKER_HOST", keep.c_str(), 1);
}
