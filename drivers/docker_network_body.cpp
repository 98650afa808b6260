#include "drivers/docker_network_body.hpp"

#include "drivers/docker_labels.hpp"

namespace driftless::drivers::docker {

nlohmann::json network_create_body(const desired_state::spec& s, std::string_view hash, std::string_view owner,
                                   std::string_view spec_json) {
    const desired_state::network& net = *s.as_network();
    nlohmann::json options = nlohmann::json::object();
    for (const auto& [k, v] : net.driver_opts) options[k] = v;
    nlohmann::json labels = nlohmann::json::object();
    for (const auto& [k, v] : object_labels(s, hash, owner, spec_json)) labels[k] = v;
    return {
        {"Name", s.name},
        {"Driver", net.driver},
        {"Options", std::move(options)},
        {"Internal", net.internal},
        {"Attachable", net.attachable},
        {"Labels", std::move(labels)},
        {"CheckDuplicate", true},
    };
}

}  // namespace driftless::drivers::docker
