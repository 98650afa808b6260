// The body of the Engine API's `POST /containers/create` for a Service spec
// (plain Docker and Podman's compat API). Pure functions: no engine needed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "desired_state/result.hpp"
#include "desired_state/spec.hpp"
#include "drivers/ownership.hpp"

namespace driftless::drivers::docker {

// Written on a container made for `replicas: 0`: created, never started
// (the list reports it as converged while it is not running).
inline constexpr const char* replicas_label = "io.driftless.replicas";

// Whether a Service spec can run as one plain container: its name, image
// and network names are well formed, and replicas is 0 or 1 (more is an
// "invalid" error naming the swarm and kubernetes drivers).
[[nodiscard]] status check_container_spec(const desired_state::spec& s);

// The create body. Expects a Service spec that passed check_container_spec.
// Mapping (DESIGN.md §3):
//   image Image, command Cmd, entrypoint Entrypoint, env Env ("K=V", sorted),
//   labels Labels (docker_labels.hpp's object_labels), user User,
//   ports ExposedPorts + HostConfig.PortBindings (published 0 = HostPort ""
//   so the engine picks), first network HostConfig.NetworkMode +
//   NetworkingConfig.EndpointsConfig (alias = the spec name; the other
//   networks are connected after create), mounts HostConfig.Mounts,
//   cpus HostConfig.NanoCpus, memory HostConfig.Memory, reservations
//   HostConfig.MemoryReservation and HostConfig.CpuShares, open_files
//   HostConfig.Ulimits nofile, restart HostConfig.RestartPolicy,
//   healthcheck Healthcheck, stop_grace_period StopTimeout (seconds,
//   rounded up).
[[nodiscard]] nlohmann::json container_create_body(const desired_state::spec& s, std::string_view hash,
                                                   const ownership& who, std::string_view spec_json);

// One entry of HostConfig.Mounts (the same shape is a Swarm
// ContainerSpec.Mounts entry): Type, Source (not for tmpfs), Target,
// ReadOnly, BindOptions.Propagation, VolumeOptions.NoCopy, TmpfsOptions.
[[nodiscard]] nlohmann::json mount_body(const desired_state::mount& m);

// The Healthcheck object (container Config and Swarm ContainerSpec alike):
// Test, and Interval, Timeout, StartPeriod (ns), Retries when set;
// {"Test": ["NONE"]} when disabled.
[[nodiscard]] nlohmann::json healthcheck_body(const desired_state::healthcheck& h);

// CPU reservation as CpuShares: a relative weight where 1024 is one CPU's
// worth (the engine's default for every container); at least 2, the
// engine's minimum. 0 when no reservation is set.
[[nodiscard]] std::int64_t cpu_shares_for(std::int64_t reserved_nano_cpus) noexcept;

// Nanoseconds to whole seconds, rounded up (StopTimeout takes seconds).
[[nodiscard]] std::int64_t seconds_rounded_up(std::int64_t ns) noexcept;

// The endpoint settings for attaching a container to `network`: its DNS
// alias there is the spec name, except on the engine's predefined networks
// (bridge, host, none), which refuse aliases.
[[nodiscard]] nlohmann::json endpoint_config(std::string_view network, std::string_view spec_name);

}  // namespace driftless::drivers::docker
