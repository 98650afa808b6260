// A problem met while reading a source folder: a file or folder that could
// not be read. It is reported for a person to act on; it never removes a
// document (DESIGN.md §5).
#pragma once

#include <compare>
#include <string>

#include "desired_state/printable.hpp"

namespace driftless::watchers {

struct scan_error {
    std::string path;     // as a user would type it: the root as given, then the relative path
    std::string message;  // what went wrong, e.g. "cannot read: Permission denied"

    // "path: message", with control characters and invalid UTF-8 in file
    // names escaped (desired_state/printable.hpp): one line, safe for a terminal.
    [[nodiscard]] std::string to_string() const { return desired_state::printable(path + ": " + message); }
    auto operator<=>(const scan_error&) const = default;
};

}  // namespace driftless::watchers
