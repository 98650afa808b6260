#include "drivers/registry_headers.hpp"

#include <nettle/base64.h>

#include <cstdint>

#include "drivers/image_reference.hpp"
#include "drivers/registry_location.hpp"

namespace driftless::drivers {

std::string base64url(std::string_view data) {
    base64_encode_ctx ctx;
    base64url_encode_init(&ctx);
    std::string out(BASE64_ENCODE_LENGTH(data.size()) + BASE64_ENCODE_FINAL_LENGTH, '\0');
    std::size_t n = base64_encode_update(&ctx, out.data(), data.size(), reinterpret_cast<const std::uint8_t*>(data.data()));
    n += base64_encode_final(&ctx, out.data() + n);
    out.resize(n);
    return out;
}

std::string server_address(std::string_view host) {
    const std::string h = auth_key_host(host);
    return h == "index.docker.io" ? "https://index.docker.io/v1/" : h;
}

nlohmann::json auth_config(const registry_credentials& c, std::string_view host) {
    auto out = nlohmann::json::object();
    if (!c.identity_token.empty()) {
        out["identitytoken"] = c.identity_token;
    } else if (!c.username.empty()) {
        out["username"] = c.username;
        out["password"] = c.password;
    } else {
        return out;
    }
    out["serveraddress"] = server_address(host);
    return out;
}

namespace {

// A password is anyone's bytes: ones that are not UTF-8 must not throw.
std::string dumped(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace

std::string registry_auth_header(const registry_credentials& c, std::string_view host) {
    return base64url(dumped(auth_config(c, host)));
}

std::string registry_config_header(const std::map<std::string, registry_credentials>& by_host) {
    auto out = nlohmann::json::object();
    for (const auto& [host, c] : by_host) out[server_address(host)] = auth_config(c, host);
    return base64url(dumped(out));
}

result<std::string> image_registry(std::string_view image) {
    auto where = locate_repository(split_image_reference(image).repository);
    if (!where.ok()) return std::move(where).err();
    return where->host;
}

bool names_registry(std::string_view image) {
    const auto slash = image.find('/');
    if (slash == std::string_view::npos) return false;
    const auto first = image.substr(0, slash);
    return first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos || first == "localhost";
}

}  // namespace driftless::drivers
