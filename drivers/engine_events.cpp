#include "drivers/engine_events.hpp"

#include <string>

#include <nlohmann/json.hpp>

#include "drivers/labels.hpp"

namespace driftless::drivers {

using nlohmann::json;

event_kind container_event(std::string_view line) {
    const auto j = json::parse(line, nullptr, false);
    const std::string action = j.is_object() ? j.value("Action", std::string{}) : std::string{};
    return action == "destroy" || action == "remove" ? event_kind::gone : event_kind::changed;
}

std::optional<event_kind> swarm_event(std::string_view line, std::string_view owner) {
    const auto j = json::parse(line, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    const std::string type = j.value("Type", std::string{});
    const std::string action = j.value("Action", std::string{});
    if (type == "container") {
        const auto& actor = j.contains("Actor") ? j["Actor"] : json{};
        if (!actor.is_object() || !actor.contains("Attributes") || !actor["Attributes"].is_object()) return std::nullopt;
        const auto& attrs = actor["Attributes"];
        if (!attrs.contains(labels::owner) || attrs[labels::owner] != owner) return std::nullopt;
    }
    return type == "service" && action == "remove" ? event_kind::gone : event_kind::changed;
}

}  // namespace driftless::drivers
