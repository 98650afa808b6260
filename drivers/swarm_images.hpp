// Where a swarm's nodes get an image built on the manager (README
// "Builds"): from the registry its name names, where the build is pushed
// and from which every node pulls it by digest; an image that names no
// registry exists on the manager alone, which only a swarm of one node can
// run. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "desired_state/result.hpp"

namespace driftless::drivers::swarm {

// The number of nodes in GET /info's Swarm.Nodes. An "engine" error when
// the answer has none (the engine is not part of a swarm).
[[nodiscard]] result<int> swarm_node_count(std::string_view info);

// Whether `tag`, built on the manager and pushed nowhere, can run on a
// swarm of `nodes`: on one node, yes; on more, an "invalid" error saying
// the image must name a registry. Terminal until the spec changes or the
// swarm shrinks; retried with the object's backoff.
[[nodiscard]] status check_unpushed_image(const std::string& tag, int nodes);

}  // namespace driftless::drivers::swarm
