// Checks on strings before they become part of an engine request path.
// A path is never built from a string that did not pass one of these.
// Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "desired_state/result.hpp"
#include "desired_state/spec.hpp"

namespace driftless::drivers {

// A spec name: [a-z0-9][a-z0-9_.-]{1,62} (DESIGN.md §3).
[[nodiscard]] bool valid_name(std::string_view s) noexcept;

// An engine object id: 12 to 64 lowercase hex digits.
[[nodiscard]] bool valid_object_id(std::string_view s) noexcept;

// A Swarm object id (services, tasks, swarm-scoped networks): 25
// characters of [a-z0-9].
[[nodiscard]] bool valid_swarm_id(std::string_view s) noexcept;

// An image reference: [registry[:port]/]path[:tag][@digest], at most 255
// characters of [A-Za-z0-9._:/@-], not starting with '/', '.', '-' or ':',
// and without "..", "//" or other path tricks.
[[nodiscard]] bool valid_image_reference(std::string_view s) noexcept;

// The engine's name filter is a regular expression: `^/?NAME$` with NAME's
// regex metacharacters ('.') escaped, for a name that passed valid_name
// (dockerd matches it against "/NAME", podman against "NAME").
[[nodiscard]] std::string exact_container_name_regex(std::string_view name);

// Checks every name of a Service spec that reaches an API path or body
// before any call: the spec's name, its image reference, its networks.
// "invalid" naming the first bad one; also when `s` is not a Service.
[[nodiscard]] status check_service_names(const desired_state::spec& s);

}  // namespace driftless::drivers
