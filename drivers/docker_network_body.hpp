// The body of the Engine API's `POST /networks/create` for a Network spec.
// Pure function.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "desired_state/spec.hpp"
#include "drivers/ownership.hpp"

namespace driftless::drivers::docker {

// Name, Driver, Options (driver_opts), Internal, Attachable, Labels
// (docker_labels.hpp's object_labels) and CheckDuplicate: true, so a name in
// use is a 409 rather than a second network of the same name.
// Expects a Network spec.
[[nodiscard]] nlohmann::json network_create_body(const desired_state::spec& s, std::string_view hash,
                                                 const ownership& who, std::string_view spec_json);

}  // namespace driftless::drivers::docker
