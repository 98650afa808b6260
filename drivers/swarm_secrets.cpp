// Swarm secrets and configs for compose's `secrets:` and `configs:`. They
// cannot change in Swarm, so each content has its own name (the parser adds
// a digest to it): a changed file makes a new object, the service is
// updated to it, and the old one is removed once no service uses it.
#include <nettle/base64.h>

#include <set>

#include <nlohmann/json.hpp>

#include "drivers/engine_error.hpp"
#include "drivers/labels.hpp"
#include "drivers/names.hpp"
#include "drivers/swarm_driver.hpp"
#include "drivers/url.hpp"

namespace driftless::drivers::swarm {

using nlohmann::json;
using docker::http_method;
namespace ds = desired_state;

namespace {

std::string base64(std::string_view data) {
    std::string out(BASE64_ENCODE_RAW_LENGTH(data.size()), '\0');
    base64_encode_raw(reinterpret_cast<char*>(out.data()), data.size(), reinterpret_cast<const std::uint8_t*>(data.data()));
    return out;
}

const char* kind_of(bool config) { return config ? "Config" : "Secret"; }
std::string path_of(bool config) { return config ? "/configs" : "/secrets"; }
std::string what_of(bool config, std::string_view name) {
    return std::string(config ? "config \"" : "secret \"") + std::string(name) + "\"";
}

ds::string_map labels_of(const json& j) {
    ds::string_map out;
    const json* spec = j.is_object() && j.contains("Spec") ? &j["Spec"] : nullptr;
    if (spec && spec->is_object() && spec->contains("Labels") && (*spec)["Labels"].is_object())
        for (const auto& [k, v] : (*spec)["Labels"].items())
            if (v.is_string()) out[k] = v.get<std::string>();
    return out;
}

}  // namespace

asio::awaitable<result<secret_ids>> swarm_driver::ensure_secrets(const ds::service& svc) {
    secret_ids ids;
    for (const auto& m : svc.secrets) {
        if (ids.count(m.name)) continue;
        if (!valid_name(m.name)) co_return error{"invalid", what_of(m.config, m.name) + ": not a valid name"};
        const std::string what = what_of(m.config, m.name);
        json labels = {{labels::owner, who_.owner()},
                       {labels::name, m.name},
                       {labels::kind, kind_of(m.config)},
                       {labels::spec_hash, m.digest},
                       {labels::mac, who_.mac(std::string_view(kind_of(m.config)), m.name, m.digest)}};
        const json body = {{"Name", m.name}, {"Labels", std::move(labels)}, {"Data", base64(m.data)}};
        auto made = co_await client_.call(http_method::post, path_of(m.config) + "/create", body.dump());
        if (made) {
            const auto j = json::parse(made->body, nullptr, false);
            if (!j.is_object() || !j.contains("ID") || !j["ID"].is_string())
                co_return error{"engine", "create " + what + ": the engine's answer has no ID"};
            ids[m.name] = j["ID"].get<std::string>();
            continue;
        }
        if (made.err().code != "conflict") co_return with_context(std::move(made).err(), "create " + what);
        // There already: the same name is the same content. Used only when it is ours.
        auto found = co_await client_.call(http_method::get, path_of(m.config) + "/" + m.name);
        if (!found) co_return with_context(std::move(found).err(), "inspect " + what);
        const auto j = json::parse(found->body, nullptr, false);
        if (!who_.owns(kind_of(m.config), m.name, labels_of(j)))
            co_return error{"conflict", what + ": the name is in use by one driftless does not own; remove or rename it"};
        if (!j.contains("ID") || !j["ID"].is_string())
            co_return error{"engine", "inspect " + what + ": the engine's answer has no ID"};
        ids[m.name] = j["ID"].get<std::string>();
    }
    co_return ids;
}

asio::awaitable<void> swarm_driver::drop_old_secrets(const std::string& old_spec_json, const ds::service* now) {
    const auto old = json::parse(old_spec_json, nullptr, false);
    if (!old.is_object() || !old.contains("spec") || !old["spec"].is_object() || !old["spec"].contains("secrets") ||
        !old["spec"]["secrets"].is_array())
        co_return;
    std::set<std::pair<bool, std::string>> kept;
    if (now)
        for (const auto& m : now->secrets) kept.emplace(m.config, m.name);
    for (const auto& entry : old["spec"]["secrets"]) {
        if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string()) continue;
        const bool config = entry.value("config", false);
        const std::string name = entry["name"].get<std::string>();
        if (kept.count({config, name}) || !valid_name(name)) continue;
        // Removed only when ours; Swarm refuses while another service uses it.
        auto found = co_await client_.call(http_method::get, path_of(config) + "/" + name);
        if (!found || !who_.owns(kind_of(config), name, labels_of(json::parse(found->body, nullptr, false)))) continue;
        auto removed = co_await client_.call(http_method::delete_, path_of(config) + "/" + name);
        (void)removed;
    }
}

}  // namespace driftless::drivers::swarm
