#include "drivers/swarm_images.hpp"

#include <nlohmann/json.hpp>

namespace driftless::drivers::swarm {

result<int> swarm_node_count(std::string_view info) {
    const auto j = nlohmann::json::parse(info, nullptr, false);
    if (j.is_object())
        if (const auto s = j.find("Swarm"); s != j.end() && s->is_object())
            if (const auto n = s->find("Nodes"); n != s->end() && n->is_number_integer() && n->get<int>() > 0)
                return n->get<int>();
    return error{"engine", "the engine's /info gives no Swarm.Nodes: it is not a swarm manager"};
}

status check_unpushed_image(const std::string& tag, int nodes) {
    if (nodes <= 1) return {};
    return error{"invalid", "image \"" + tag + "\" names no registry, and the swarm has " + std::to_string(nodes) +
                                " nodes: the others cannot pull an image built on the manager; name a registry in "
                                "the service's image (e.g. registry.example.com:5000/" + tag +
                                "), which the build is pushed to"};
}

}  // namespace driftless::drivers::swarm
