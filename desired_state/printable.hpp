// Text from outside (YAML keys and values, file names, Kafka keys, engine
// labels) made safe to show on one line of a terminal or a log.
//
// `printable` escapes what a terminal would act on or what would break a
// line apart: C0 controls ("\n", "\t", "\r", other bytes as "\x1b"), DEL
// ("\x7f"), C1 controls ("\u009b") and bytes that are not valid UTF-8
// ("\xff"). Everything else, backslashes included, is kept as it is, so
// applying it twice changes nothing more.
//
// `shorten` cuts text longer than `max_chars` characters (UTF-8 code points)
// and appends "…". It never splits a character.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace driftless::desired_state {

inline constexpr std::size_t max_echoed_chars = 80;

[[nodiscard]] std::string printable(std::string_view text);
[[nodiscard]] std::string shorten(std::string_view text, std::size_t max_chars = max_echoed_chars);

}  // namespace driftless::desired_state
