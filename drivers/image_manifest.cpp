#include "drivers/image_manifest.hpp"

#include <nettle/sha2.h>

#include <cstdint>

#include <nlohmann/json.hpp>

#include "desired_state/image_names.hpp"
#include "drivers/http_time.hpp"

namespace driftless::drivers {

using nlohmann::json;

namespace {

constexpr std::string_view docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
constexpr std::string_view docker_list = "application/vnd.docker.distribution.manifest.list.v2+json";
constexpr std::string_view oci_manifest = "application/vnd.oci.image.manifest.v1+json";
constexpr std::string_view oci_index = "application/vnd.oci.image.index.v1+json";

std::string text(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

struct platform_parts {
    std::string os, arch, variant;
};

platform_parts split_platform(const std::string& p) {
    platform_parts out;
    const auto a = p.find('/');
    out.os = p.substr(0, a);
    if (a != std::string::npos) {
        const auto b = p.find('/', a + 1);
        out.arch = p.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
        if (b != std::string::npos) out.variant = p.substr(b + 1);
    }
    // arm64's only variant is v8: saying it or not is the same.
    if (out.arch == "arm64" && out.variant == "v8") out.variant.clear();
    return out;
}

result<std::string> checked_digest(const std::string& digest, const char* what) {
    if (auto e = desired_state::check_digest(digest); !e.empty())
        return error{"invalid", std::string("the manifest's ") + what + " digest \"" + digest + "\": " + e};
    return digest;
}

}  // namespace

const std::string& manifest_accept() {
    static const std::string accept = std::string(docker_manifest) + ", " + std::string(docker_list) + ", " +
                                      std::string(oci_manifest) + ", " + std::string(oci_index);
    return accept;
}

result<image_manifest> parse_image_manifest(std::string_view body, std::string_view content_type) {
    const auto j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return error{"invalid", "the manifest is not a JSON object"};
    if (const auto v = j.find("schemaVersion"); v != j.end() && *v == 1)
        return error{"invalid", "the manifest is Docker's schema 1, which driftless does not read (push the image again with a current docker)"};
    std::string media = text(j, "mediaType");
    if (media.empty()) media = std::string(content_type.substr(0, content_type.find(';')));
    image_manifest out;
    const auto manifests = j.find("manifests");
    out.is_list = media == docker_list || media == oci_index ||
                  (media != docker_manifest && media != oci_manifest && manifests != j.end());
    if (!out.is_list) {
        const auto config = j.find("config");
        if (config == j.end() || !config->is_object())
            return error{"invalid", "the manifest (" + (media.empty() ? std::string("no media type") : media) + ") names no config"};
        auto digest = checked_digest(text(*config, "digest"), "config");
        if (!digest.ok()) return digest.err();
        out.config_digest = std::move(digest).value();
        return out;
    }
    if (manifests == j.end() || !manifests->is_array()) return error{"invalid", "the manifest list has no \"manifests\" array"};
    for (const auto& m : *manifests) {
        if (!m.is_object()) return error{"invalid", "the manifest list holds an entry that is not an object"};
        const auto platform = m.find("platform");
        if (platform == m.end() || !platform->is_object()) continue;   // not an image for a platform
        auto digest = checked_digest(text(m, "digest"), "list entry's");
        if (!digest.ok()) return digest.err();
        std::string p = text(*platform, "os") + "/" + text(*platform, "architecture");
        if (const auto variant = text(*platform, "variant"); !variant.empty()) p += "/" + variant;
        out.manifests.push_back({std::move(digest).value(), std::move(p)});
    }
    return out;
}

std::string host_platform() {
#if defined(__x86_64__)
    return "linux/amd64";
#elif defined(__aarch64__)
    return "linux/arm64";
#elif defined(__arm__)
    return "linux/arm/v7";
#elif defined(__i386__)
    return "linux/386";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return "linux/ppc64le";
#elif defined(__s390x__)
    return "linux/s390x";
#elif defined(__riscv) && __riscv_xlen == 64
    return "linux/riscv64";
#else
    return "linux/amd64";
#endif
}

result<std::string> pick_platform(const image_manifest& list, const std::string& platform) {
    const auto want = split_platform(platform);
    const image_manifest::entry* loose = nullptr;
    std::string there;
    for (const auto& m : list.manifests) {
        const auto have = split_platform(m.platform);
        there += (there.empty() ? "" : ", ") + m.platform;
        if (have.os != want.os || have.arch != want.arch) continue;
        if (have.variant == want.variant) return m.digest;
        if (have.variant.empty() && loose == nullptr) loose = &m;
    }
    if (loose != nullptr) return loose->digest;
    return error{"not_found", "the image has no manifest for " + platform + " (it has: " + (there.empty() ? "none" : there) + ")"};
}

result<std::chrono::system_clock::time_point> parse_config_created(std::string_view body) {
    const auto j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return error{"invalid", "the image's config is not a JSON object"};
    const std::string created = text(j, "created");
    if (created.empty()) return error{"invalid", "the image's config has no \"created\" time"};
    const auto t = parse_rfc3339(created);
    if (!t) return error{"invalid", "the image's config has a \"created\" that is not an RFC 3339 time: \"" + created + "\""};
    return *t;
}

std::string content_digest(std::string_view content) {
    sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, content.size(), reinterpret_cast<const std::uint8_t*>(content.data()));
    std::uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, d);
    static constexpr char digits[] = "0123456789abcdef";
    std::string out = "sha256:";
    for (const auto b : d) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

}  // namespace driftless::drivers
