// The installation's secret key, and what is derived from it: keyed digests
// (HMAC-SHA256) that can be published without giving away what they digest.
//
// The key is set once at start, before any other thread runs, and only read
// afterwards (reads are then safe from any thread). With no key set (unit
// tests, `validate`) installation_key() is empty: spec_hash falls back to
// the unkeyed SHA-256, and redact_secret digests under the empty key.
#pragma once

#include <string>
#include <string_view>

namespace driftless::desired_state {

// Sets (or, with "", clears) the process-wide key. Not thread-safe: call it
// before anything reads the key.
void set_installation_key(std::string key);
[[nodiscard]] const std::string& installation_key() noexcept;

// Lowercase hex HMAC-SHA256 of `text` under `key` (64 characters).
[[nodiscard]] std::string hmac_sha256_hex(std::string_view key, std::string_view text);

// What is shown and stored instead of a secret value (an env value, a
// driver option): "hmac:" + the first 16 hex digits of HMAC(key, value).
// Equal values give equal digests under one key, so a change is still
// visible; the value cannot be read back, nor guessed without the key.
[[nodiscard]] std::string redact_secret(std::string_view value);

}  // namespace driftless::desired_state
