// A build context as the tar stream POST /build takes: the entries of a
// context_listing (desired_state/build_context.hpp), in its order, owned by
// root as docker's CLI sends them, with their permission bits and times.
#pragma once

#include <filesystem>
#include <string>

#include "desired_state/build_context.hpp"
#include "drivers/engine_error.hpp"

namespace driftless::drivers {

// An error when a file changed size, or went, since it was listed: the
// context is read again on the next try.
[[nodiscard]] result<std::string> context_archive(const std::filesystem::path& root,
                                                  const desired_state::context_listing& listing);

}  // namespace driftless::drivers
