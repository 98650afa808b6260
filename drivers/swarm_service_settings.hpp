// The container and deploy settings compose names, in a swarm ServiceSpec
// (Engine API 1.41). Pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "desired_state/result.hpp"
#include "desired_state/spec.hpp"

namespace driftless::drivers::swarm {

// The settings a swarm service cannot have (API 1.41's ServiceSpec has no
// field for them): privileged, devices, network_mode, pid, ipc, links,
// shm_size, runtime, domainname, expose, security_opt, networks' fixed
// addresses (ipv4_address, ipv6_address), bind mounts relabelled for
// SELinux (:z, :Z) and volume subpaths. An "invalid" error naming the
// first such key as compose writes it ("web: privileged: not supported by
// swarm services"); success when there is none.
[[nodiscard]] status check_service_settings(const desired_state::spec& s);

// Adds the settings to a ServiceSpec built by service_spec_body.
// ContainerSpec: hostname Hostname, working_dir Dir, extra_hosts Hosts
// ("IP NAME"), dns/dns_search/dns_opt DNSConfig {Nameservers, Search,
// Options}, read_only ReadOnly, tty TTY, stdin_open OpenStdin, init Init,
// stop_signal StopSignal, cap_add CapabilityAdd, cap_drop CapabilityDrop,
// sysctls Sysctls, ulimits Ulimits (after nofile), group_add Groups;
// TaskTemplate: pids_limit Resources.Limits.Pids, logging LogDriver {Name,
// Options}, platform Placement.Platforms [{OS, Architecture}],
// placement preferences Placement.Preferences [{Spread: {SpreadDescriptor}}],
// max_replicas_per_node Placement.MaxReplicas, restart on-failure:N
// RestartPolicy.MaxAttempts, deploy.restart_policy RestartPolicy
// {Condition, Delay, MaxAttempts, Window}, network aliases
// Networks[].Aliases;
// service: deploy.labels Labels (beside driftless' own), update_config
// UpdateConfig and rollback_config RollbackConfig {Parallelism, Delay,
// FailureAction, Monitor, MaxFailureRatio, Order}, endpoint_mode
// EndpointSpec.Mode.
void add_service_settings(nlohmann::json& body, const desired_state::spec& s);

}  // namespace driftless::drivers::swarm
