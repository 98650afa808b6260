// What one line of the engine's GET /events stream says, for the drivers'
// event watchers. Events only say *when* to look (level-based reconcile):
// nothing here is acted on beyond waking the loop. Pure functions; a line
// that is not the documented JSON is not an error (it still wakes the loop
// under docker, and is ignored under swarm).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "drivers/driver.hpp"

namespace driftless::drivers {

// A docker or podman event line (the stream is already filtered on the
// owner label): gone for a container destroyed ("destroy"; podman says
// "remove"), changed for anything else.
[[nodiscard]] event_kind container_event(std::string_view line);

// A swarm event line (service, node and container events, unfiltered):
// gone for a service removed; nullopt for a line that is not a JSON object
// and for a container event whose com.docker.swarm.service.id is not one of
// `owned_service_ids`; changed for anything else.
[[nodiscard]] std::optional<event_kind> swarm_event(std::string_view line, const std::set<std::string>& owned_service_ids);

}  // namespace driftless::drivers
