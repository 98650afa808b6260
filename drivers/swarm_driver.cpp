#include "drivers/swarm_driver.hpp"
#include "drivers/ownership.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "desired_state/hash.hpp"
#include "drivers/api_version.hpp"
#include "drivers/docker_network_body.hpp"
#include "drivers/docker_networks_volumes.hpp"
#include "drivers/docker_volume_body.hpp"
#include "drivers/engine_error.hpp"
#include "drivers/engine_events.hpp"
#include "drivers/docker_labels.hpp"
#include "drivers/labels.hpp"
#include "drivers/names.hpp"
#include "drivers/swarm_listing.hpp"
#include "drivers/url.hpp"

namespace driftless::drivers::swarm {

using nlohmann::json;
using docker::http_method;
namespace ds = desired_state;

namespace {

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }


// Swarm answers a stale version index with "update out of sequence" (an
// HTTP 500 from dockerd 20.10): someone changed the service since it was read.
bool out_of_sequence(const error& e) { return e.message.find("out of sequence") != std::string::npos; }

constexpr int update_attempts = 5;

}  // namespace

swarm_driver::swarm_driver(asio::any_io_executor ex, swarm_driver_options options)
    : options_(std::move(options)), who_(options_.owner, options_.key), client_(std::move(ex), options_.host, options_.timeout) {}

swarm_driver::~swarm_driver() = default;


asio::awaitable<status> swarm_driver::check_engine() {
    if (engine_checked_) co_return status{};
    auto v = co_await client_.api_version();
    if (!v) co_return std::move(v).err();
    // ContainerSpec.Ulimits and the services list's ServiceStatus came with
    // API 1.41; without them open_files would be dropped and convergence
    // could not be judged.
    if (compare_api_versions(*v, "1.41") < 0)
        co_return error{"engine", "the swarm driver needs Engine API 1.41 (dockerd 20.10) or newer; the engine at " +
                                      options_.host.to_string() + " speaks " + *v};
    engine_checked_ = true;
    co_return status{};
}

// ---- reading ---------------------------------------------------------------

asio::awaitable<result<actual_state>> swarm_driver::list() {
    if (auto ok = co_await check_engine(); !ok) co_return ok.err();
    actual_state out;
    const std::string filter = docker::owner_filter(options_.owner);
    const std::string services_target = "/services" + query_string({{"filters", filter}, {"status", "true"}});
    auto services = co_await client_.call(http_method::get, services_target);
    if (!services) {
        auto e = with_context(std::move(services).err(), "list services");
        // dockerd answers 503 "This node is not a swarm manager..." itself.
        if (e.http_status == 503) e.message += "; the swarm driver talks to a swarm manager (scripts/start-swarm.sh makes one)";
        co_return e;
    }
    auto parsed = parse_service_list(services->body, docker::naming::by_label);
    if (!parsed) co_return std::move(parsed).err();
    std::vector<actual_object> owned;
    for (auto& o : *parsed)
        if (who_.owns(o)) owned.push_back(std::move(o));
    owned_service_ids_->clear();
    for (const auto& o : owned) owned_service_ids_->insert(o.id);

    // Why a service does not converge is in its tasks: one call for the
    // tasks of every owned service (task filters match the service's
    // labels), and only when some service needs explaining.
    bool explain = false;
    for (const auto& o : owned) explain = explain || (!o.running && o.task_error.empty());
    if (explain) {
        const std::string tasks_target = "/tasks" + query_string({{"filters", filter}});
        auto tasks = co_await client_.call(http_method::get, tasks_target);
        if (!tasks) co_return with_context(std::move(tasks).err(), "list tasks");
        if (auto ok = apply_tasks(owned, tasks->body); !ok) co_return ok.err();
    }
    for (auto& o : owned) out.objects.push_back(std::move(o));

    auto n = co_await docker::list_owned_networks(client_, who_);
    if (!n) co_return std::move(n).err();
    auto v = co_await docker::list_owned_volumes(client_, who_);
    if (!v) co_return std::move(v).err();
    for (auto& o : *n) out.objects.push_back(std::move(o));
    for (auto& o : *v) out.objects.push_back(std::move(o));
    co_return out;
}

