#include "drivers/docker_listing.hpp"

#include <charconv>

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "desired_state/compose_labels.hpp"
#include "drivers/docker_container_body.hpp"
#include "drivers/labels.hpp"

namespace driftless::drivers::docker {

using nlohmann::json;
namespace compose_labels = desired_state::compose_labels;

namespace {

std::string string_at(const json& j, const char* key) {
    if (!j.is_object()) return {};
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// Labels may be absent or null in list answers.
void read_labels(const json& item, actual_object& o, naming how, const std::string& engine_name) {
    const json empty = json::object();
    const auto it = item.find("Labels");
    const json& l = it != item.end() && it->is_object() ? *it : empty;
    o.owner = string_at(l, labels::owner);
    o.spec_hash = string_at(l, labels::spec_hash);
    o.spec_json = string_at(l, labels::spec);
    o.mac = string_at(l, labels::mac);
    o.compose.project = string_at(l, compose_labels::project);
    o.compose.key = string_at(l, o.kind == desired_state::kind::network ? compose_labels::network : compose_labels::volume);
    const std::string labelled = string_at(l, labels::name);
    o.name_matches = !labelled.empty() && labelled == engine_name;
    o.name = how == naming::by_label && !labelled.empty() ? labelled : engine_name;
}

// The list's Status text is the one place it gives a container's health
// and exit code without an inspect per container: "Up 3 seconds (healthy)",
// "Up 1 second (health: starting)", "Up 2 minutes (unhealthy)",
// "Exited (1) 5 seconds ago". Docker and Podman's compatible API both write it so.
void read_status_text(std::string_view text, actual_object& o) {
    if (text.find("(healthy)") != std::string_view::npos) o.health = "healthy";
    else if (text.find("(health: starting)") != std::string_view::npos) o.health = "starting";
    else if (text.find("(unhealthy)") != std::string_view::npos) o.health = "unhealthy";
    constexpr std::string_view exited = "Exited (";
    if (text.substr(0, exited.size()) != exited) return;
    const auto digits = text.substr(exited.size());
    int code = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), code);
    if (ec == std::errc{} && end != digits.data() + digits.size() && *end == ')') o.exit_code = code;
}

error bad_shape(const char* what) { return error{"engine", std::string("unexpected answer to ") + what}; }

}  // namespace

// The container list is the one answer that grows with what driftless
// manages (about 1.6 KB per container), and every pass reads it: it is read
// with simdjson, which picks the CPU's vector instructions at run time and
// builds a flat tape instead of a tree of allocations.
namespace {

result<std::vector<actual_object>> read_container_list(simdjson::dom::parser& parser, std::string_view body, naming how,
                                                       std::size_t readable) {
    namespace dom = simdjson::dom;
    dom::element doc;
    const bool padded = readable >= body.size() + simdjson::SIMDJSON_PADDING;
    if (parser.parse(body.data(), body.size(), !padded).get(doc)) return bad_shape("GET /containers/json: malformed JSON");
    dom::array items;
    if (doc.get_array().get(items)) return bad_shape("GET /containers/json: not a JSON array");
    std::vector<actual_object> out;
    out.reserve(items.size());
    for (dom::element entry : items) {
        dom::object item;
        if (entry.get_object().get(item)) return bad_shape("GET /containers/json: an entry is not an object");
        actual_object o;
        o.kind = desired_state::kind::service;
        std::string_view v;
        if (!item["Id"].get_string().get(v)) o.id = v;
        if (!item["State"].get_string().get(v)) o.state = v;
        if (!item["Status"].get_string().get(v)) read_status_text(v, o);
        std::int64_t created = 0;
        if (!item["Created"].get_int64().get(created)) o.created = created;
        std::string engine_name;
        dom::array names;
        if (!item["Names"].get_array().get(names) && names.size() > 0 && !names.at(0).get_string().get(v)) {
            engine_name = v;
            if (!engine_name.empty() && engine_name.front() == '/') engine_name.erase(0, 1);
        }
        std::string labelled_name;
        bool scaled_to_zero = false;
        dom::object label_set;
        if (!item["Labels"].get_object().get(label_set)) {   // absent or null: no labels
            for (auto [key, value] : label_set) {
                if (value.get_string().get(v)) continue;
                if (key == labels::owner) o.owner = v;
                else if (key == labels::spec_hash) o.spec_hash = v;
                else if (key == labels::spec) o.spec_json = v;
                else if (key == labels::image_digest) o.image_digest = v;
                else if (key == labels::rollback_reason) o.rollout.recorded_reason = v;
                else if (key == labels::name) labelled_name = v;
                else if (key == labels::mac) o.mac = v;
                else if (key == replicas_label) scaled_to_zero = v == "0";
                else if (key == labels::swarm_task_id || key == labels::swarm_service_id) o.swarm_task = true;
                else if (key == compose_labels::project) o.compose.project = v;
                else if (key == compose_labels::service) o.compose.service = v;
                else if (key == compose_labels::number) o.compose.number = v;
                else if (key == compose_labels::oneoff) o.compose.oneoff = v;
            }
        }
        // A rollout's containers carry the spec's name as their label and a
        // reserved suffix on the engine's name (driver.hpp, rollout_role).
        const auto role = role_of(engine_name, labelled_name);
        o.name_matches = role.has_value();
        o.role = role.value_or(rollout_role::none);
        o.name = how == naming::by_label && !labelled_name.empty() ? labelled_name : engine_name;
        const bool running = o.state == "running";
        o.tasks_running = running ? 1 : 0;
        o.tasks_desired = scaled_to_zero ? 0 : 1;
        o.running = scaled_to_zero ? true : running;
        out.push_back(std::move(o));
    }
    return out;
}

}  // namespace

