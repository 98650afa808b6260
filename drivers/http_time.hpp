// Times as registries write them: RFC 3339 in an image's config
// ("2024-05-01T12:34:56.123456789Z", "2024-05-01T14:34:56+02:00") and
// HTTP dates in headers (Retry-After: "Sun, 06 Nov 1994 08:49:37 GMT", and
// the two obsolete forms HTTP still asks a reader to accept). Pure
// functions; nullopt for text that is not such a time, or a year the
// clock cannot hold (before 1678 or after 2261): the caller's error,
// terminal (the same text fails again).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace driftless::drivers {

// Fractions of a second to the nanosecond (more digits are read and
// dropped); "Z" or an offset from UTC; 'T', 't' or a space between date and
// time. The date must exist (no 31 April).
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), RFC 850 ("Sunday,
// 06-Nov-94 08:49:37 GMT", a two-digit year read as the nearest past one)
// and asctime ("Sun Nov  6 08:49:37 1994").
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

}  // namespace driftless::drivers
