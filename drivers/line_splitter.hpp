// Splits a streamed body (the engine's events, image pull progress) into
// lines as its bytes arrive. Pure: no I/O.
//
// Lines end at '\n'; a '\r' before it is dropped and empty lines are
// skipped. Each byte is looked at once: only the newly fed bytes are
// searched for a line break, so a long line arriving in many small reads
// costs its length, not its length squared.
//
// A line (the part not yet ended included) longer than `max_line` bytes is
// an error with code "too_large": the stream it came from cannot be trusted
// to hold sane lines, and the caller ends it. Not thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "desired_state/result.hpp"

namespace driftless::drivers::docker {

// One MiB: an engine event is a few hundred bytes, a pull progress line less.
inline constexpr std::size_t default_max_line = 1024 * 1024;

class line_splitter {
public:
    using line_handler = std::function<status(std::string_view line)>;
    using handler = line_handler;

    explicit line_splitter(std::size_t max_line = default_max_line) : max_line_(max_line) {}

    // Hands every line that `bytes` completes to `on_line`, in order, and
    // keeps the unfinished rest. Stops at the first error, `on_line`'s or
    // the length cap's; the splitter is not to be fed after an error.
    [[nodiscard]] status feed(std::string_view bytes, const line_handler& on_line);

    // The end of the body: the unfinished rest, if any, is the last line.
    [[nodiscard]] status finish(const line_handler& on_line);

    // Bytes of a line not yet ended.
    [[nodiscard]] std::size_t pending() const noexcept { return pending_.size(); }
    // Bytes searched for a line break so far (each fed byte once).
    [[nodiscard]] std::size_t scanned() const noexcept { return scanned_; }

private:
    [[nodiscard]] status too_long() const;

    std::size_t max_line_;
    std::string pending_;
    std::size_t scanned_ = 0;
};

}  // namespace driftless::drivers::docker
