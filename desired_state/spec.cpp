#include "desired_state/spec.hpp"

namespace driftless::desired_state {

const char* to_string(kind k) noexcept {
    switch (k) {
    case kind::service: return "Service";
    case kind::network: return "Network";
    case kind::volume: return "Volume";
    }
    return "?";
}

std::optional<kind> kind_from_string(std::string_view s) noexcept {
    if (s == "Service") return kind::service;
    if (s == "Network") return kind::network;
    if (s == "Volume") return kind::volume;
    return std::nullopt;
}

std::string source_location::to_string() const {
    if (line <= 0) return path;
    return path + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string resource_key::to_string() const {
    return std::string(desired_state::to_string(kind)) + "/" + name;
}

}  // namespace driftless::desired_state
