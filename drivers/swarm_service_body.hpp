// The ServiceSpec of the Engine API's `POST /services/create` and
// `POST /services/{id}/update` for a Service spec (Docker Swarm, API 1.41).
// Pure functions: no engine needed.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "desired_state/result.hpp"
#include "desired_state/spec.hpp"
#include "drivers/ownership.hpp"

namespace driftless::drivers::swarm {

// How a named volume is made on a node that runs a task: a Volume spec's
// driver and driver_opts (an NFS volume is the local driver with type/o/
// device options). Swarm creates a service's volumes on each node it
// schedules a task to, so the mount itself must carry them.
struct volume_driver_config {
    std::string driver = "local";
    desired_state::string_map options;
    bool operator==(const volume_driver_config&) const = default;
};
using volume_configs = std::map<std::string, volume_driver_config>;   // by volume name

// Whether a Service spec can run as a swarm service: its name, image and
// network names are well formed, replicas is not negative, and no port
// names a host IP (Swarm publishes on every address of every node; a
// host IP would be silently dropped, so it is an "invalid" error).
[[nodiscard]] status check_service_spec(const desired_state::spec& s);

// The labels on the service's task containers: the user's and Traefik's
// labels only. No io.driftless.* label: a task container is Swarm's, never
// an object a docker-driver instance may take for its own, and a change
// that only scales (replicas) or only touches the service must not make
// Swarm replace every task.
[[nodiscard]] desired_state::string_map container_labels(const desired_state::spec& s);

// The ServiceSpec. Expects a Service spec that passed check_service_spec.
// Mapping (DESIGN.md §3):
//   name Name; labels Labels (docker_labels.hpp's object_labels: the
//   ownership labels live on the service only) and
//   TaskTemplate.ContainerSpec.Labels (container_labels); a compose
//   service's labels only on the containers, its service carrying the
//   ownership labels, compose's project and service labels and
//   deploy.labels, as docker stack deploy does;
//   ContainerSpec: image Image, entrypoint Command, command Args (Swarm's
//   Command is the entrypoint), env Env ("K=V", sorted), user User, mounts
//   Mounts (a volume mount named in `volumes` gets
//   VolumeOptions.DriverConfig {Name, Options}), open_files Ulimits nofile
//   (soft = hard), healthcheck Healthcheck, stop_grace_period
//   StopGracePeriod (ns);
//   TaskTemplate: cpus/memory Resources.Limits.NanoCPUs/MemoryBytes,
//   reservations Resources.Reservations, restart RestartPolicy.Condition
//   (no -> none, on-failure -> on-failure, always and unless-stopped ->
//   any), constraints Placement.Constraints, networks Networks
//   [{Target, Aliases: [name]}];
//   mode Mode {Replicated: {Replicas}} or {Global: {}};
//   ports EndpointSpec {Mode: vip, Ports: [{Protocol, TargetPort,
//   PublishedPort (when not 0: 0 lets Swarm pick), PublishMode
//   ingress|host}]} (always present, Ports possibly empty).
// pull and depends_on have no ServiceSpec field: Swarm's nodes pull the
// image when they start a task, and the reconciler orders creates.
// secrets: ContainerSpec.Secrets / Configs [{File {Name, UID, GID, Mode},
//   SecretID|ConfigID, SecretName|ConfigName}], the ids from `secrets`
//   (engine name -> id); a target under /run/secrets/ is given relative.
using secret_ids = std::map<std::string, std::string>;
[[nodiscard]] nlohmann::json service_spec_body(const desired_state::spec& s, std::string_view hash,
                                               const ownership& who, std::string_view spec_json,
                                               const volume_configs& volumes = {}, const secret_ids& secrets = {});

// Swarm's RestartPolicy.Condition for a restart policy.
[[nodiscard]] const char* restart_condition(desired_state::restart_policy r) noexcept;

}  // namespace driftless::drivers::swarm
