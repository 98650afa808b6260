// The parts of an image reference in the distribution grammar, for those
// that put them in a registry's URLs (drivers/registry_client) and for the
// spec's own check of a whole reference. Pure functions; each returns ""
// when its argument is valid, else what is wrong with it.
#pragma once

#include <string>
#include <string_view>

namespace driftless::desired_state {

// A repository path without its registry host ("team/app"): components of
// lowercase [a-z0-9]+ joined by ".", "_", "__" or "-"s, separated by "/",
// 255 characters at most.
[[nodiscard]] std::string check_repository_path(std::string_view path);

// A tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
[[nodiscard]] std::string check_tag(std::string_view tag);

// A digest driftless can check: "sha256:" and 64 lowercase hex digits.
[[nodiscard]] std::string check_digest(std::string_view digest);

}  // namespace driftless::desired_state
