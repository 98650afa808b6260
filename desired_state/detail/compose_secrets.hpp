// Compose secrets and configs (DESIGN.md §3): the top-level declarations
// and a service's uses of them. Internal to desired_state.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "desired_state/detail/compose_project.hpp"
#include "desired_state/detail/reader.hpp"
#include "desired_state/spec.hpp"

namespace driftless::desired_state::detail {

// A declared secret or config with its content read.
struct compose_secret {
    std::string name;     // engine name (see secret_mount::name)
    std::string file;     // "" when from environment: or content:
    std::string data;
    std::string digest;
};

// Top-level `secrets:` or `configs:` (`config` says which): key -> {file},
// {environment: VAR} or, for configs, {content}; `name:` renames.
void read_compose_secrets(context& ctx, const node& n, const std::string& field, bool config,
                          const project_names& project, std::map<std::string, compose_secret>& out);

// One entry of a service's `secrets:` or `configs:`, as written.
struct compose_secret_use {
    bool config = false;
    std::string source;
    std::optional<std::string> target;
    std::string uid = "0";
    std::string gid = "0";
    std::optional<std::uint32_t> mode;
    const node* at = nullptr;
    std::string field;
};

// A service's `secrets:` or `configs:`: ["name", {source, target, uid, gid, mode}].
void read_compose_secret_uses(context& ctx, const node& n, const std::string& field, bool config,
                              std::vector<compose_secret_use>& out);

// The uses resolved against the declarations into `out` (sorted by
// target); false after reporting an undeclared one or a target used twice.
bool resolve_secret_uses(context& ctx, const std::vector<compose_secret_use>& uses,
                         const std::map<std::string, compose_secret>& secrets,
                         const std::map<std::string, compose_secret>& configs, std::vector<secret_mount>& out);

}  // namespace driftless::desired_state::detail
