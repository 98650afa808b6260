#include "desired_state/detail/names.hpp"
#include "desired_state/image_names.hpp"
#include "desired_state/resource_name.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <vector>

namespace driftless::desired_state::detail {

namespace {

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool alnum(char c) { return lower_alnum(c) || (c >= 'A' && c <= 'Z'); }
bool word_char(char c) { return alnum(c) || c == '_'; }
bool hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        auto p = s.find(sep, start);
        parts.push_back(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
        if (p == std::string_view::npos) break;
        start = p + 1;
    }
    return parts;
}

// [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*
bool path_component(std::string_view c) {
    if (c.empty() || !lower_alnum(c.front()) || !lower_alnum(c.back())) return false;
    std::size_t i = 0;
    while (i < c.size()) {
        if (lower_alnum(c[i])) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < c.size() && !lower_alnum(c[j])) ++j;
        std::string_view sep = c.substr(i, j - i);
        bool ok = sep == "." || sep == "_" || sep == "__" || sep.find_first_not_of('-') == std::string_view::npos;
        if (!ok) return false;
        i = j;
    }
    return true;
}

std::string component_error(std::string_view p) {
    if (p.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos) return "repository name must be lowercase";
    if (!path_component(p)) return "invalid repository name component \"" + std::string(p) + "\"";
    return {};
}

// [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?
bool domain_component(std::string_view c) {
    if (c.empty() || c.size() > 63 || !alnum(c.front()) || !alnum(c.back())) return false;
    for (char ch : c)
        if (!alnum(ch) && ch != '-') return false;
    return true;
}

bool registry_host(std::string_view host) {
    if (!host.empty() && host.front() == '[') {
        auto close = host.find(']');
        if (close == std::string_view::npos) return false;
        if (!is_ipv6(host.substr(1, close - 1))) return false;
        host.remove_prefix(close + 1);
        if (host.empty()) return true;
        if (host.front() != ':') return false;
        host.remove_prefix(1);
        return !host.empty() && host.size() <= 5 && host.find_first_not_of("0123456789") == std::string_view::npos;
    }
    auto colon = host.find(':');
    std::string_view name = host.substr(0, colon);
    for (auto part : split(name, '.'))
        if (!domain_component(part)) return false;
    if (colon == std::string_view::npos) return true;
    std::string_view port = host.substr(colon + 1);
    return !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

bool is_ipv4(std::string_view s) {
    std::string z(s);
    in_addr a{};
    return inet_pton(AF_INET, z.c_str(), &a) == 1;
}

bool is_ipv6(std::string_view s) {
    std::string z(s);
    in6_addr a{};
    return inet_pton(AF_INET6, z.c_str(), &a) == 1;
}

std::string check_resource_name(std::string_view name) {
    if (name.size() < 2 || name.size() > 63) return "must be 2-63 characters of a-z, 0-9, \"_\", \".\", \"-\"";
    if (!lower_alnum(name[0])) return "must start with a lowercase letter or a digit";
    for (char c : name)
        if (!lower_alnum(c) && c != '_' && c != '.' && c != '-')
            return "may only hold lowercase letters, digits, \"_\", \".\" and \"-\"";
    return {};
}

std::string check_image_reference(std::string_view ref) {
    if (ref.empty()) return "empty image reference";
    std::string_view rest = ref;
    // digest
    if (auto at = rest.find('@'); at != std::string_view::npos) {
        std::string_view digest = rest.substr(at + 1);
        rest = rest.substr(0, at);
        if (auto e = desired_state::check_digest(digest); !e.empty()) return e;
    }
    // tag: after the last ":" that follows the last "/"
    auto slash = rest.rfind('/');
    auto colon = rest.rfind(':');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
        std::string_view tag = rest.substr(colon + 1);
        rest = rest.substr(0, colon);
        if (auto e = desired_state::check_tag(tag); !e.empty()) return e;
    }
    if (rest.empty()) return "missing repository name";
    if (rest.size() > 255) return "repository name longer than 255 characters";
    auto parts = split(rest, '/');
    std::size_t first_path = 0;
    // The first component is a registry host when it looks like one.
    std::string_view first = parts[0];
    if (parts.size() > 1 && (first.find_first_of(".:[") != std::string_view::npos || first == "localhost" ||
                             first.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos)) {
        if (!registry_host(first)) return "invalid registry host \"" + std::string(first) + "\"";
        first_path = 1;
    }
    for (std::size_t i = first_path; i < parts.size(); ++i)
        if (auto e = component_error(parts[i]); !e.empty()) return e;
    return {};
}

std::string check_host_name(std::string_view host) {
    if (host.empty()) return "empty host name";
    if (host.size() > 253) return "host name longer than 253 characters";
    for (auto label : split(host, '.'))
        if (!domain_component(label)) return "invalid host name (labels of letters, digits and \"-\", separated by \".\")";
    return {};
}

}  // namespace driftless::desired_state::detail

namespace driftless::desired_state {

std::string check_resource_name(std::string_view name) { return detail::check_resource_name(name); }

std::string check_repository_path(std::string_view path) {
    if (path.empty()) return "missing repository name";
    if (path.size() > 255) return "repository name longer than 255 characters";
    for (auto part : detail::split(path, '/'))
        if (auto e = detail::component_error(part); !e.empty()) return e;
    return {};
}

std::string check_tag(std::string_view tag) {
    bool ok = !tag.empty() && tag.size() <= 128 && detail::word_char(tag[0]);
    for (char c : tag)
        if (!detail::word_char(c) && c != '.' && c != '-') ok = false;
    return ok ? "" : "invalid tag (tags are [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})";
}

std::string check_digest(std::string_view digest) {
    bool ok = digest.substr(0, 7) == "sha256:" && digest.size() == 7 + 64;
    for (char c : digest.substr(std::min<std::size_t>(7, digest.size())))
        if (!detail::hex(c)) ok = false;
    return ok ? "" : "digest must be sha256: and 64 hex digits";
}

}  // namespace driftless::desired_state
