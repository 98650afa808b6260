// Versions in image tags, and the ranges a release rule takes them by
// (`follow: {semver: "~1.4"}`), with the rules people know from npm and
// Cargo:
//   tags     1.4.2, v1.4.2, 1.4, 1, 1.4.2-rc.1 (a pre-release); a missing
//            minor or patch is 0; build metadata ("+abc") is ignored for
//            order; tags that are not versions ("latest") are never taken
//   ranges   ~1.4 (>=1.4.0 <1.5.0)   ^1.4 (>=1.4.0 <2.0.0; ^0.4: <0.5.0)
//            1.4.x, 1.4.*, 1.4 (>=1.4.0 <1.5.0)   *, x (any)
//            >=1.4.0 <2 (comparators, all must hold)   A || B (either)
//   A pre-release is taken only by a comparator that names a pre-release of
//   the same major.minor.patch (">=2.0.0-rc.1"), as npm does: "~1.4" never
//   takes 1.5.0-rc.1 nor 1.4.3-beta.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "desired_state/result.hpp"

namespace driftless::desired_state {

struct version {
    std::uint64_t major = 0, minor = 0, patch = 0;
    std::vector<std::string> pre;   // dot-separated pre-release identifiers; empty: a release

    [[nodiscard]] bool release() const noexcept { return pre.empty(); }
    [[nodiscard]] std::string to_string() const;
};

// Semantic-version precedence: -1, 0, 1.
[[nodiscard]] int compare(const version& a, const version& b);

// A tag read as a version; nullopt when it is none ("latest", "1.4-alpine"
// is none either: a suffix without '-' is not a pre-release).
[[nodiscard]] std::optional<version> parse_version(std::string_view tag);

class version_range {
public:
    // An error says what in the text cannot be read.
    [[nodiscard]] static result<version_range> parse(std::string_view text);
    [[nodiscard]] bool contains(const version& v) const;
    [[nodiscard]] const std::string& text() const noexcept { return text_; }

private:
    enum class op : std::uint8_t { lt, le, gt, ge, eq };
    struct comparator {
        op o = op::ge;
        version v;
    };
    // Alternatives (||), each a set of comparators that must all hold.
    std::vector<std::vector<comparator>> any_of_;
    std::string text_;
    static bool holds(const comparator& c, const version& v);
    friend struct range_reader;
};

// Of `tags`, the index of the highest version `range` contains; nullopt
// when none is.
[[nodiscard]] std::optional<std::size_t> highest_in(const version_range& range, const std::vector<std::string>& tags);

}  // namespace driftless::desired_state