asio::awaitable<result<std::vector<actual_object>>> swarm_driver::find_unowned(std::vector<resource_key> keys) {
    std::map<ds::kind, std::set<std::string>> wanted;
    for (const auto& k : keys)
        // A name that fails validation cannot exist on the engine either.
        if (valid_name(k.name)) wanted[k.kind].insert(k.name);

    std::vector<actual_object> out;
    if (const auto it = wanted.find(ds::kind::service); it != wanted.end()) {
        // The services name filter matches prefixes: unowned_named keeps the
        // exact names.
        const std::vector<std::string> names(it->second.begin(), it->second.end());
        const std::string target = "/services" + query_string({{"filters", filters_json({{"name", names}})}});
        auto r = co_await client_.call(http_method::get, target);
        if (!r) co_return with_context(std::move(r).err(), "look for services by name");
        auto parsed = parse_service_list(r->body, docker::naming::by_engine);
        if (!parsed) co_return std::move(parsed).err();
        for (auto& o : docker::unowned_named(std::move(*parsed), it->second, who_)) out.push_back(std::move(o));
    }
    if (const auto it = wanted.find(ds::kind::network); it != wanted.end()) {
        auto found = co_await docker::find_unowned_networks(client_, it->second, who_);
        if (!found) co_return std::move(found).err();
        for (auto& o : *found) out.push_back(std::move(o));
    }
    if (const auto it = wanted.find(ds::kind::volume); it != wanted.end()) {
        auto found = co_await docker::find_unowned_volumes(client_, it->second, who_);
        if (!found) co_return std::move(found).err();
        for (auto& o : *found) out.push_back(std::move(o));
    }
    co_return out;
}

// ---- creating and updating -------------------------------------------------

asio::awaitable<result<volume_configs>> swarm_driver::volume_configs_for(const ds::service& svc) {
    volume_configs out;
    for (const auto& m : svc.mounts) {
        if (m.type != ds::mount_type::volume || out.count(m.source) || !valid_name(m.source)) continue;
        // The volume on the manager was made from its Volume spec (the plan
        // creates it first); a volume nobody declared is made plainly.
        auto r = co_await client_.call(http_method::get, "/volumes/" + m.source);
        if (!r) {
            if (r.err().code == "not_found") continue;
            co_return with_context(std::move(r).err(), "inspect volume " + in_quotes(m.source));
        }
        const auto j = json::parse(r->body, nullptr, false);
        if (!j.is_object()) co_return error{"engine", "inspect volume " + in_quotes(m.source) + ": not a JSON object"};
        volume_driver_config c;
        if (j.contains("Driver") && j["Driver"].is_string()) c.driver = j["Driver"].get<std::string>();
        if (j.contains("Options") && j["Options"].is_object())
            for (const auto& [k, v] : j["Options"].items())
                if (v.is_string()) c.options[k] = v.get<std::string>();
        out[m.source] = std::move(c);
    }
    co_return out;
}

asio::awaitable<status> swarm_driver::create(const desired_entry& want) {
    if (auto ok = co_await check_engine(); !ok) co_return ok;
    const ds::spec& s = want.spec;
    switch (s.kind()) {
    case ds::kind::service: co_return co_await create_service(want);
    case ds::kind::network: {
        json body = docker::network_create_body(s, want.hash, who_, docker::spec_label(s));
        // Services can only join swarm-scoped networks.
        if (s.as_network()->driver == "bridge") body["Driver"] = "overlay";
        body["Attachable"] = true;
        co_return co_await docker::create_network(client_, s.name, std::move(body));
    }
    case ds::kind::volume:
        co_return co_await docker::create_volume(client_, s.name,
                                                 docker::volume_create_body(s, want.hash, who_, docker::spec_label(s)),
                                                 who_);
    }
    co_return error{"invalid", "unknown kind"};
}

asio::awaitable<status> swarm_driver::create_service(const desired_entry& want) {
    const ds::spec& s = want.spec;
    if (auto ok = check_service_spec(s); !ok) co_return ok;
    const std::string what = "service " + in_quotes(s.name);
    auto volumes = co_await volume_configs_for(*s.as_service());
    if (!volumes) co_return with_context(std::move(volumes).err(), "create " + what);
    auto secrets = co_await ensure_secrets(*s.as_service());
    if (!secrets) co_return with_context(std::move(secrets).err(), "create " + what);
    auto auth = co_await pull_auth(s.as_service()->image);
    if (!auth) co_return with_context(std::move(auth).err(), "create " + what);
    const std::string body = service_spec_body(s, want.hash, who_, docker::spec_label(s), *volumes, *secrets).dump();
    const std::string target = "/services/create";
    std::string storage;
    auto made = co_await client_.call(http_method::post, target, body, std::nullopt, 0, std::move(storage), std::move(*auth));
    if (!made) {
        if (made.err().code == "conflict")
            co_return error{"conflict", what + ": the name is already in use by another service; remove or rename it (" +
                                            made.err().message + ")",
                            made.err().http_status};
        co_return with_context(std::move(made).err(), "create " + what);
    }
    co_return status{};
}

