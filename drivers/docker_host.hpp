// Where a Docker-compatible engine listens: the DOCKER_HOST notation.
//
// Accepted forms: `unix:///absolute/path.sock` and `tcp://host[:port]`
// (port 2375 when omitted; IPv6 hosts in brackets, `tcp://[::1]:2375`).
// TLS, ssh:// and npipe:// are not supported and are rejected with an error
// saying so. Pure functions: no I/O except reading the environment in
// docker_host_from_env.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "desired_state/result.hpp"

namespace driftless::drivers::docker {

struct docker_host {
    enum class transport { unix_socket, tcp };
    transport via = transport::unix_socket;
    std::string path;              // unix_socket: absolute socket path
    std::string host;              // tcp: name or address (IPv6 without brackets)
    std::uint16_t port = 0;        // tcp

    // Back in DOCKER_HOST notation, e.g. "unix:///var/run/docker.sock".
    [[nodiscard]] std::string to_string() const;
    bool operator==(const docker_host&) const = default;
};

inline constexpr const char* default_docker_socket = "unix:///var/run/docker.sock";

// Parses a DOCKER_HOST value. Errors have code "invalid" and quote the value.
[[nodiscard]] result<docker_host> parse_docker_host(std::string_view value);

// `explicit_host` when not empty, else $DOCKER_HOST when set and not empty,
// else unix:///var/run/docker.sock; then parsed.
[[nodiscard]] result<docker_host> docker_host_from_env(std::string_view explicit_host);

}  // namespace driftless::drivers::docker
