// Reading an image's manifest and config as a registry serves them: an
// image manifest (Docker v2 schema 2, OCI) names its config blob; a list
// of them (Docker manifest list, OCI index) names one manifest per
// platform; the config says when the image was created. Content is
// checked against its digest (sha256). Pure functions. Their errors are
// terminal ("invalid": content driftless cannot read; "not_found": no
// entry for the platform): asking again gets the same content.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "desired_state/result.hpp"

namespace driftless::drivers {

// The Accept header for a manifest: the four kinds above.
[[nodiscard]] const std::string& manifest_accept();

struct image_manifest {
    bool is_list = false;                // a manifest list or an OCI index
    std::string config_digest;           // !is_list: the config blob's digest
    struct entry {
        std::string digest;
        std::string platform;            // "os/arch" or "os/arch/variant"
    };
    std::vector<entry> manifests;        // is_list: one per platform
};

// Reads a manifest; `content_type` is the answer's Content-Type, used when
// the body says no mediaType. An error ("invalid") names what is missing
// or not understood (a schema 1 manifest, a config digest that is not
// sha256).
[[nodiscard]] result<image_manifest> parse_image_manifest(std::string_view body, std::string_view content_type);

// The platform this machine's engine would pull: "linux/amd64",
// "linux/arm64/v8", ...
[[nodiscard]] std::string host_platform();

// The digest of the entry for `platform` ("os/arch[/variant]"). An entry
// without a variant matches any variant asked for; an arm64 variant of
// "v8" counts as none. An error ("not_found") lists the platforms there
// are.
[[nodiscard]] result<std::string> pick_platform(const image_manifest& list, const std::string& platform);

// The config's "created" (RFC 3339). An error ("invalid") when it is
// missing or not such a time.
[[nodiscard]] result<std::chrono::system_clock::time_point> parse_config_created(std::string_view body);

// "sha256:" and the lowercase hex SHA-256 of `content`.
[[nodiscard]] std::string content_digest(std::string_view content);

}  // namespace driftless::drivers
