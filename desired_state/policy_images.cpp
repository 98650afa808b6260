#include <algorithm>
#include <cctype>

#include "desired_state/detail/names.hpp"
#include "desired_state/detail/policy_rules.hpp"
#include "desired_state/detail/reader.hpp"

namespace driftless::desired_state::detail {

namespace {

// An image reference as docker names it: registry first, then the
// repository path, apart from tag and digest.
struct image_name {
    std::vector<std::string> components;
    std::string tag;
    std::string digest;
};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Docker's rule for the first component of a reference with a "/".
bool registry_like(std::string_view first) {
    return first.find_first_of(".:[") != std::string_view::npos || first == "localhost" ||
           std::any_of(first.begin(), first.end(), [](unsigned char c) { return std::isupper(c) != 0; });
}

// A lone entry is a registry when its host part has a "." or is localhost:
// "registry.local", "registry.local:5000", but "busybox:1.36" is an image.
bool lone_registry(std::string_view entry) {
    const auto host = entry.substr(0, entry.find(':'));
    return host.find('.') != std::string_view::npos || host == "localhost";
}

void split_tag_and_digest(std::string_view& rest, image_name& out) {
    if (const auto at = rest.find('@'); at != std::string_view::npos) {
        out.digest = std::string(rest.substr(at + 1));
        rest = rest.substr(0, at);
    }
    const auto slash = rest.rfind('/');
    const auto colon = rest.rfind(':');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
        out.tag = std::string(rest.substr(colon + 1));
        rest = rest.substr(0, colon);
    }
}

// Adds the registry docker would use and Docker Hub's "library/" for an
// official image. `with_registry`: components[0] already names one.
image_name normalised(std::vector<std::string> path, bool with_registry, bool whole_name, image_name out) {
    std::string registry = "docker.io";
    if (with_registry) {
        registry = lower(path.front());
        path.erase(path.begin());
        if (registry == "index.docker.io") registry = "docker.io";
    }
    if (registry == "docker.io" && whole_name && path.size() == 1) path.insert(path.begin(), "library");
    out.components.push_back(std::move(registry));
    out.components.insert(out.components.end(), path.begin(), path.end());
    return out;
}

image_name reference_name(std::string_view ref) {
    image_name out;
    split_tag_and_digest(ref, out);
    auto path = split_on(ref, '/');
    const bool with_registry = path.size() > 1 && registry_like(path.front());
    return normalised(std::move(path), with_registry, true, std::move(out));
}

// "registry.local/" and "driftless/" are prefixes; "registry.local" is a
// registry; anything else names an image, with or without tag and digest.
image_name entry_name(std::string_view entry) {
    image_name out;
    const bool prefix = entry.ends_with('/');
    while (entry.ends_with('/')) entry.remove_suffix(1);
    if (entry.find('/') == std::string_view::npos && lone_registry(entry))
        return normalised({std::string(entry)}, true, false, std::move(out));
    if (!prefix) split_tag_and_digest(entry, out);
    auto path = split_on(entry, '/');
    const bool with_registry = registry_like(path.front()) && (path.size() > 1 || prefix);
    return normalised(std::move(path), with_registry, !prefix, std::move(out));
}

bool matches(const image_name& entry, const image_name& ref) {
    const auto& e = entry.components;
    const auto& r = ref.components;
    if (e.size() > r.size() || !std::equal(e.begin(), e.end(), r.begin())) return false;
    if (entry.tag.empty() && entry.digest.empty()) return true;
    // A pinned entry names one image.
    const std::string ref_tag = ref.tag.empty() && ref.digest.empty() ? "latest" : ref.tag;
    return e.size() == r.size() && (entry.tag.empty() || entry.tag == ref_tag) &&
           (entry.digest.empty() || entry.digest == ref.digest);
}

}  // namespace

std::string check_image_entry(std::string_view entry) {
    std::string_view text = entry;
    while (text.ends_with('/')) text.remove_suffix(1);
    if (text.empty()) return "an empty prefix would allow everything; leave the key out instead";
    auto e = text.find('/') == std::string_view::npos && lone_registry(text)
                 ? check_image_reference(std::string(text) + "/x")
                 : check_image_reference(text);
    return e.empty() ? e : "not an image reference or prefix (" + e + ")";
}

bool image_allowed(const std::vector<std::string>& entries, std::string_view ref) {
    const auto name = reference_name(ref);
    return std::any_of(entries.begin(), entries.end(), [&](const std::string& e) { return matches(entry_name(e), name); });
}

}  // namespace driftless::desired_state::detail
