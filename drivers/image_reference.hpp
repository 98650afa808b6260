// Splitting an image reference the way the engine's pull call wants it.
// Pure function.
#pragma once

#include <string>
#include <string_view>

namespace driftless::drivers {

struct image_reference {
    std::string repository;        // "registry.local:5000/web"
    std::string tag;               // "1.4"; "latest" when the reference has neither tag nor digest
    std::string digest;            // "sha256:..." or ""
    bool operator==(const image_reference&) const = default;
};

// "registry.local:5000/web:1.4" -> {"registry.local:5000/web", "1.4", ""};
// "web@sha256:ab" -> {"web", "", "sha256:ab"}. A ':' before the last '/' is
// a registry port, not a tag.
[[nodiscard]] image_reference split_image_reference(std::string_view ref);

}  // namespace driftless::drivers
