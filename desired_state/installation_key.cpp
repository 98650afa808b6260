#include "desired_state/installation_key.hpp"

#include <cstdint>

#include <nettle/hmac.h>

namespace driftless::desired_state {

namespace {

std::string& key_storage() noexcept {
    static std::string key;
    return key;
}

}  // namespace

void set_installation_key(std::string key) { key_storage() = std::move(key); }

const std::string& installation_key() noexcept { return key_storage(); }

std::string hmac_sha256_hex(std::string_view key, std::string_view text) {
    hmac_sha256_ctx ctx;
    hmac_sha256_set_key(&ctx, key.size(), reinterpret_cast<const std::uint8_t*>(key.data()));
    hmac_sha256_update(&ctx, text.size(), reinterpret_cast<const std::uint8_t*>(text.data()));
    std::uint8_t digest[SHA256_DIGEST_SIZE];
    hmac_sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
    static constexpr char hexdigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * SHA256_DIGEST_SIZE);
    for (std::uint8_t b : digest) {
        out += hexdigits[b >> 4];
        out += hexdigits[b & 0xF];
    }
    return out;
}

std::string redact_secret(std::string_view value) {
    return "hmac:" + hmac_sha256_hex(installation_key(), value).substr(0, 16);
}

}  // namespace driftless::desired_state
