#include "drivers/docker_networks_volumes.hpp"

#include "drivers/docker_listing.hpp"
#include "drivers/engine_error.hpp"
#include "drivers/labels.hpp"
#include "drivers/names.hpp"
#include "drivers/url.hpp"

namespace driftless::drivers::docker {

using nlohmann::json;

namespace {

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

std::vector<actual_object> only_owned(std::vector<actual_object> found, const ownership& who) {
    // The engine's label filter already did this; checking again costs
    // nothing and keeps "owned only" true whatever it returns.
    std::vector<actual_object> out;
    for (auto& o : found)
        if (who.owns(o)) out.push_back(std::move(o));
    return out;
}

// Podman 4.3 answers a network create of a name in use with HTTP 500
// "network name X already used: network already exists" where dockerd
// answers 409.
bool name_in_use(const error& e) {
    return e.code == "conflict" || e.message.find("already exists") != std::string::npos ||
           e.message.find("already used") != std::string::npos;
}

}  // namespace

std::string owner_filter(const std::string& owner) {
    return filters_json({{"label", {std::string(labels::owner) + "=" + owner}}});
}

asio::awaitable<result<std::vector<actual_object>>> list_owned_networks(engine_client& client, ownership who) {
    const std::string target = "/networks" + query_string({{"filters", owner_filter(who.owner())}});
    auto r = co_await client.call(http_method::get, target);
    if (!r) co_return with_context(std::move(r).err(), "list networks");
    auto parsed = parse_network_list(r->body, naming::by_label);
    if (!parsed) co_return std::move(parsed).err();
    co_return only_owned(std::move(*parsed), who);
}

asio::awaitable<result<std::vector<actual_object>>> list_owned_volumes(engine_client& client, ownership who) {
    const std::string target = "/volumes" + query_string({{"filters", owner_filter(who.owner())}});
    auto r = co_await client.call(http_method::get, target);
    if (!r) co_return with_context(std::move(r).err(), "list volumes");
    auto parsed = parse_volume_list(r->body, naming::by_label);
    if (!parsed) co_return std::move(parsed).err();
    co_return only_owned(std::move(*parsed), who);
}

asio::awaitable<result<std::vector<actual_object>>> find_unowned_networks(engine_client& client,
                                                                          std::set<std::string> names,
                                                                          ownership who) {
    if (names.empty()) co_return std::vector<actual_object>{};
    const std::vector<std::string> list(names.begin(), names.end());
    const std::string target = "/networks" + query_string({{"filters", filters_json({{"name", list}})}});
    auto r = co_await client.call(http_method::get, target);
    if (!r) co_return with_context(std::move(r).err(), "look for networks by name");
    auto parsed = parse_network_list(r->body, naming::by_engine);
    if (!parsed) co_return std::move(parsed).err();
    co_return unowned_named(std::move(*parsed), names, who);
}

asio::awaitable<result<std::vector<actual_object>>> find_unowned_volumes(engine_client& client,
                                                                         std::set<std::string> names,
                                                                         ownership who) {
    if (names.empty()) co_return std::vector<actual_object>{};
    const std::vector<std::string> list(names.begin(), names.end());
    const std::string target = "/volumes" + query_string({{"filters", filters_json({{"name", list}})}});
    auto r = co_await client.call(http_method::get, target);
    if (!r) co_return with_context(std::move(r).err(), "look for volumes by name");
    auto parsed = parse_volume_list(r->body, naming::by_engine);
    if (!parsed) co_return std::move(parsed).err();
    co_return unowned_named(std::move(*parsed), names, who);
}

asio::awaitable<status> create_network(engine_client& client, std::string name, json body) {
    const std::string what = "network " + in_quotes(name);
    if (!valid_name(name)) co_return error{"invalid", what + ": a name must match [a-z0-9][a-z0-9_.-]{1,62}"};
    auto r = co_await client.call(http_method::post, "/networks/create", body.dump());
    if (!r) {
        if (name_in_use(r.err()))
            co_return error{"conflict", what + ": the name is already in use by another network (" + r.err().message + ")",
                            r.err().http_status};
        co_return with_context(std::move(r).err(), "create " + what);
    }
    co_return status{};
}

asio::awaitable<status> create_volume(engine_client& client, std::string name, json body, ownership who) {
    const std::string what = "volume " + in_quotes(name);
    if (!valid_name(name)) co_return error{"invalid", what + ": a name must match [a-z0-9][a-z0-9_.-]{1,62}"};
    auto r = co_await client.call(http_method::post, "/volumes/create", body.dump());
    if (!r) co_return with_context(std::move(r).err(), "create " + what);
    // Creating a volume whose name exists answers with the existing volume
    // instead of an error (dockerd and podman alike): its labels tell
    // whether it is ours.
    auto found = parse_volume_list(R"({"Volumes":[)" + r->body + "]}", naming::by_engine);
    if (!found || found->size() != 1 || !who.owns(found->front())) {
        const std::string owner = found && found->size() == 1 ? found->front().owner : std::string{};
        co_return error{"conflict", what + ": the name is already in use by a volume " +
                                        (owner.empty() ? std::string("not made by driftless")
                                         : owner == who.owner() ? "whose ownership labels do not verify"
                                                                : "owned by " + in_quotes(owner))};
    }
    co_return status{};
}

asio::awaitable<status> remove_network(engine_client& client, actual_object have) {
    if (!valid_object_id(have.id) && !valid_swarm_id(have.id))
        co_return error{"invalid", "remove network " + in_quotes(have.name) + ": bad id " + in_quotes(have.id)};
    auto r = co_await client.call(http_method::delete_, "/networks/" + have.id);
    if (!r && r.err().code != "not_found") co_return with_context(std::move(r).err(), "remove network " + in_quotes(have.name));
    co_return status{};
}

asio::awaitable<status> remove_volume(engine_client& client, actual_object have) {
    // A volume's id is its name.
    if (!valid_name(have.id))
        co_return error{"invalid", "remove volume " + in_quotes(have.name) + ": bad name " + in_quotes(have.id)};
    auto r = co_await client.call(http_method::delete_, "/volumes/" + have.id);
    if (!r && r.err().code != "not_found") co_return with_context(std::move(r).err(), "remove volume " + in_quotes(have.name));
    co_return status{};
}

}  // namespace driftless::drivers::docker
