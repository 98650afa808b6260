// Engine API version negotiation: talk the newest version both sides know.
// Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "desired_state/result.hpp"

namespace driftless::drivers {

// The newest Engine API version whose request shapes driftless writes.
inline constexpr const char* newest_api_version = "1.41";
// Older engines lack fields driftless relies on (Healthcheck.StartPeriod,
// Mounts options): refuse rather than have them silently ignored.
inline constexpr const char* oldest_api_version = "1.30";

// -1, 0 or 1 as "major.minor" a is older, equal or newer than b; versions
// that do not parse compare as 0.0.
[[nodiscard]] int compare_api_versions(std::string_view a, std::string_view b) noexcept;

// min(engine, newest_api_version), or an "engine" error when the engine is
// older than oldest_api_version or its version does not parse.
[[nodiscard]] result<std::string> negotiate_api_version(std::string_view engine);

}  // namespace driftless::drivers