asio::awaitable<status> swarm_driver::update(const desired_entry& want, const actual_object& have) {
    if (auto ok = who_.refuse_unless_owned(have, "update"); !ok) co_return ok;
    if (have.kind != want.spec.kind() || have.name != want.spec.name)
        co_return error{"invalid", "update: " + want.spec.name + " does not match the object " + have.name};
    if (have.kind != ds::kind::service)
        co_return error{"invalid", "update " + std::string(ds::to_string(have.kind)) + " " + in_quotes(have.name) +
                                       ": only services are updated in place; remove it by hand to apply"};
    // The service already is as declared (the reconciler falls back to
    // update when start fails): an update would change nothing, so say why
    // it does not converge instead.
    if (want.hash == have.spec_hash) co_return co_await start(have);
    if (auto ok = co_await check_engine(); !ok) co_return ok;
    const ds::spec& s = want.spec;
    if (auto ok = check_service_spec(s); !ok) co_return ok;
    const std::string what = "service " + in_quotes(s.name);
    if (!valid_swarm_id(have.id)) co_return error{"invalid", "update " + what + ": bad id " + in_quotes(have.id)};

    auto volumes = co_await volume_configs_for(*s.as_service());
    if (!volumes) co_return with_context(std::move(volumes).err(), "update " + what);
    auto secrets = co_await ensure_secrets(*s.as_service());
    if (!secrets) co_return with_context(std::move(secrets).err(), "update " + what);
    // Without credentials, swarm keeps those the service was given before.
    auto auth = co_await pull_auth(s.as_service()->image);
    if (!auth) co_return with_context(std::move(auth).err(), "update " + what);
    const std::string body = service_spec_body(s, want.hash, who_, docker::spec_label(s), *volumes, *secrets).dump();
    std::uint64_t version = have.version;
    for (int attempt = 1;; ++attempt) {
        const std::string target = "/services/" + have.id + "/update" + query_string({{"version", std::to_string(version)}});
        std::string storage;
        docker::request_headers headers = *auth;
        auto r = co_await client_.call(http_method::post, target, body, std::nullopt, 0, std::move(storage),
                                       std::move(headers));
        if (r) {
            co_await drop_old_secrets(have.spec_json, s.as_service());
            co_return status{};
        }
        if (!out_of_sequence(r.err()) || attempt == update_attempts) {
            if (r.err().code == "not_found")
                co_return error{"not_found", "update " + what + ": the service is gone; the next pass creates it", 404};
            co_return with_context(std::move(r).err(), "update " + what);
        }
        // Changed since it was listed: read the current version and try again.
        auto current = co_await client_.call(http_method::get, "/services/" + have.id);
        if (!current) co_return with_context(std::move(current).err(), "update " + what + ": read its version again");
        const auto j = json::parse(current->body, nullptr, false);
        if (!j.is_object() || !j.contains("Version") || !j["Version"].is_object() || !j["Version"].contains("Index") ||
            !j["Version"]["Index"].is_number_unsigned())
            co_return error{"engine", "update " + what + ": the engine's answer has no Version.Index"};
        version = j["Version"]["Index"].get<std::uint64_t>();
    }
}

asio::awaitable<status> swarm_driver::rollout(const rollout_request& r) {
    if (r.step != rollout_step::clear_failed_update || !r.live)
        co_return error{"unsupported", std::string("swarm carries out its own updates (") + to_string(r.step) + ")"};
    const actual_object& have = *r.live;
    if (auto ok = who_.refuse_unless_owned(have, "update"); !ok) co_return ok;
    const std::string what = "service " + in_quotes(have.name);
    if (have.kind != ds::kind::service || !valid_swarm_id(have.id))
        co_return error{"invalid", "retry " + what + ": not a service with a valid id"};
    // The service's own spec, sent back unchanged: swarm starts a new update
    // that changes no task, and the failed one's status is gone.
    auto current = co_await client_.call(http_method::get, "/services/" + have.id);
    if (!current) co_return with_context(std::move(current).err(), "retry " + what);
    const auto j = json::parse(current->body, nullptr, false);
    if (!j.is_object() || !j.contains("Spec") || !j["Spec"].is_object() || !j.contains("Version") ||
        !j["Version"].is_object() || !j["Version"].contains("Index") || !j["Version"]["Index"].is_number_unsigned())
        co_return error{"engine", "retry " + what + ": the engine's answer has no Spec or Version.Index"};
    const std::string target = "/services/" + have.id + "/update" +
                               query_string({{"version", std::to_string(j["Version"]["Index"].get<std::uint64_t>())}});
    auto updated = co_await client_.call(http_method::post, target, j["Spec"].dump());
    if (!updated) co_return with_context(std::move(updated).err(), "retry " + what);
    co_return status{};
}

