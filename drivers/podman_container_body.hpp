// Where a container create body for podman's Docker-compatible API (4.3)
// must differ from dockerd's. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace driftless::drivers::podman {

// A process limit as getrlimit reports it.
struct process_limit {
    std::uint64_t soft = 0;
    std::uint64_t hard = 0;
};

// Podman applies containers.conf's default_ulimits only when a create
// names no ulimit at all; once one is named (open_files: nofile), it sets
// nproc to 1048576 for root, above what many hosts permit ("error setting
// rlimit type 6: operation not permitted"). dockerd leaves nproc as the
// daemon has it. So when HostConfig.Ulimits lacks nproc, this adds `nproc`
// (what podman would have applied otherwise: see podman_nproc_limit);
// nothing when `nproc` is nullopt or there are no Ulimits.
void add_nproc_ulimit(nlohmann::json& create_body, std::optional<process_limit> nproc);

// The nproc entry of a containers.conf text's default_ulimits
// (`default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]`, "S:H" or
// one number for both); nullopt when there is none.
[[nodiscard]] std::optional<process_limit> nproc_from_containers_conf(std::string_view text);

// The nproc limit podman applies to a container whose create names no
// ulimit: the first containers.conf that sets one ($CONTAINERS_CONF,
// /etc/containers/containers.conf, /usr/share/containers/containers.conf),
// else the calling process's own RLIMIT_NPROC (podman on the same host);
// nullopt when that is unlimited. Reads files.
[[nodiscard]] std::optional<process_limit> podman_nproc_limit();

}  // namespace driftless::drivers::podman