result<std::vector<actual_object>> parse_container_list(std::string_view body, naming how, std::size_t readable) {
    simdjson::dom::parser parser;
    return read_container_list(parser, body, how, readable);
}

struct container_list_reader::impl {
    simdjson::dom::parser parser;
};

container_list_reader::container_list_reader() : impl_(std::make_unique<impl>()) {}
container_list_reader::~container_list_reader() = default;

result<std::vector<actual_object>> container_list_reader::read(std::string_view body, naming how, std::size_t readable) {
    return read_container_list(impl_->parser, body, how, readable);
}

result<std::vector<actual_object>> parse_network_list(std::string_view body, naming how) {
    const auto j = json::parse(body, nullptr, false);
    if (!j.is_array()) return bad_shape("GET /networks: not a JSON array");
    std::vector<actual_object> out;
    for (const auto& item : j) {
        if (!item.is_object()) return bad_shape("GET /networks: an entry is not an object");
        actual_object o;
        o.kind = desired_state::kind::network;
        o.id = string_at(item, "Id");
        read_labels(item, o, how, string_at(item, "Name"));
        out.push_back(std::move(o));
    }
    return out;
}

result<std::vector<actual_object>> parse_volume_list(std::string_view body, naming how) {
    const auto j = json::parse(body, nullptr, false);
    if (!j.is_object()) return bad_shape("GET /volumes: not a JSON object");
    std::vector<actual_object> out;
    const auto vols = j.find("Volumes");
    if (vols == j.end() || vols->is_null()) return out;
    if (!vols->is_array()) return bad_shape("GET /volumes: Volumes is not an array");
    for (const auto& item : *vols) {
        if (!item.is_object()) return bad_shape("GET /volumes: an entry is not an object");
        actual_object o;
        o.kind = desired_state::kind::volume;
        o.id = string_at(item, "Name");
        read_labels(item, o, how, o.id);
        out.push_back(std::move(o));
    }
    return out;
}

namespace {

// The objects `keep` accepts that `who` does not own; those labelled with
// who's owner get `unverified`.
template <class Keep>
std::vector<actual_object> unowned_if(std::vector<actual_object> objects, const ownership& who, Keep keep) {
    std::vector<actual_object> out;
    for (auto& o : objects)
        if (keep(o) && !who.owns(o)) {
            o.unverified = o.owner == who.owner();
            out.push_back(std::move(o));
        }
    return out;
}

}  // namespace

std::vector<actual_object> unowned_named(std::vector<actual_object> objects, const std::set<std::string>& names,
                                         const ownership& who) {
    return unowned_if(std::move(objects), who, [&](const actual_object& o) { return names.count(o.name) != 0; });
}

std::vector<actual_object> unowned_of_projects(std::vector<actual_object> objects, const std::set<std::string>& projects,
                                               const ownership& who) {
    return unowned_if(std::move(objects), who, [&](const actual_object& o) { return projects.count(o.compose.project) != 0; });
}

}  // namespace driftless::drivers::docker
