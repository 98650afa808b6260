// The body of the Engine API's `POST /volumes/create` for a Volume spec.
// Pure function.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "desired_state/spec.hpp"
#include "drivers/ownership.hpp"

namespace driftless::drivers::docker {

// Name, Driver, DriverOpts and Labels (docker_labels.hpp's object_labels).
// An NFS volume is the local driver with DriverOpts type/o/device; the
// engine mounts it when a container first uses it, not at create.
// Expects a Volume spec.
[[nodiscard]] nlohmann::json volume_create_body(const desired_state::spec& s, std::string_view hash,
                                                const ownership& who, std::string_view spec_json);

}  // namespace driftless::drivers::docker
