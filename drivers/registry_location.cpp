#include "drivers/registry_location.hpp"

#include <arpa/inet.h>

#include <algorithm>

#include "desired_state/image_names.hpp"
#include "drivers/http_url.hpp"

namespace driftless::drivers {

namespace {

bool docker_hub(std::string_view host) {
    return host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io";
}

bool loopback(const std::string& host) {
    if (host == "localhost" || host == "::1") return true;
    in_addr a{};
    return ::inet_pton(AF_INET, host.c_str(), &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

}  // namespace

result<registry_repository> locate_repository(std::string_view repository) {
    registry_repository out;
    std::string_view path = repository;
    const auto slash = repository.find('/');
    const std::string_view first = repository.substr(0, slash);
    if (slash != std::string_view::npos && (first.find_first_of(".:") != std::string_view::npos || first == "localhost")) {
        out.host = std::string(first);
        path = repository.substr(slash + 1);
        if (auto e = registry_endpoint_for(out.host); !e.ok())
            return error{"invalid", "\"" + std::string(repository) + "\": " + e.err().message};
    } else {
        out.host = "docker.io";
    }
    out.path = std::string(path);
    if (docker_hub(out.host) && out.path.find('/') == std::string::npos) out.path = "library/" + out.path;
    if (auto e = desired_state::check_repository_path(out.path); !e.empty())
        return error{"invalid", "\"" + std::string(repository) + "\": " + e};
    return out;
}

result<registry_endpoint> registry_endpoint_for(std::string_view host, const std::vector<std::string>& insecure,
                                                bool own_ca) {
    const auto bad = [&](const std::string& why) {
        return error{"invalid", "registry host \"" + std::string(host) + "\": " + why};
    };
    if (host.empty() || host.find_first_of("/?#@") != std::string_view::npos)
        return bad("expected a host name or address, and a port if any (registry.example.com:5000)");
    auto url = parse_http_url("https://" + std::string(host));
    if (!url.ok()) return bad(url.err().message);
    registry_endpoint out;
    out.name = std::string(host);
    out.host = url->host;
    out.port = url->port;
    if (docker_hub(out.name)) {
        out.host = "registry-1.docker.io";
        out.port = 443;
        return out;
    }
    const bool listed = std::any_of(insecure.begin(), insecure.end(),
                                    [&](const std::string& entry) { return entry == out.name || entry == out.host; });
    if (listed || (loopback(out.host) && !own_ca)) {
        out.tls = false;
        // A host written without a port: plain http's own.
        const bool has_port = url->authority.back() != ']' && url->authority.find(':') != std::string::npos;
        if (!has_port) out.port = 80;
    }
    return out;
}

std::string check_manifest_reference(std::string_view reference) {
    if (reference.find(':') != std::string_view::npos) return desired_state::check_digest(reference);
    return desired_state::check_tag(reference);
}

}  // namespace driftless::drivers
