// Splitting a command string into words the way a POSIX shell would, without
// running anything. Internal to desired_state.
//
// Blanks separate words; 'single quotes' keep everything literally; inside
// "double quotes" a backslash escapes only $ ` " \ and newline; outside
// quotes a backslash escapes any character and backslash-newline joins lines.
// No expansion of $, globs or ~ happens. An unterminated quote or a trailing
// backslash is an error.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace driftless::desired_state::detail {

struct split_result {
    std::vector<std::string> words;
    std::string error;           // non-empty: what is wrong
};

[[nodiscard]] split_result shell_split(std::string_view text);

}  // namespace driftless::desired_state::detail
