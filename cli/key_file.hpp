// The installation's secret key on disk (--key-file, default
// /var/lib/driftless/key): 32 random bytes, readable by its owner only.
// It makes ownership labels unforgeable and keys the published spec hash
// (drivers/ownership.hpp, desired_state/installation_key.hpp), so it must
// survive restarts and upgrades: losing it orphans every object (they
// become conflicts, never removed).
#pragma once

#include <filesystem>
#include <string>

#include "desired_state/result.hpp"

namespace driftless::cli {

inline constexpr std::size_t key_size = 32;
inline constexpr const char* default_key_file = "/var/lib/driftless/key";

// Reads the key at `path`. When no file is there, makes one: its folder
// (mode 0700) when absent, then the file, mode 0600, with key_size bytes
// from getrandom(2), written under a temporary name and linked into place
// so that two instances starting together agree on one key. A file that
// cannot be read, or that does not hold exactly key_size bytes, is an
// "invalid" error naming the path and what to do. Blocks (file I/O).
[[nodiscard]] result<std::string> load_or_create_key(const std::filesystem::path& path);

}  // namespace driftless::cli
