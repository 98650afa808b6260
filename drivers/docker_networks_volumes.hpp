// Networks and volumes over the Engine API, shared by the docker, podman
// and swarm drivers: the same calls, the same ownership checks. Each call
// is one request (or none), bounded by the client's timeout.
//
// Threading and lifetime: as engine_client (one single-threaded executor;
// the client outlives the call).
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/asio/awaitable.hpp>

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "desired_state/result.hpp"
#include "drivers/driver.hpp"
#include "drivers/engine_client.hpp"
#include "drivers/ownership.hpp"

namespace driftless::drivers::docker {

// The engine's `filters` value selecting objects labelled with `owner`.
[[nodiscard]] std::string owner_filter(const std::string& owner);

// Owned networks / volumes (GET /networks, GET /volumes with the owner
// filter), each checked with who.owns whatever the engine did.
asio::awaitable<result<std::vector<actual_object>>> list_owned_networks(engine_client& client, ownership who);
asio::awaitable<result<std::vector<actual_object>>> list_owned_volumes(engine_client& client, ownership who);

// Networks / volumes named exactly one of `names` that `who` does not own
// (one name-filtered list call; none when `names` is empty).
asio::awaitable<result<std::vector<actual_object>>> find_unowned_networks(engine_client& client,
                                                                          std::set<std::string> names,
                                                                          ownership who);
asio::awaitable<result<std::vector<actual_object>>> find_unowned_volumes(engine_client& client,
                                                                         std::set<std::string> names,
                                                                         ownership who);

// POST /networks/create with `body` (docker_network_body.hpp's, possibly
// adjusted by the driver). A name in use is a "conflict".
asio::awaitable<status> create_network(engine_client& client, std::string name, nlohmann::json body);

// POST /volumes/create with `body`. The engine answers a create of an
// existing name with that volume: unless `who` owns it, this is a
// "conflict" (an owned one is success: nothing to do).
asio::awaitable<status> create_volume(engine_client& client, std::string name, nlohmann::json body,
                                      ownership who);

// DELETE of an owned network (by id) / volume (by name). Not an error if it
// is already gone.
asio::awaitable<status> remove_network(engine_client& client, actual_object have);
asio::awaitable<status> remove_volume(engine_client& client, actual_object have);

}  // namespace driftless::drivers::docker
