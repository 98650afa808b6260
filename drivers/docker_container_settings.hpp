// The container settings compose names (hostname, dns, cap_add, ulimits,
// logging, network_mode, ...) in a `POST /containers/create` body, for
// dockerd and podman's compat API (Engine API 1.41). Pure functions.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "desired_state/result.hpp"
#include "desired_state/spec.hpp"

namespace driftless::drivers::docker {

// The settings a plain container cannot have: swarm-only deploy settings
// (deploy.labels, endpoint_mode, placement preferences and
// max_replicas_per_node, restart_policy delay and window) and volume
// subpaths (Engine API 1.45). An "invalid" error naming the first such
// key, as compose writes it; success when there is none.
[[nodiscard]] status check_container_settings(const desired_state::spec& s);

// Adds the settings to a create body built by container_create_body.
// Mapping: hostname Hostname, domainname Domainname, working_dir
// WorkingDir, tty Tty, stdin_open OpenStdin, stop_signal
// StopSignal, expose ExposedPorts; HostConfig: extra_hosts ExtraHosts,
// dns Dns, dns_search DnsSearch, dns_opt DnsOptions, read_only
// ReadonlyRootfs, init Init, privileged Privileged, shm_size ShmSize,
// cap_add CapAdd, cap_drop CapDrop, security_opt SecurityOpt, sysctls
// Sysctls, pids_limit PidsLimit, group_add GroupAdd, cpu_shares
// CpuShares, cpuset CpusetCpus, mem_swappiness MemorySwappiness,
// memswap_limit MemorySwap, ulimits Ulimits (after nofile),
// logging LogConfig {Type, Config}, network_mode NetworkMode (service:X
// -> container:X), links Links ("name:alias"), devices Devices, pid
// PidMode, ipc IpcMode, runtime Runtime, restart on-failure:N
// RestartPolicy.MaximumRetryCount, deploy.restart_policy RestartPolicy
// (none no, on-failure on-failure with max_attempts, any always), a bind
// mount with an SELinux relabel (z, Z) Binds "SRC:DST:z" instead of Mounts.
// platform is the create's `platform` query parameter (docker_driver.cpp).
void add_container_settings(nlohmann::json& body, const desired_state::spec& s);

// The endpoint settings for attaching the container to `network`:
// endpoint_config plus the endpoint's aliases (Aliases) and addresses
// (IPAMConfig {IPv4Address, IPv6Address}).
[[nodiscard]] nlohmann::json endpoint_settings(std::string_view network, const desired_state::spec& s);

}  // namespace driftless::drivers::docker