asio::awaitable<status> swarm_driver::start(const actual_object& have) {
    if (auto ok = who_.refuse_unless_owned(have, "start"); !ok) co_return ok;
    if (have.kind != ds::kind::service || have.task_error.empty()) co_return status{};
    // Swarm restarts and reschedules tasks itself; what is left is to say
    // why it cannot.
    co_return error{"engine", "service " + in_quotes(have.name) + " does not converge: " +
                                  tasks_state(have.tasks_running, have.tasks_desired) + "; " + have.task_error};
}

// ---- removing --------------------------------------------------------------

asio::awaitable<status> swarm_driver::wait_tasks_gone(const std::string& service_id, const std::string& name) {
    // Swarm stops a removed service's tasks in the background; the networks
    // it used can only be removed once their containers are gone.
    const std::string target = "/containers/json" +
                               query_string({{"all", "1"},
                                             {"filters", filters_json({{"label", {"com.docker.swarm.service.id=" + service_id}}})}});
    const auto deadline = std::chrono::steady_clock::now() + options_.timeout + options_.stop_wait;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        auto r = co_await client_.call(http_method::get, target);
        if (!r) co_return with_context(std::move(r).err(), "remove service " + in_quotes(name) + ": wait for its tasks");
        const auto j = json::parse(r->body, nullptr, false);
        if (j.is_array() && j.empty()) co_return status{};
        if (std::chrono::steady_clock::now() >= deadline)
            co_return error{"timeout", "remove service " + in_quotes(name) + ": its task containers are still there after " +
                                           std::to_string((options_.timeout + options_.stop_wait).count() / 1000) + " s"};
        timer.expires_after(options_.poll_interval);
        co_await timer.async_wait(asio::use_awaitable);
    }
}

asio::awaitable<status> swarm_driver::remove(const actual_object& have) {
    if (auto ok = who_.refuse_unless_owned(have, "remove"); !ok) co_return ok;
    switch (have.kind) {
    case ds::kind::service: {
        const std::string what = "service " + in_quotes(have.name);
        if (!valid_swarm_id(have.id)) co_return error{"invalid", "remove " + what + ": bad id " + in_quotes(have.id)};
        auto r = co_await client_.call(http_method::delete_, "/services/" + have.id);
        if (!r && r.err().code != "not_found") co_return with_context(std::move(r).err(), "remove " + what);
        auto gone = co_await wait_tasks_gone(have.id, have.name);
        co_await drop_old_secrets(have.spec_json, nullptr);
        co_return gone;
    }
    case ds::kind::network: co_return co_await docker::remove_network(client_, have);
    case ds::kind::volume: co_return co_await docker::remove_volume(client_, have);
    }
    co_return error{"invalid", "unknown kind"};
}

// ---- events ----------------------------------------------------------------

asio::awaitable<status> swarm_driver::watch_events(event_handler on_event) {
    auto cancel = std::make_shared<docker::stream_cancel>();
    events_cancel_ = cancel;
    // Service and node events carry only the object's name, so a label
    // filter would drop them all; the stream takes every event of these
    // types and the owner check happens here, where it can.
    const std::string target =
        "/events" + query_string({{"filters", filters_json({{"type", {"service", "node", "container"}}})}});
    docker::line_handler each = [&on_event, owned = owned_service_ids_](std::string_view line) -> status {
        if (const auto kind = swarm_event(line, *owned)) on_event(*kind);
        return {};
    };
    auto st = co_await client_.stream(http_method::get, target, {}, std::move(each), std::nullopt, cancel);
    if (events_cancel_ == cancel) events_cancel_.reset();
    co_return events_stream_ended(st, options_.host.to_string());
}

void swarm_driver::cancel_events() {
    if (events_cancel_) events_cancel_->cancel();
}

}  // namespace driftless::drivers::swarm
