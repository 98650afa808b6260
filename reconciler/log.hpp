// Logging set-up: spdlog to stderr, as text for people or one JSON object a
// line for machines (`--log-format json`).
#pragma once

#include <string>

#include "desired_state/result.hpp"

namespace driftless::reconciler {

// format: "text" | "json"; level: trace|debug|info|warn|error.
[[nodiscard]] status setup_logging(const std::string& format, const std::string& level);

}  // namespace driftless::reconciler
