#include "drivers/docker_host.hpp"

#include <charconv>
#include <cstdlib>

namespace driftless::drivers::docker {

namespace {

error bad(std::string_view value, const std::string& why) {
    return error{"invalid", "docker host \"" + std::string(value) + "\": " + why +
                                "; use unix:///path/to/docker.sock or tcp://host:port"};
}

}  // namespace

std::string docker_host::to_string() const {
    if (via == transport::unix_socket) return "unix://" + path;
    const bool v6 = host.find(':') != std::string::npos;
    return "tcp://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

result<docker_host> parse_docker_host(std::string_view value) {
    const auto sep = value.find("://");
    if (sep == std::string_view::npos) return bad(value, "no scheme");
    const std::string_view scheme = value.substr(0, sep);
    std::string_view rest = value.substr(sep + 3);

    if (scheme == "unix") {
        if (rest.empty() || rest.front() != '/') return bad(value, "the socket path must be absolute");
        if (rest.find('\0') != std::string_view::npos) return bad(value, "the socket path holds a NUL byte");
        // sockaddr_un::sun_path is 108 bytes including the terminating NUL.
        if (rest.size() > 107) return bad(value, "the socket path is longer than 107 bytes");
        docker_host h;
        h.via = docker_host::transport::unix_socket;
        h.path = std::string(rest);
        return h;
    }
    if (scheme == "tcp") {
        if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
        if (rest.find('/') != std::string_view::npos) return bad(value, "a path after host:port is not supported");
        if (rest.find('@') != std::string_view::npos) return bad(value, "user information is not supported");
        std::string_view host_part;
        std::string_view port_part;
        if (!rest.empty() && rest.front() == '[') {
            const auto close = rest.find(']');
            if (close == std::string_view::npos) return bad(value, "unclosed '[' around an IPv6 address");
            host_part = rest.substr(1, close - 1);
            const std::string_view after = rest.substr(close + 1);
            if (!after.empty()) {
                if (after.front() != ':') return bad(value, "expected ':' after ']'");
                port_part = after.substr(1);
                if (port_part.empty()) return bad(value, "empty port");
            }
        } else {
            const auto colon = rest.rfind(':');
            if (colon != std::string_view::npos) {
                if (rest.find(':') != colon) return bad(value, "an IPv6 address must be written in brackets");
                host_part = rest.substr(0, colon);
                port_part = rest.substr(colon + 1);
                if (port_part.empty()) return bad(value, "empty port");
            } else {
                host_part = rest;
            }
        }
        if (host_part.empty()) return bad(value, "no host");
        for (char c : host_part) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                            c == '.' || c == '-' || c == ':' || c == '_' || c == '%';
            if (!ok) return bad(value, std::string("invalid character '") + c + "' in host");
        }
        unsigned port = 2375;
        if (!port_part.empty()) {
            const auto [p, ec] = std::from_chars(port_part.data(), port_part.data() + port_part.size(), port);
            if (ec != std::errc{} || p != port_part.data() + port_part.size() || port == 0 || port > 65535)
                return bad(value, "port must be 1-65535");
        }
        docker_host h;
        h.via = docker_host::transport::tcp;
        h.host = std::string(host_part);
        h.port = static_cast<std::uint16_t>(port);
        return h;
    }
    if (scheme == "ssh" || scheme == "npipe" || scheme == "fd" || scheme == "http" || scheme == "https")
        return bad(value, "scheme \"" + std::string(scheme) + "\" is not supported");
    return bad(value, "unknown scheme \"" + std::string(scheme) + "\"");
}

result<docker_host> docker_host_from_env(std::string_view explicit_host) {
    if (!explicit_host.empty()) {
        auto parsed = parse_docker_host(explicit_host);
        if (!parsed) return parsed;
        return with_tls_from_env(std::move(*parsed));
    }
    if (const char* env = std::getenv("DOCKER_HOST"); env != nullptr && *env != '\0') {
        auto parsed = parse_docker_host(env);
        if (!parsed) return error{"invalid", "DOCKER_HOST: " + parsed.err().message};
        return with_tls_from_env(std::move(*parsed));
    }
    return parse_docker_host(default_docker_socket);
}

result<docker_host> with_tls(docker_host host, std::string_view tls_verify, std::string_view tls,
                             std::string_view cert_path, std::string_view home) {
    if (host.via != docker_host::transport::tcp) return host;
    if (tls_verify.empty()) {
        if (!tls.empty())
            return error{"invalid", "DOCKER_TLS is set without DOCKER_TLS_VERIFY: driftless always checks the engine's "
                                    "certificate; set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem)"};
        return host;
    }
    std::string dir = cert_path.empty() ? std::string(home) + "/.docker" : std::string(cert_path);
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    host.tls = engine_tls{dir + "/ca.pem", dir + "/cert.pem", dir + "/key.pem"};
    return host;
}

result<docker_host> with_tls_from_env(docker_host host) {
    auto env = [](const char* name) -> std::string_view {
        const char* v = std::getenv(name);
        return v != nullptr ? v : "";
    };
    return with_tls(std::move(host), env("DOCKER_TLS_VERIFY"), env("DOCKER_TLS"), env("DOCKER_CERT_PATH"), env("HOME"));
}

bool is_loopback(std::string_view host) {
    if (host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1") return true;
    if (host.substr(0, 4) != "127.") return false;
    int dots = 0;
    for (char c : host) {
        if (c == '.') ++dots;
        else if (c < '0' || c > '9') return false;
    }
    return dots == 3;
}

status check_plain_text(const docker_host& host, bool allow_plain_text) {
    if (host.via != docker_host::transport::tcp || host.tls || allow_plain_text || is_loopback(host.host)) return {};
    return error{"invalid", "the engine at " + host.to_string() +
                                " would be spoken to in plain text, where anyone on the network path can read every "
                                "spec and drive the engine; set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH (a folder with "
                                "ca.pem, cert.pem and key.pem), or pass --engine-insecure to accept plain text"};
}

}  // namespace driftless::drivers::docker
