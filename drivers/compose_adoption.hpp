// What docker compose made, and which of it driftless may take over with
// --adopt (DESIGN.md §3). Pure functions; thread-safe.
//
// An object was made by compose for a spec when it carries no
// io.driftless.owner label, is not a Swarm task, and its compose labels are
// the spec's own (desired_state writes them on every object of a compose
// project): the same project and, for a container, the same service and
// not a one-off (`docker compose run`); for a network or a volume, the same
// key. Labels are what compose itself goes by; anyone who can run
// containers can write them, which is why taking over is asked for with a
// flag and never done by default.
#pragma once

#include <string>

#include "desired_state/result.hpp"
#include "desired_state/spec.hpp"
#include "drivers/driver.hpp"

namespace driftless::drivers {

// Made by docker compose (it carries a project label) and by no driftless.
[[nodiscard]] bool made_by_compose(const actual_object& o);

// Made by docker compose for `want`'s project and, per kind, its service
// or key, per the rules above. False for a spec without compose labels.
[[nodiscard]] bool made_by_compose_for(const actual_object& o, const desired_state::spec& want);

// OK when `have` is a container made_by_compose_for(want) (without want:
// made_by_compose, and not a one-off); else a "conflict" error saying why,
// e.g. refusing to take over container "web": it was not made by docker
// compose for project "shop" (service "web").
[[nodiscard]] status refuse_unless_compose_made(const actual_object& have, const desired_state::spec* want);

// The spec's label `key` (compose_labels.hpp's), "" when it has none.
[[nodiscard]] std::string compose_label(const desired_state::spec& s, const char* key);

// "container \"shop_web_1\"": how a message names what compose made.
[[nodiscard]] std::string compose_object_name(const actual_object& o);

}  // namespace driftless::drivers
