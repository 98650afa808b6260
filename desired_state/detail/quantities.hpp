// Memory sizes, CPU counts and durations as written in specs, turned into
// integers. Internal to desired_state; the accepted forms are documented in
// parse.hpp. Each returns nullopt and sets `error` when the text is invalid.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace driftless::desired_state::detail {

[[nodiscard]] std::optional<std::int64_t> parse_memory(std::string_view text, std::string& error);
[[nodiscard]] std::optional<std::int64_t> parse_nano_cpus(std::string_view text, std::string& error);
[[nodiscard]] std::optional<std::int64_t> parse_duration(std::string_view text, std::string& error);

}  // namespace driftless::desired_state::detail
