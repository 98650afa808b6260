// Compose's override files (DESIGN.md §3): `compose.override.yaml` beside
// `compose.yaml` is merged into it before it is read, by compose's rules.
// Internal to desired_state.
#pragma once

#include <string_view>

#include "desired_state/detail/reader.hpp"
#include "desired_state/detail/tree.hpp"

namespace driftless::desired_state::detail {

// The names compose looks for, in its order. A compose file with one of
// the first names takes the first override file found beside it; an
// override file is never read on its own.
inline constexpr std::string_view compose_file_names[] = {"compose.yaml", "compose.yml", "docker-compose.yml",
                                                          "docker-compose.yaml"};
inline constexpr std::string_view compose_override_names[] = {
    "compose.override.yml", "compose.override.yaml", "docker-compose.override.yml", "docker-compose.override.yaml"};

[[nodiscard]] bool is_compose_file_name(std::string_view name);
[[nodiscard]] bool is_compose_override_name(std::string_view name) noexcept;

// `over` merged into `base`: mappings key by key, scalars replaced, lists by
// what they hold (environment and labels by key, volumes and devices by
// target, secrets by name, command and entrypoint replaced, others
// appended without repeats). `!reset` drops a key, `!override` replaces a
// value whole. Work counts against the context's visit budget.
[[nodiscard]] node_ptr merge_compose(context& ctx, const node_ptr& base, const node_ptr& over);

}  // namespace driftless::desired_state::detail
