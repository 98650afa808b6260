// A tar stream holding one file and the folders above it, for the engine's
// PUT /containers/{id}/archive (secrets and configs from a variable or from
// inline content, copied into a container before it starts).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "drivers/engine_error.hpp"

namespace driftless::drivers {

// `path` is absolute inside the container ("/run/secrets/db"); the stream
// is to be extracted at "/". Folders are 0755 root-owned; the file has
// `mode`, `uid` and `gid`.
[[nodiscard]] result<std::string> file_archive(std::string_view path, std::string_view data, std::uint32_t mode,
                                               std::uint32_t uid, std::uint32_t gid);

}  // namespace driftless::drivers
