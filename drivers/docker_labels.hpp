// The labels driftless writes on the objects it creates under Docker-like
// engines: ownership (DESIGN.md §4) and Traefik routing from `expose:`.
// Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "desired_state/spec.hpp"
#include "drivers/ownership.hpp"

namespace driftless::drivers::docker {

// The ownership labels: io.driftless.owner, .name, .spec-hash, .kind, .mac
// (who.mac of kind, name and hash), and io.driftless.spec when `spec_json`
// is not empty.
[[nodiscard]] desired_state::string_map ownership_labels(const desired_state::spec& s, std::string_view hash,
                                                         const ownership& who, std::string_view spec_json);

// The value of io.driftless.spec: the spec's canonical JSON, its secret
// values redacted (desired_state::redacted) and without its defaults
// (desired_state::without_defaults), what `plan` reads back to name the
// fields an update changes. Sparse, since every list answer carries it.
[[nodiscard]] std::string spec_label(const desired_state::spec& s);

// The router and service name Traefik is given for a spec name: '.' separates
// label key parts in Traefik, so it becomes '-' ("web.api" -> "web-api").
[[nodiscard]] std::string traefik_router_name(std::string_view spec_name);

// traefik.enable=true, and for router/service R = traefik_router_name(name):
//   traefik.http.routers.R.rule        = Host(`host`) || Host(`alias`)   (alias only when set)
//   traefik.http.routers.R.entrypoints = web
//   traefik.http.services.R.loadbalancer.server.port = <port>
[[nodiscard]] desired_state::string_map traefik_labels(std::string_view spec_name,
                                                       const desired_state::expose_spec& expose);

// Traefik labels, then the user's labels (which may override them, to tune
// a router).
[[nodiscard]] desired_state::string_map user_labels(const desired_state::spec& s);

// Every label of an object: user_labels, then the ownership labels (which
// nothing overrides).
[[nodiscard]] desired_state::string_map object_labels(const desired_state::spec& s, std::string_view hash,
                                                      const ownership& who, std::string_view spec_json);

}  // namespace driftless::drivers::docker
