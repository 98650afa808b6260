// Where a Docker-compatible engine listens: the DOCKER_HOST notation.
//
// Accepted forms: `unix:///absolute/path.sock` and `tcp://host[:port]`
// (port 2375 when omitted; IPv6 hosts in brackets, `tcp://[::1]:2375`).
// TLS to a tcp:// engine as docker's CLI does it: DOCKER_TLS_VERIFY set
// (not empty) turns it on, with ca.pem, cert.pem and key.pem from
// DOCKER_CERT_PATH (default ~/.docker); the engine's certificate must be
// signed by ca.pem and name the host. ssh:// and npipe:// are not supported
// and are rejected with an error saying so. Pure functions: no I/O except
// reading the environment in docker_host_from_env.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "desired_state/result.hpp"

namespace driftless::drivers::docker {

// Files of a TLS connection to the engine (DOCKER_CERT_PATH's).
struct engine_tls {
    std::string ca_file;           // the CA that signed the engine's certificate
    std::string cert_file;         // driftless's client certificate
    std::string key_file;          // its private key
    bool operator==(const engine_tls&) const = default;
};

struct docker_host {
    enum class transport { unix_socket, tcp };
    transport via = transport::unix_socket;
    std::string path;              // unix_socket: absolute socket path
    std::string host;              // tcp: name or address (IPv6 without brackets)
    std::uint16_t port = 0;        // tcp
    std::optional<engine_tls> tls; // tcp: TLS with these files; nullopt = plain text

    // Back in DOCKER_HOST notation, e.g. "unix:///var/run/docker.sock".
    [[nodiscard]] std::string to_string() const;
    bool operator==(const docker_host&) const = default;
};

inline constexpr const char* default_docker_socket = "unix:///var/run/docker.sock";

// Parses a DOCKER_HOST value. Errors have code "invalid" and quote the value.
[[nodiscard]] result<docker_host> parse_docker_host(std::string_view value);

// `explicit_host` when not empty, else $DOCKER_HOST when set and not empty,
// else unix:///var/run/docker.sock; then parsed, and with_tls_from_env.
[[nodiscard]] result<docker_host> docker_host_from_env(std::string_view explicit_host);

// The environment's say on TLS, passed in (pure): a tcp:// host gets TLS
// with DOCKER_CERT_PATH's files (`cert_path`, or `home`/.docker when empty)
// when `tls_verify` (DOCKER_TLS_VERIFY) is not empty. DOCKER_TLS alone (TLS
// without checking the engine's certificate) is an error: driftless always
// checks. A unix socket is left as it is, as docker's CLI does.
[[nodiscard]] result<docker_host> with_tls(docker_host host, std::string_view tls_verify, std::string_view tls,
                                           std::string_view cert_path, std::string_view home);
// with_tls from $DOCKER_TLS_VERIFY, $DOCKER_TLS, $DOCKER_CERT_PATH, $HOME.
[[nodiscard]] result<docker_host> with_tls_from_env(docker_host host);

// Whether `host` names this machine: localhost, 127.0.0.0/8 or ::1.
[[nodiscard]] bool is_loopback(std::string_view host);

// A tcp:// engine off this machine without TLS is an error ("invalid")
// unless `allow_plain_text` (--engine-insecure): its API is root on that
// host to anyone on the path, and it would see every spec. Loopback and unix
// sockets are fine.
[[nodiscard]] status check_plain_text(const docker_host& host, bool allow_plain_text);

}  // namespace driftless::drivers::docker
