// Logging set-up: spdlog to stderr, as text for people or one JSON object a
// line for machines (`--log-format json`).
//
// Every message is escaped by the formatter, once, whatever logged it:
// control characters and invalid UTF-8 (desired_state/printable.hpp), so a
// YAML key, a file name, a Kafka key or an engine label can neither forge a
// log line nor drive the terminal.
#pragma once

#include <memory>
#include <string>

#include <spdlog/formatter.h>

#include "desired_state/result.hpp"

namespace driftless::cli {

// format: "text" | "json"; level: trace|debug|info|warn|error.
[[nodiscard]] status setup_logging(const std::string& format, const std::string& level);

// The formatter setup_logging installs for `format` ("text" or "json"), or
// nullptr for another format.
[[nodiscard]] std::unique_ptr<spdlog::formatter> make_log_formatter(const std::string& format);

}  // namespace driftless::cli
