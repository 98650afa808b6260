#include "drivers/names.hpp"

namespace driftless::drivers {

namespace {
bool lower_alnum(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
}  // namespace

bool valid_name(std::string_view s) noexcept {
    if (s.size() < 2 || s.size() > 63 || !lower_alnum(s.front())) return false;
    for (char c : s.substr(1))
        if (!lower_alnum(c) && c != '_' && c != '.' && c != '-') return false;
    return true;
}

bool valid_swarm_id(std::string_view s) noexcept {
    if (s.size() != 25) return false;
    for (char c : s)
        if (!lower_alnum(c)) return false;
    return true;
}

bool valid_object_id(std::string_view s) noexcept {
    if (s.size() < 12 || s.size() > 64) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

bool valid_image_reference(std::string_view s) noexcept {
    if (s.empty() || s.size() > 255) return false;
    const char first = s.front();
    if (first == '/' || first == '.' || first == '-' || first == ':' || first == '@') return false;
    if (s.back() == '/' || s.back() == ':' || s.back() == '@') return false;
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '_' || c == '-' || c == ':' || c == '/' || c == '@';
        if (!ok) return false;
    }
    if (s.find("..") != std::string_view::npos || s.find("//") != std::string_view::npos) return false;
    if (s.find("/.") != std::string_view::npos) return false;
    return true;
}

std::string exact_container_name_regex(std::string_view name) {
    // dockerd matches against "/NAME", podman's compatible API against
    // "NAME": the optional slash suits both.
    std::string out = "^/?";
    for (char c : name) {
        if (c == '.') out += '\\';
        out += c;
    }
    out += '$';
    return out;
}

status check_service_names(const desired_state::spec& s) {
    const auto* svc = s.as_service();
    if (svc == nullptr) return error{"invalid", s.name + ": not a Service"};
    if (!valid_name(s.name))
        return error{"invalid", "\"" + s.name + "\": a name must match [a-z0-9][a-z0-9_.-]{1,62}"};
    if (!valid_image_reference(svc->image))
        return error{"invalid", s.name + ": image \"" + svc->image + "\" is not a valid image reference"};
    for (const auto& n : svc->networks)
        if (!valid_name(n)) return error{"invalid", s.name + ": network \"" + n + "\" is not a valid network name"};
    return {};
}

}  // namespace driftless::drivers
