#include "drivers/docker_driver.hpp"
#include "drivers/image_build.hpp"
#include "drivers/ownership.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <cctype>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "desired_state/compose_labels.hpp"
#include "desired_state/hash.hpp"
#include "drivers/compose_adoption.hpp"
#include "drivers/docker_container_body.hpp"
#include "drivers/docker_container_settings.hpp"
#include "drivers/docker_labels.hpp"
#include "drivers/docker_listing.hpp"
#include "drivers/docker_network_body.hpp"
#include "drivers/docker_networks_volumes.hpp"
#include "drivers/docker_volume_body.hpp"
#include "drivers/engine_credentials.hpp"
#include "drivers/engine_error.hpp"
#include "drivers/engine_events.hpp"
#include "drivers/file_archive.hpp"
#include "drivers/image_reference.hpp"
#include "drivers/labels.hpp"
#include "drivers/names.hpp"
#include "drivers/podman_container_body.hpp"
#include "drivers/url.hpp"

namespace driftless::drivers::docker {

using nlohmann::json;
namespace ds = desired_state;

namespace {

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }


// The Id field of a create answer, checked before it goes into a path.
result<std::string> created_id(const engine_response& r, const std::string& what) {
    const auto j = json::parse(r.body, nullptr, false);
    if (j.is_object() && j.contains("Id") && j["Id"].is_string()) {
        auto id = j["Id"].get<std::string>();
        if (valid_object_id(id)) return id;
    }
    return error{"engine", what + ": the engine's answer has no valid Id"};
}

// A create refused because the engine does not have the image: dockerd
// says "No such image: NAME", podman "NAME: image not known".
bool lacks_image(const error& e) {
    if (e.code != "not_found") return false;
    std::string m = e.message;
    for (auto& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return m.find("no such image") != std::string::npos || m.find("image not known") != std::string::npos;
}

}  // namespace

docker_driver::docker_driver(asio::any_io_executor ex, docker_driver_options options)
    : options_(std::move(options)), who_(options_.owner, options_.key), client_(std::move(ex), options_.host, options_.timeout) {}

docker_driver::~docker_driver() = default;

// ---- reading ---------------------------------------------------------------

asio::awaitable<result<actual_state>> docker_driver::list() {
    actual_state out;
    // Built in a statement of its own: GCC 12 cannot keep a braced
    // initializer list alive across a co_await.
    const std::string containers_target =
        "/containers/json" + query_string({{"all", "1"}, {"filters", owner_filter(options_.owner)}});
    // The list is read into the last list's memory, with room for an answer
    // a little larger and for the parser's padding after it, and parsed
    // there by a parser kept from pass to pass: nothing of it is regrown,
    // copied or paged in afresh (at 1,000 containers the page faults alone
    // cost more than the parse).
    const std::size_t expect = list_bytes_ == 0 ? 0 : list_bytes_ + list_bytes_ / 8 + 64;
    auto containers = co_await client_.call(http_method::get, containers_target, {}, std::nullopt, expect,
                                            std::move(list_storage_));
    if (!containers) co_return with_context(std::move(containers).err(), "list containers");
    list_bytes_ = containers->body.size();
    auto c = list_reader_.read(containers->body, naming::by_label, containers->body.capacity());
    list_storage_ = std::move(containers->body);
    if (!c) co_return std::move(c).err();
    // The engine's label filter only narrows the list: labels are anyone's
    // to write, so each object's MAC decides.
    for (auto& o : *c)
        if (who_.owns(o)) out.objects.push_back(std::move(o));
    if (auto st = co_await inspect_rollouts(out.objects); !st) co_return st.err();

    auto n = co_await list_owned_networks(client_, who_);
    if (!n) co_return std::move(n).err();
    auto v = co_await list_owned_volumes(client_, who_);
    if (!v) co_return std::move(v).err();
    for (auto& o : *n) out.objects.push_back(std::move(o));
    for (auto& o : *v) out.objects.push_back(std::move(o));
    co_return out;
}

asio::awaitable<result<std::vector<actual_object>>> docker_driver::find_unowned(std::vector<resource_key> keys) {
    std::map<ds::kind, std::set<std::string>> wanted;
    for (const auto& k : keys)
        // A name that fails validation cannot exist on the engine either.
        if (valid_name(k.name)) wanted[k.kind].insert(k.name);

    std::vector<actual_object> out;
    auto keep = [&](std::vector<actual_object> found, const std::set<std::string>& names) {
        for (auto& o : unowned_named(std::move(found), names, who_)) out.push_back(std::move(o));
    };

    if (const auto it = wanted.find(ds::kind::service); it != wanted.end()) {
        std::vector<std::string> patterns;
        for (const auto& n : it->second) patterns.push_back(exact_container_name_regex(n));
        const std::string target =
            "/containers/json" + query_string({{"all", "1"}, {"filters", filters_json({{"name", patterns}})}});
        auto r = co_await client_.call(http_method::get, target);
        if (!r) co_return with_context(std::move(r).err(), "look for containers by name");
        auto parsed = parse_container_list(r->body, naming::by_engine);
        if (!parsed) co_return std::move(parsed).err();
        keep(std::move(*parsed), it->second);
    }
    // A named array, not a braced list: GCC 12 does not keep the latter
    // alive across a co_await.
    static constexpr ds::kind other_kinds[] = {ds::kind::network, ds::kind::volume};
    for (const auto k : other_kinds) {
        const auto it = wanted.find(k);
        if (it == wanted.end()) continue;
        result<std::vector<actual_object>> found = std::vector<actual_object>{};
        if (k == ds::kind::network) found = co_await find_unowned_networks(client_, it->second, who_);
        else found = co_await find_unowned_volumes(client_, it->second, who_);
        if (!found) co_return std::move(found).err();
        for (auto& o : *found) out.push_back(std::move(o));
    }
    co_return out;
}

asio::awaitable<result<std::vector<actual_object>>> docker_driver::find_compose_containers(std::vector<std::string> projects) {
    if (projects.empty()) co_return std::vector<actual_object>{};
    const std::set<std::string> wanted(projects.begin(), projects.end());
    std::string label = ds::compose_labels::project;
    if (wanted.size() == 1) label += "=" + *wanted.begin();
    const std::string target =
        "/containers/json" + query_string({{"all", "1"}, {"filters", filters_json({{"label", {label}}})}});
    auto r = co_await client_.call(http_method::get, target);
    if (!r) co_return with_context(std::move(r).err(), "look for docker compose's containers");
    auto parsed = parse_container_list(r->body, naming::by_engine);
    if (!parsed) co_return std::move(parsed).err();
    co_return unowned_of_projects(std::move(*parsed), wanted, who_);
}

// ---- images ----------------------------------------------------------------

asio::awaitable<result<std::string>> docker_driver::pull(const std::string& image) {
    const std::string what = "pull " + in_quotes(image);
    auto auth = co_await registry_auth_for(image);
    if (!auth) co_return with_context(std::move(auth).err(), what);
    const auto ref = split_image_reference(image);
    const std::string tag = ref.digest.empty() ? ref.tag : ref.digest;
    std::string digest;
    // Pull failures after the answer's header arrive inside the stream.
    line_handler on_line = [&digest](std::string_view line) -> status {
        if (auto e = stream_error_message(line)) return error{"engine", std::move(*e)};
        if (auto d = stream_pulled_digest(line)) digest = std::move(*d);
        return {};
    };
    request_headers headers = auth_headers(*auth);
    const std::string target = "/images/create" + query_string({{"fromImage", ref.repository}, {"tag", tag}});
    std::string body;
    auto st = co_await client_.stream(http_method::post, target, std::move(body), std::move(on_line),
                                      options_.pull_timeout, nullptr, std::move(headers));
    if (!st) {
        // Not retried here: the action fails and backs off like any other,
        // for the user to log in.
        if (refused_by_registry(st.err().message)) co_return registry_refused(what, st.err(), *auth);
        co_return with_context(st.err(), what);
    }
    co_return digest;
}

asio::awaitable<result<std::string>> docker_driver::registry_digest(const std::string& image) {
    // Podman 4.3's compatible API has no /distribution (it answers 404).
    if (options_.flavour == engine_flavour::podman)
        co_return error{"unsupported", "podman cannot ask a registry about " + in_quotes(image) + " without pulling it"};
    // The image reference passed valid_image_reference: safe in a path. The
    // pass waits for this answer, so a registry that hangs may hold it up
    // 5 s per image once per resync, not the engine's 30 s.
    const std::string what = "ask the registry about " + in_quotes(image);
    auto auth = co_await registry_auth_for(image);
    if (!auth) co_return with_context(std::move(auth).err(), what);
    request_headers headers = auth_headers(*auth);
    const std::string target = "/distribution/" + image + "/json";
    std::string body, storage;
    auto r = co_await client_.call(http_method::get, target, std::move(body), std::chrono::milliseconds(5'000), 0,
                                   std::move(storage), std::move(headers));
    if (!r) {
        if (refused_by_registry(r.err().message)) co_return registry_refused(what, r.err(), *auth);
        co_return with_context(std::move(r).err(), what);
    }
    const auto j = json::parse(r->body, nullptr, false);
    const json* digest = nullptr;
    if (j.is_object() && j.contains("Descriptor") && j["Descriptor"].is_object()) {
        const auto it = j["Descriptor"].find("digest");
        if (it != j["Descriptor"].end() && it->is_string()) digest = &*it;
    }
    if (digest == nullptr) co_return error{"engine", what + ": the answer has no Descriptor.digest"};
    co_return digest->get<std::string>();
}

asio::awaitable<result<std::string>> docker_driver::ensure_image(const std::string& spec_name, const ds::service& svc) {
    if (svc.pull == ds::pull_policy::always) co_return co_await pull(svc.image);

    // The image reference passed valid_image_reference: safe in a path.
    auto r = co_await client_.call(http_method::get, "/images/" + svc.image + "/json");
    if (r) co_return std::string{};
    if (r.err().code != "not_found") co_return with_context(std::move(r).err(), "inspect image " + in_quotes(svc.image));
    if (svc.pull == ds::pull_policy::never)
        co_return error{"not_found", "service " + in_quotes(spec_name) + ": image " + in_quotes(svc.image) +
                                         " is not on the engine and its pull policy is \"never\"; load the image "
                                         "(docker load or docker pull) or set pull: missing",
                        404};
    co_return co_await pull(svc.image);
}

// ---- creating --------------------------------------------------------------

asio::awaitable<status> docker_driver::create(const desired_entry& want) {
    switch (want.spec.kind()) {
    case ds::kind::service: co_return co_await create_container(want);
    case ds::kind::network: co_return co_await create_network(want);
    case ds::kind::volume: co_return co_await create_volume(want);
    }
    co_return error{"invalid", "unknown kind"};
}

asio::awaitable<void> docker_driver::discard_container(const std::string& id) {
    // A half-made container must not stay behind; v=1 also drops the
    // anonymous volumes it got, which nothing else can be using yet.
    const std::string target = "/containers/" + id + query_string({{"force", "1"}, {"v", "1"}});
    auto r = co_await client_.call(http_method::delete_, target);
    (void)r;
}

asio::awaitable<status> docker_driver::create_container(const desired_entry& want, std::optional<std::string> pulled) {
    auto made = co_await make_container(want, std::move(pulled), rollout_role::none, true);
    if (!made) co_return std::move(made).err();
    co_return status{};
}

asio::awaitable<result<std::string>> docker_driver::make_container(const desired_entry& want, std::optional<std::string> pulled,
                                                                   rollout_role role, bool start,
                                                                   const std::map<std::string, std::string>& extra_labels) {
    const ds::spec& s = want.spec;
    if (auto ok = check_container_spec(s); !ok) co_return ok.err();
    const ds::service& svc = *s.as_service();
    const std::string what = "container " + in_quotes(engine_name(s.name, role));

    // The image is not asked about first: that would cost every create one
    // more request. A create that fails for want of the image pulls it (or
    // says why not) and is tried once more, as `docker run` does.
    if (svc.pull == ds::pull_policy::always && !pulled) {
        auto img = co_await pull(svc.image);
        if (!img) co_return std::move(img).err();
        pulled = std::move(*img);
    }

    json create_body = container_create_body(s, want.hash, who_, spec_label(s));
    // A start-first candidate answers to no alias of the service until it
    // has passed (promote gives them): until then the old one serves alone.
    const auto endpoint_for = [&](const std::string& network) {
        json ep = endpoint_settings(network, s);
        if (role == rollout_role::next) ep.erase("Aliases");
        return ep;
    };
    if (role == rollout_role::next && create_body.contains("NetworkingConfig"))
        for (auto& [network, ep] : create_body["NetworkingConfig"]["EndpointsConfig"].items()) ep.erase("Aliases");
    if (pulled && !pulled->empty()) create_body["Labels"][labels::image_digest] = *pulled;
    for (const auto& [k, v] : extra_labels) create_body["Labels"][k] = v;
    if (options_.flavour == engine_flavour::podman) podman::add_nproc_ulimit(create_body, podman::podman_nproc_limit());
    const std::string body = create_body.dump();
    const std::string container_name = engine_name(s.name, role);
    std::vector<std::pair<std::string, std::string>> query = {{"name", container_name}};
    if (!svc.platform.empty()) query.emplace_back("platform", svc.platform);
    const std::string target = "/containers/create" + query_string(query);
    auto made = co_await client_.call(http_method::post, target, body);
    if (!made && lacks_image(made.err())) {
        if (auto img = co_await ensure_image(s.name, svc); !img) co_return std::move(img).err();
        made = co_await client_.call(http_method::post, target, body);
    }
    if (!made) {
        // Podman 4.3 answers a name in use with HTTP 500 "... that name is
        // already in use" where dockerd answers 409.
        if (made.err().code == "conflict" || made.err().message.find("already in use") != std::string::npos)
            co_return error{"conflict",
                            what + ": the name is already in use by another container; remove or rename it (" +
                                made.err().message + ")",
                            made.err().http_status};
        co_return with_context(std::move(made).err(), "create " + what);
    }
    auto id = created_id(*made, "create " + what);
    if (!id) co_return std::move(id).err();

    for (std::size_t i = 1; i < svc.networks.size(); ++i) {
        const std::string connect = json{{"Container", *id}, {"EndpointConfig", endpoint_for(svc.networks[i])}}.dump();
        const std::string target = "/networks/" + svc.networks[i] + "/connect";
        auto r = co_await client_.call(http_method::post, target, connect);
        if (!r) {
            co_await discard_container(*id);
            co_return with_context(std::move(r).err(), what + ": connect to network " + in_quotes(svc.networks[i]));
        }
    }
    for (const auto& m : svc.secrets) {
        if (!m.file.empty()) continue;   // bind-mounted
        const auto id_of = [](const std::string& text) { return static_cast<std::uint32_t>(std::stoul(text)); };
        auto tar = file_archive(m.target, m.data, m.mode, id_of(m.uid), id_of(m.gid));
        status copied;
        if (!tar) copied = std::move(tar).err();
        else if (auto r = co_await client_.call(http_method::put, "/containers/" + *id + "/archive?path=%2F", *tar); !r)
            copied = std::move(r).err();
        if (!copied) {
            co_await discard_container(*id);
            co_return with_context(copied.err(), what + ": copy " + (m.config ? "config " : "secret ") +
                                                                in_quotes(m.name) + " to " + in_quotes(m.target));
        }
    }
    if (svc.replicas == 0 || !start) co_return *id;
    auto started = co_await client_.call(http_method::post, "/containers/" + *id + "/start");
    if (!started) {
        co_await discard_container(*id);
        co_return with_context(std::move(started).err(), "start " + what);
    }
    co_return *id;
}

asio::awaitable<status> docker_driver::create_network(const desired_entry& want) {
    const ds::spec& s = want.spec;
    co_return co_await docker::create_network(client_, s.name, network_create_body(s, want.hash, who_, spec_label(s)));
}

asio::awaitable<status> docker_driver::create_volume(const desired_entry& want) {
    const ds::spec& s = want.spec;
    co_return co_await docker::create_volume(client_, s.name, volume_create_body(s, want.hash, who_, spec_label(s)),
                                             who_);
}

// ---- changing and removing -------------------------------------------------

asio::awaitable<status> docker_driver::update(const desired_entry& want, const actual_object& have) {
    if (auto ok = who_.refuse_unless_owned(have, "update"); !ok) co_return ok;
    if (have.kind != want.spec.kind() || have.name != want.spec.name)
        co_return error{"invalid", "update: " + want.spec.name + " does not match the object " + have.name};
    if (want.spec.as_service() == nullptr) {
        if (auto gone = co_await remove(have); !gone) co_return gone;
        co_return co_await create(want);
    }
    co_return co_await replace_container(want, have);
}

asio::awaitable<status> docker_driver::replace_container(const desired_entry& want, const actual_object& have) {
    if (auto ok = check_container_spec(want.spec); !ok) co_return ok;
    if (!valid_object_id(have.id))
        co_return error{"invalid", "remove container " + in_quotes(have.name) + ": bad id " + in_quotes(have.id)};
    const auto& svc = *want.spec.as_service();
    auto img = co_await ensure_image(want.spec.name, svc);
    if (!img) co_return std::move(img).err();
    if (auto gone = co_await remove_container(have.id, have.name); !gone) co_return gone;
    // Pulled once, above: the new container is labelled with that digest.
    std::optional<std::string> pulled;
    if (svc.pull == ds::pull_policy::always) pulled = std::move(*img);
    co_return co_await create_container(want, std::move(pulled));
}

asio::awaitable<status> docker_driver::start(const actual_object& have) {
    if (auto ok = who_.refuse_unless_owned(have, "start"); !ok) co_return ok;
    if (have.kind != ds::kind::service) co_return status{};
    if (have.tasks_desired == 0) co_return status{};     // replicas: 0
    if (!valid_object_id(have.id)) co_return error{"invalid", "start container " + in_quotes(have.name) + ": bad id " + in_quotes(have.id)};
    // 304 (already running) counts as success.
    auto r = co_await client_.call(http_method::post, "/containers/" + have.id + "/start");
    if (!r) co_return with_context(std::move(r).err(), "start container " + in_quotes(have.name));
    co_return status{};
}

asio::awaitable<status> docker_driver::remove_container(const std::string& id, const std::string& name) {
    const std::string what = "container " + in_quotes(name);
    // Without `t` the engine waits the container's own StopTimeout, which
    // create set from stop_grace_period.
    auto stopped = co_await client_.call(http_method::post, "/containers/" + id + "/stop", {},
                                         options_.timeout + options_.stop_wait);
    if (!stopped) {
        if (stopped.err().code == "not_found") co_return status{};
        if (stopped.err().code == "unreachable") co_return with_context(std::move(stopped).err(), "stop " + what);
        // Any other failure to stop (a timeout included): the forced remove
        // below kills it.
    }
    const std::string remove_target = "/containers/" + id + query_string({{"force", "1"}, {"v", "0"}});
    auto removed = co_await client_.call(http_method::delete_, remove_target);
    if (!removed && removed.err().code != "not_found") co_return with_context(std::move(removed).err(), "remove " + what);
    co_return status{};
}

asio::awaitable<status> docker_driver::remove(const actual_object& have) {
    if (auto ok = who_.refuse_unless_owned(have, "remove"); !ok) co_return ok;
    switch (have.kind) {
    case ds::kind::service: {
        if (!valid_object_id(have.id))
            co_return error{"invalid", "remove container " + in_quotes(have.name) + ": bad id " + in_quotes(have.id)};
        co_return co_await remove_container(have.id, have.name);
    }
    case ds::kind::network: co_return co_await remove_network(client_, have);
    case ds::kind::volume: co_return co_await remove_volume(client_, have);
    }
    co_return error{"invalid", "unknown kind"};
}

asio::awaitable<status> docker_driver::adopt(const std::optional<desired_entry>& want, const actual_object& have) {
    if (auto ok = refuse_unless_compose_made(have, want ? &want->spec : nullptr); !ok) co_return ok;
    if (want) co_return co_await replace_container(*want, have);
    if (!valid_object_id(have.id))
        co_return error{"invalid", "remove container " + in_quotes(have.name) + ": bad id " + in_quotes(have.id)};
    co_return co_await remove_container(have.id, have.name);
}

// ---- events ----------------------------------------------------------------

asio::awaitable<status> docker_driver::watch_events(event_handler on_event) {
    auto cancel = std::make_shared<stream_cancel>();
    events_cancel_ = cancel;
    // Only the events that can leave an owned container away from its spec,
    // and its health changing (depends_on: service_healthy waits for it):
    // the creates and starts of driftless's own actions would each ask for a
    // pass that finds nothing to do. The engine matches "health_status"
    // against "health_status: healthy" and the like. Podman names its events differently
    // (it says "died"), so it gets every event of owned containers.
    std::map<std::string, std::vector<std::string>> filters{{"label", {std::string(labels::owner) + "=" + options_.owner}}};
    if (options_.flavour == engine_flavour::docker) filters["event"] = {"die", "destroy", "oom", "pause", "rename", "update", "health_status"};
    const std::string target = "/events" + query_string({{"filters", filters_json(filters)}});
    line_handler each = [&on_event](std::string_view line) -> status {
        on_event(container_event(line));
        return {};
    };
    auto st = co_await client_.stream(http_method::get, target, {}, std::move(each), std::nullopt, cancel);
    if (events_cancel_ == cancel) events_cancel_.reset();
    co_return events_stream_ended(st, options_.host.to_string());
}

void docker_driver::cancel_events() {
    if (events_cancel_) events_cancel_->cancel();
}

// ---- builds ----------------------------------------------------------------

asio::awaitable<result<std::optional<built_image>>> docker_driver::find_built(const std::string& tag,
                                                                              const std::string& build_hash) {
    co_return co_await builds_.find(tag, build_hash);
}

asio::awaitable<result<built_image>> docker_driver::build(const build_request& r, build_output output) {
    co_return co_await builds_.build(r, std::move(output));
}

void docker_driver::cancel_builds() { builds_.cancel(); }

}  // namespace driftless::drivers::docker
