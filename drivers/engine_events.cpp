#include "drivers/engine_events.hpp"

#include <string>

#include <nlohmann/json.hpp>

#include "drivers/labels.hpp"

namespace driftless::drivers {

using nlohmann::json;

namespace {

std::string string_at(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

}  // namespace

event_kind container_event(std::string_view line) {
    const auto j = json::parse(line, nullptr, false);
    const std::string action = j.is_object() ? string_at(j, "Action") : std::string{};
    return action == "destroy" || action == "remove" ? event_kind::gone : event_kind::changed;
}

std::optional<event_kind> swarm_event(std::string_view line, const std::set<std::string>& owned_service_ids) {
    const auto j = json::parse(line, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    const std::string type = string_at(j, "Type");
    const std::string action = string_at(j, "Action");
    if (type == "container") {
        const auto actor = j.find("Actor");
        if (actor == j.end() || !actor->is_object()) return std::nullopt;
        const auto attrs = actor->find("Attributes");
        if (attrs == actor->end() || !attrs->is_object()) return std::nullopt;
        // Task containers carry no ownership labels: their service's ID says.
        if (owned_service_ids.count(string_at(*attrs, labels::swarm_service_id)) == 0) return std::nullopt;
    }
    // A service removed will not change again; a task container that goes
    // is replaced by swarm itself.
    return type == "service" && action == "remove" ? event_kind::gone : event_kind::changed;
}

}  // namespace driftless::drivers
