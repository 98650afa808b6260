// What docker compose (or docker stack deploy) made and what driftless made
// from the same file, read back with `docker inspect` and brought to a form
// where the two can be compared path by path (support/inspect_diff.hpp).
// A view keeps every field that says how an object runs and drops what
// the engine makes up per object (ids, creation times, state, addresses it
// assigned); representations that mean the same thing are made one:
//
// - mounts: HostConfig.Binds ("SRC:DST:ro"), HostConfig.Mounts and
//   HostConfig.Tmpfs become one map from target to {Type, Source, ReadOnly,
//   and the options}: compose 1.29 writes short volume syntax as Binds and
//   tmpfs: as Tmpfs, driftless (as compose v2) uses the Mounts API;
// - a container's own short id, which dockerd adds as a network alias and
//   as the default hostname, becomes "<id>", and its own name as an alias
//   "<name>"; a container's aliases on a network are a set
//   ({"db": true, "<id>": true});
// - lists whose order means nothing (Env, caps, aliases, security options)
//   are sorted;
// - a swarm service's spec: networks are named, not given by id, and keyed
//   by name; mounts are keyed by target; capabilities lose a CAP_ prefix
//   and placement constraints their spaces (the engine reads both ways);
//   null and false fields count as unset (the CLI sends some at their zero
//   value).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace driftless::testing {

// One container from `docker inspect`.
nlohmann::json container_view(const nlohmann::json& inspect);
// One network from `docker network inspect`.
nlohmann::json network_view(const nlohmann::json& inspect);
// One volume from `docker volume inspect`.
nlohmann::json volume_view(const nlohmann::json& inspect);
// One swarm service from `docker service inspect`: its Spec.
nlohmann::json service_view(const nlohmann::json& inspect);

// Every container, network and volume matching `filter` (a `docker ... ls`
// filter, e.g. "label=com.docker.compose.project=shop"):
// {"containers": {SERVICE: view}, "networks": {NAME: view}, "volumes": {NAME: view}},
// containers keyed by their com.docker.compose.service label.
nlohmann::json project_view(const std::string& filter);
// Every swarm service and network matching `filter`:
// {"services": {NAME: view}, "networks": {NAME: view}}.
nlohmann::json stack_view(const std::string& filter);

}  // namespace driftless::testing
