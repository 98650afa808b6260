// The rules behind check_policy, one group per file (policy_images.cpp,
// policy_mounts.cpp). Internal to desired_state.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "desired_state/policy.hpp"

namespace driftless::desired_state::detail {

// Records one denial: the spec's field and what is denied.
using deny_fn = std::function<void(std::string field, std::string message)>;

// The allowed entries for a message: `"a", "b"`, or `none`.
[[nodiscard]] std::string listed(const std::vector<std::string>& items);

// True when a "/"-separated path has a ".." component.
[[nodiscard]] bool has_parent_step(std::string_view path);

// "" when `entry` is a valid `images` entry, else what is wrong with it.
[[nodiscard]] std::string check_image_entry(std::string_view entry);
// Whether a (valid) image reference is allowed by one of `entries`.
[[nodiscard]] bool image_allowed(const std::vector<std::string>& entries, std::string_view ref);

// A service's bind mounts, named volume mounts and devices.
void check_mounts(const policy& p, const service& s, const declared_volumes& volumes, const deny_fn& deny);
// A build's context folder (every file in it is sent to the engine) and
// its network.
void check_build(const policy& p, const build_spec& b, const deny_fn& deny);
// A Volume's driver and options.
void check_volume(const policy& p, const volume& v, const deny_fn& deny);

}  // namespace driftless::desired_state::detail
