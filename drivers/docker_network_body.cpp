#include "drivers/docker_network_body.hpp"

#include "drivers/docker_labels.hpp"

namespace driftless::drivers::docker {

nlohmann::json network_create_body(const desired_state::spec& s, std::string_view hash, const ownership& who,
                                   std::string_view spec_json) {
    const desired_state::network& net = *s.as_network();
    nlohmann::json options = nlohmann::json::object();
    for (const auto& [k, v] : net.driver_opts) options[k] = v;
    nlohmann::json labels = nlohmann::json::object();
    for (const auto& [k, v] : object_labels(s, hash, who, spec_json)) labels[k] = v;
    nlohmann::json body = {
        {"Name", s.name},
        {"Driver", net.driver},
        {"Options", std::move(options)},
        {"Internal", net.internal},
        {"Attachable", net.attachable},
        {"Labels", std::move(labels)},
        {"CheckDuplicate", true},
    };
    if (!net.subnet.empty()) {
        nlohmann::json config = {{"Subnet", net.subnet}};
        if (!net.ip_range.empty()) config["IPRange"] = net.ip_range;
        if (!net.gateway.empty()) config["Gateway"] = net.gateway;
        body["IPAM"] = {{"Driver", "default"}, {"Config", nlohmann::json::array({std::move(config)})}};
        // The engine refuses an IPv6 block on a network without IPv6.
        if (net.subnet.find(':') != std::string::npos) body["EnableIPv6"] = true;
    }
    return body;
}

}  // namespace driftless::drivers::docker
