// How an engine's HTTP answer becomes an error value (driver.hpp's retry
// contract depends on these codes). Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "desired_state/result.hpp"

namespace driftless::drivers {

// Whether an HTTP status is a success for the engine API. 304 (Not Modified:
// "already started", "already stopped") counts as success.
[[nodiscard]] bool http_success(int status) noexcept;

// The error code for an unsuccessful HTTP status: 400 "invalid",
// 404 "not_found", 409 "conflict", anything else "engine".
[[nodiscard]] std::string error_code_for_http(int status);

// An error for an unsuccessful answer: the code above, http_status set, and
// as message the engine's JSON `message` field (else the body's text, else
// the status line), followed by " (HTTP <status>)".
[[nodiscard]] error http_error(int status, std::string_view body);

// The same error with "`context`: " put before its message.
[[nodiscard]] error with_context(error e, std::string_view context);

// How an events stream that returned `st` ended, always as an error: its own
// failure with "events stream" context, or, when the engine simply closed it,
// "unreachable" naming `endpoint` (the watcher reconnects either way).
[[nodiscard]] error events_stream_ended(const status& st, const std::string& endpoint);

// A streamed answer (image pull progress) reports failure inside the
// stream as a line {"error": "...", "errorDetail": {...}}: its message, or
// nullopt for any other line (progress, or text that is not JSON).
[[nodiscard]] std::optional<std::string> stream_error_message(std::string_view line);

// The registry digest a pull's progress reports in the line
// {"status": "Digest: sha256:..."}; nullopt for any other line.
[[nodiscard]] std::optional<std::string> stream_pulled_digest(std::string_view line);

// The digest a push's answer gives the pushed image, in the line
// {"aux": {"Tag": ..., "Digest": "sha256:...", "Size": ...}}; nullopt for
// any other line.
[[nodiscard]] std::optional<std::string> stream_pushed_digest(std::string_view line);

}  // namespace driftless::drivers
