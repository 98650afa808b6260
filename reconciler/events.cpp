#include "reconciler/events.hpp"

#include <algorithm>

namespace driftless::reconciler {

namespace {

constexpr std::pair<event_type, const char*> names[] = {
    {event_type::pass_started, "pass_started"},
    {event_type::pass_finished, "pass_finished"},
    {event_type::created, "created"},
    {event_type::updated, "updated"},
    {event_type::started, "started"},
    {event_type::removed, "removed"},
    {event_type::healed, "healed"},
    {event_type::failed, "failed"},
    {event_type::held, "held"},
    {event_type::rolled_back, "rolled_back"},
    {event_type::paused, "paused"},
    {event_type::recovered, "recovered"},
    {event_type::source_error, "source_error"},
    {event_type::source_recovered, "source_recovered"},
    {event_type::engine_lost, "engine_lost"},
    {event_type::engine_back, "engine_back"},
};

std::string short_hash(const std::string& h) { return h.substr(0, 12); }

}  // namespace

const char* to_string(event_type t) noexcept {
    for (const auto& [type, name] : names)
        if (type == t) return name;
    return "?";
}

std::optional<event_type> event_type_of(std::string_view name) noexcept {
    for (const auto& [type, n] : names)
        if (name == n) return type;
    return std::nullopt;
}

const std::vector<event_type>& all_event_types() {
    static const std::vector<event_type> all = [] {
        std::vector<event_type> out;
        for (const auto& [type, name] : names) out.push_back(type);
        return out;
    }();
    return all;
}

nlohmann::json to_json(const event& e) {
    nlohmann::json j = {{"id", e.id}, {"at", e.at}, {"type", to_string(e.type)}, {"message", e.message}};
    if (!e.kind.empty()) j["kind"] = e.kind;
    if (!e.name.empty()) j["name"] = e.name;
    if (!e.detail.empty()) j["detail"] = e.detail;
    return j;
}

std::string to_sse(const event& e) {
    // One data line: the JSON has no raw newline (dump escapes them).
    return "id: " + std::to_string(e.id) + "\nevent: " + to_string(e.type) + "\ndata: " +
           to_json(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
}

event_log::event_log(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

const event& event_log::publish(event e) {
    e.id = next_id_++;
    if (e.at.empty()) e.at = now_rfc3339();
    ++counts_[e.type];
    if (ring_.size() == capacity_) ring_.pop_front();
    ring_.push_back(std::move(e));
    const event& kept = ring_.back();
    // A listener may unsubscribe itself: iterate over a copy of the handles.
    std::vector<std::size_t> handles;
    for (const auto& [h, l] : listeners_) handles.push_back(h);
    for (const auto h : handles)
        if (const auto it = listeners_.find(h); it != listeners_.end()) it->second(kept);
    return kept;
}

event_log::replay event_log::since(std::uint64_t last_id) const {
    replay r;
    if (ring_.empty()) return r;
    const std::uint64_t oldest = ring_.front().id;
    if (last_id + 1 < oldest) r.missed = oldest - (last_id + 1);
    for (const auto& e : ring_)
        if (e.id > last_id) r.events.push_back(e);
    return r;
}

std::size_t event_log::subscribe(listener l) {
    const std::size_t h = next_listener_++;
    listeners_.emplace(h, std::move(l));
    return h;
}

void event_log::unsubscribe(std::size_t handle) { listeners_.erase(handle); }

std::size_t event_log::subscribe_state(state_listener l) {
    const std::size_t h = next_listener_++;
    state_listeners_.emplace(h, std::move(l));
    return h;
}

void event_log::unsubscribe_state(std::size_t handle) { state_listeners_.erase(handle); }

void event_log::state_changed() {
    std::vector<std::size_t> handles;
    for (const auto& [h, l] : state_listeners_) handles.push_back(h);
    for (const auto h : handles)
        if (const auto it = state_listeners_.find(h); it != state_listeners_.end()) it->second();
}

std::string_view state_sse() noexcept { return "event: state\ndata: {}\n\n"; }

std::vector<event> object_events(const desired_state::resource_key& key, const object_status* before,
                                 const object_status& after, const std::optional<acted_on>& acted) {
    std::vector<event> out;
    // An action's event says what was done; a state's, what was seen. The
    // status's observed state and actual hash are from the list the pass
    // began with, before its action, so an action's event leaves them out.
    const auto add = [&](event_type t, std::string message, bool by_action = false) {
        event e;
        e.type = t;
        e.kind = desired_state::to_string(key.kind);
        e.name = key.name;
        e.message = std::move(message);
        e.detail = nlohmann::json::object();
        if (by_action) e.detail["action"] = to_string(acted->type);
        else e.detail["observed"] = after.observed;
        if (!after.desired_hash.empty()) e.detail["desired_hash"] = short_hash(after.desired_hash);
        if (!by_action && !after.actual_hash.empty()) e.detail["actual_hash"] = short_hash(after.actual_hash);
        if (!after.error.empty()) e.detail["error"] = after.error;
        out.push_back(std::move(e));
    };
    const std::string what = key.to_string();
    // The desired spec is the one the previous pass wanted, and the object
    // had been made from it: what an action puts back was changed by hand.
    const bool same_spec = before != nullptr && !before->desired_hash.empty() && before->desired_hash == after.desired_hash;
    const bool existed = before != nullptr && before->made;
    const bool was_failing = before != nullptr && before->failing;

    if (acted && acted->succeeded) {
        switch (acted->type) {
        case action_type::create:
            if (same_spec && existed) add(event_type::healed, what + " was gone: made again", true);
            else add(event_type::created, what + " created", true);
            break;
        case action_type::update:
        case action_type::adopt:
            // A health-gated update's first step: the update ends when the
            // rollout does (below).
            if (after.observed != "rolling_out") add(event_type::updated, what + " updated to " + short_hash(after.desired_hash), true);
            break;
        case action_type::start:
            if (same_spec) add(event_type::healed, what + " was stopped: started again", true);
            else add(event_type::started, what + " started", true);
            break;
        case action_type::remove: add(event_type::removed, what + " removed", true); break;
        default: break;
        }
    }
    // A rollout that ended with the new spec in place.
    if (before != nullptr && before->observed == "rolling_out" && after.observed != "rolling_out" &&
        after.observed != "rolled_back" && after.observed != "paused" && !after.failing)
        add(event_type::updated, what + " updated to " + short_hash(after.desired_hash) + " (rollout passed)");

    const auto entered = [&](const char* state) { return after.observed == state && (before == nullptr || before->observed != state); };
    if (entered("rolled_back")) add(event_type::rolled_back, what + ": " + after.error);
    else if (entered("paused")) add(event_type::paused, what + ": " + after.error);
    // One per change of state, not one per pass it stays so.
    else if (after.failing && !was_failing) add(event_type::failed, what + ": " + after.error);
    else if (was_failing && !after.failing) add(event_type::recovered, what + " is fine again");
    return out;
}

}  // namespace driftless::reconciler
