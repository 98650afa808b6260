#include "drivers/swarm_listing.hpp"

#include <cstdint>
#include <map>

#include <nlohmann/json.hpp>

#include "drivers/json_fields.hpp"
#include "drivers/labels.hpp"

namespace driftless::drivers::swarm {

using nlohmann::json;
using json_fields::member;
using json_fields::number_at;
using json_fields::string_at;

namespace {

error bad_shape(const char* what) { return error{"engine", std::string("unexpected answer to ") + what}; }

}  // namespace

std::string tasks_state(int running, int desired) {
    return std::to_string(running) + "/" + std::to_string(desired) + " tasks running";
}

result<std::vector<actual_object>> parse_service_list(std::string_view body, docker::naming how) {
    const auto j = json::parse(body, nullptr, false);
    if (!j.is_array()) return bad_shape("GET /services: not a JSON array");
    std::vector<actual_object> out;
    for (const auto& item : j) {
        if (!item.is_object()) return bad_shape("GET /services: an entry is not an object");
        const json& spec = member(item, "Spec");
        if (!spec.is_object()) return bad_shape("GET /services: an entry has no Spec");
        actual_object o;
        o.kind = desired_state::kind::service;
        o.id = string_at(item, "ID");
        o.version = static_cast<std::uint64_t>(number_at(member(item, "Version"), "Index"));
        const json& l = member(spec, "Labels");
        o.owner = string_at(l, labels::owner);
        o.spec_hash = string_at(l, labels::spec_hash);
        o.spec_json = string_at(l, labels::spec);
        o.mac = string_at(l, labels::mac);
        const std::string labelled = string_at(l, labels::name);
        o.name_matches = !labelled.empty() && labelled == string_at(spec, "Name");
        o.name = how == docker::naming::by_label && !labelled.empty() ? labelled : string_at(spec, "Name");

        const json& st = member(item, "ServiceStatus");
        o.tasks_running = static_cast<int>(number_at(st, "RunningTasks"));
        o.tasks_desired = static_cast<int>(number_at(st, "DesiredTasks"));
        o.running = o.tasks_running >= o.tasks_desired;
        o.state = o.running ? "running" : tasks_state(o.tasks_running, o.tasks_desired);
        o.self_healing = true;   // Swarm reschedules tasks itself: never `start`ed

        // A rolling update that failed stops half way (FailureAction pause)
        // or goes back to the previous spec (rollback; reconciler/rollout.hpp
        // reports it). One stopped half way is not what was asked for,
        // whatever its task counts say.
        const json& update = member(item, "UpdateStatus");
        const std::string update_state = string_at(update, "State");
        o.update_state = update_state;
        o.update_message = string_at(update, "Message");
        if (update_state == "paused" || update_state == "rollback_paused") {
            o.running = false;
            o.state = "update " + update_state;
            o.task_error = "update " + update_state + ": " + string_at(update, "Message");
        }
        out.push_back(std::move(o));
    }
    return out;
}

status apply_tasks(std::vector<actual_object>& services, std::string_view tasks_body) {
    const auto j = json::parse(tasks_body, nullptr, false);
    if (!j.is_array()) return bad_shape("GET /tasks: not a JSON array");
    struct why {
        std::int64_t index = -1;
        std::string text;
    };
    std::map<std::string, why> live;     // a task meant to run that reports an error
    std::map<std::string, why> failed;   // the latest failed or rejected task
    for (const auto& t : j) {
        if (!t.is_object()) return bad_shape("GET /tasks: an entry is not an object");
        const json& st = member(t, "Status");
        const std::string err = string_at(st, "Err");
        if (err.empty()) continue;
        const std::string state = string_at(st, "State");
        const std::string service = string_at(t, "ServiceID");
        // The version index grows with every change to a task: the highest
        // is the most recent news.
        const std::int64_t index = number_at(member(t, "Version"), "Index");
        const std::string text = state + ": " + err;
        auto keep = [&](std::map<std::string, why>& into) {
            auto& w = into[service];
            if (index > w.index) w = {index, text};
        };
        if (string_at(t, "DesiredState") == "running" && state != "running") keep(live);
        else if (state == "failed" || state == "rejected") keep(failed);
    }
    for (auto& s : services) {
        if (s.running || !s.task_error.empty()) continue;
        if (auto it = live.find(s.id); it != live.end()) s.task_error = it->second.text;
        else if (auto f = failed.find(s.id); f != failed.end()) s.task_error = f->second.text;
    }
    return {};
}

}  // namespace driftless::drivers::swarm
