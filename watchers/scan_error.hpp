// A problem met while reading a source folder: a file or folder that could
// not be read. It is reported for a person to act on; it never removes a
// document (DESIGN.md §5).
#pragma once

#include <compare>
#include <string>

namespace driftless::watchers {

struct scan_error {
    std::string path;     // as a user would type it: the root as given, then the relative path
    std::string message;  // what went wrong, e.g. "cannot read: Permission denied"

    // "path: message"
    [[nodiscard]] std::string to_string() const { return path + ": " + message; }
    auto operator<=>(const scan_error&) const = default;
};

}  // namespace driftless::watchers
