// Compose service keys beyond the ones driftless documents share: container
// settings (compose_service_keys.cpp) and the `deploy:` section
// (compose_deploy.cpp). Internal to desired_state; compose.cpp dispatches.
// Every reader records its problems in `ctx` and leaves the spec's field
// unset (its default) when the value is invalid.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "desired_state/detail/fields.hpp"

namespace driftless::desired_state::detail {

// Where some keys were written, for the checks across keys.
struct compose_service_places {
    const node* networks_at = nullptr;
    const node* network_mode_at = nullptr;
    const node* build_at = nullptr;
    const node* pull_build_at = nullptr;   // pull_policy: build
    const node* cpu_shares_at = nullptr;
    const node* memswap_at = nullptr;
};

// Reads `key` into `draft` when it is one of the container settings
// (hostname ... runtime, networks, links, depends_on, restart, build);
// false (and nothing recorded) when it is not.
bool read_compose_service_key(context& ctx, const std::string& key, const node& value, const std::string& field,
                              service_draft& draft, compose_service_places& places);

// compose_service_links.cpp: the keys that name other services or networks
// or hold more than one setting (networks, links, depends_on, restart,
// build); false when `key` is none of them.
bool read_compose_link_key(context& ctx, const std::string& key, const node& value, const std::string& field,
                           service_draft& draft, compose_service_places& places);

// Checks across keys, before finish_service: network_mode with networks,
// build without image (then image is not reported as missing too).
void finish_compose_service(context& ctx, const std::string& field, const std::string& name, service_draft& draft,
                            const compose_service_places& places);

// extra_hosts: ["db:10.0.0.5", "db=10.0.0.5"] or {db: 10.0.0.5}; stored
// as "name:ip", sorted.
void read_extra_hosts(context& ctx, const node& n, const std::string& field, std::vector<std::string>& out);

// tmpfs: "/run", "/run:size=64m,mode=1777" or a list of them; each becomes
// a tmpfs mount appended to `out`.
void read_compose_tmpfs(context& ctx, const node& n, const std::string& field, std::vector<mount>& out);

// deploy: replicas, mode, resources, placement, restart_policy,
// update_config, rollback_config, labels, endpoint_mode.
void read_compose_deploy(context& ctx, const node& n, const std::string& field, service_draft& draft);

}  // namespace driftless::desired_state::detail
