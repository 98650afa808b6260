#include "drivers/docker_labels.hpp"

#include "desired_state/hash.hpp"
#include "drivers/labels.hpp"

namespace driftless::drivers::docker {

std::string spec_label(const desired_state::spec& s) {
    return desired_state::without_defaults(desired_state::redacted(desired_state::canonical_json(s))).dump();
}

desired_state::string_map ownership_labels(const desired_state::spec& s, std::string_view hash,
                                           const ownership& who, std::string_view spec_json) {
    desired_state::string_map out{
        {labels::owner, who.owner()},
        {labels::name, s.name},
        {labels::spec_hash, std::string(hash)},
        {labels::kind, desired_state::to_string(s.kind())},
        {labels::mac, who.mac(s.kind(), s.name, hash)},
    };
    if (!spec_json.empty()) out[labels::spec] = std::string(spec_json);
    return out;
}

std::string traefik_router_name(std::string_view spec_name) {
    std::string out(spec_name);
    for (char& c : out)
        if (c == '.') c = '-';
    return out;
}

desired_state::string_map traefik_labels(std::string_view spec_name, const desired_state::expose_spec& expose) {
    const std::string r = traefik_router_name(spec_name);
    std::string rule = "Host(`" + expose.host + "`)";
    if (!expose.alias.empty()) rule += " || Host(`" + expose.alias + "`)";
    return {
        {"traefik.enable", "true"},
        {"traefik.http.routers." + r + ".rule", rule},
        {"traefik.http.routers." + r + ".entrypoints", "web"},
        {"traefik.http.services." + r + ".loadbalancer.server.port", std::to_string(expose.port)},
    };
}

desired_state::string_map user_labels(const desired_state::spec& s) {
    desired_state::string_map out;
    if (const auto* svc = s.as_service(); svc != nullptr && svc->expose) out = traefik_labels(s.name, *svc->expose);
    for (const auto& [k, v] : s.labels) out[k] = v;
    return out;
}

desired_state::string_map object_labels(const desired_state::spec& s, std::string_view hash, const ownership& who,
                                        std::string_view spec_json) {
    desired_state::string_map out = user_labels(s);
    for (auto& [k, v] : ownership_labels(s, hash, who, spec_json)) out[k] = std::move(v);
    return out;
}

}  // namespace driftless::drivers::docker
