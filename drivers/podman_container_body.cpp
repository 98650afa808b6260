#include "drivers/podman_container_body.hpp"

#include <sys/resource.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace driftless::drivers::podman {

void add_nproc_ulimit(nlohmann::json& create_body, std::optional<process_limit> nproc) {
    if (!nproc || !create_body.contains("HostConfig")) return;
    auto& host = create_body["HostConfig"];
    if (!host.is_object() || !host.contains("Ulimits") || !host["Ulimits"].is_array()) return;
    auto& limits = host["Ulimits"];
    for (const auto& u : limits)
        if (u.is_object() && u.value("Name", std::string{}) == "nproc") return;
    limits.push_back({{"Name", "nproc"}, {"Soft", nproc->soft}, {"Hard", nproc->hard}});
}

namespace {

std::optional<std::uint64_t> number(std::string_view s) {
    if (s.empty() || s.size() > 19) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

std::optional<process_limit> own_nproc_limit() {
    rlimit r{};
    if (::getrlimit(RLIMIT_NPROC, &r) != 0 || r.rlim_max == RLIM_INFINITY) return std::nullopt;
    const auto soft = r.rlim_cur == RLIM_INFINITY ? r.rlim_max : r.rlim_cur;
    return process_limit{static_cast<std::uint64_t>(soft), static_cast<std::uint64_t>(r.rlim_max)};
}

}  // namespace

std::optional<process_limit> nproc_from_containers_conf(std::string_view text) {
    // Only the one key is read: a TOML parser is not worth it for this.
    std::istringstream in{std::string(text)};
    for (std::string line; std::getline(in, line);) {
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;
        if (line.compare(first, 15, "default_ulimits") != 0) continue;
        const auto at = line.find("nproc=");
        if (at == std::string::npos) return std::nullopt;
        const auto end = line.find_first_of("\"'", at);
        const std::string value = line.substr(at + 6, end == std::string::npos ? std::string::npos : end - at - 6);
        const auto colon = value.find(':');
        const auto soft = number(std::string_view(value).substr(0, colon));
        const auto hard = colon == std::string::npos ? soft : number(std::string_view(value).substr(colon + 1));
        if (!soft || !hard) return std::nullopt;
        return process_limit{*soft, *hard};
    }
    return std::nullopt;
}

std::optional<process_limit> podman_nproc_limit() {
    std::vector<std::string> files;
    if (const char* env = std::getenv("CONTAINERS_CONF"); env != nullptr && *env != '\0') files.emplace_back(env);
    files.emplace_back("/etc/containers/containers.conf");
    files.emplace_back("/usr/share/containers/containers.conf");
    for (const auto& f : files) {
        std::ifstream in(f);
        if (!in) continue;
        std::stringstream text;
        text << in.rdbuf();
        if (auto l = nproc_from_containers_conf(text.str())) return l;
    }
    return own_nproc_limit();
}

}  // namespace driftless::drivers::podman
