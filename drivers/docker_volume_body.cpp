#include "drivers/docker_volume_body.hpp"

#include "drivers/docker_labels.hpp"

namespace driftless::drivers::docker {

nlohmann::json volume_create_body(const desired_state::spec& s, std::string_view hash, const ownership& who,
                                  std::string_view spec_json) {
    const desired_state::volume& vol = *s.as_volume();
    nlohmann::json options = nlohmann::json::object();
    for (const auto& [k, v] : vol.driver_opts) options[k] = v;
    nlohmann::json labels = nlohmann::json::object();
    for (const auto& [k, v] : object_labels(s, hash, who, spec_json)) labels[k] = v;
    return {
        {"Name", s.name},
        {"Driver", vol.driver},
        {"DriverOpts", std::move(options)},
        {"Labels", std::move(labels)},
    };
}

}  // namespace driftless::drivers::docker
