// Health-gated updates on docker and podman: the steps (driver.hpp,
// rollout_step) and the inspects that let the plan judge a candidate.
//
// Every step leaves, between any two engine calls, a state the plan
// (reconciler/rollout.hpp) recognises from the containers' names and
// hashes, so driftless killed half way goes on from there when it starts
// again.
#include "drivers/docker_driver.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "drivers/docker_container_body.hpp"
#include "drivers/docker_container_settings.hpp"
#include "drivers/docker_rollout_inspect.hpp"
#include "drivers/engine_error.hpp"
#include "drivers/labels.hpp"
#include "drivers/names.hpp"
#include "drivers/url.hpp"

namespace driftless::drivers::docker {

namespace ds = desired_state;
using nlohmann::json;

namespace {

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

// How many of a failed container's last log lines a report carries.
constexpr std::size_t report_lines = 5;

}  // namespace

asio::awaitable<status> docker_driver::inspect_rollouts(std::vector<actual_object>& containers) {
    // A stopped NAME--FAILED does not change: read once, and kept.
    const auto settled_failed = [](const actual_object& c) {
        return c.role == rollout_role::failed && !c.running && c.state != "restarting";
    };
    // Names with a container in a role; `active`: a rollout under way (a
    // candidate to judge), whose live container is read too. A rolled-back
    // name that only keeps its NAME--FAILED costs no request per pass: the
    // plan reads its live container from the list.
    std::set<std::string> rolling, active;
    std::set<std::string> seen;
    for (const auto& c : containers) {
        if (c.kind != ds::kind::service || c.role == rollout_role::none) continue;
        rolling.insert(c.name);
        if (!settled_failed(c)) active.insert(c.name);
    }
    for (auto& c : containers) {
        if (c.kind != ds::kind::service || !rolling.count(c.name) || !valid_object_id(c.id)) continue;
        if (c.role == rollout_role::none && !active.count(c.name)) continue;
        seen.insert(c.id);
        const bool settled = settled_failed(c);
        if (settled) {
            if (auto it = failed_details_.find(c.id); it != failed_details_.end()) {
                c.rollout = it->second;
                continue;
            }
        }
        auto r = co_await client_.call(http_method::get, "/containers/" + c.id + "/json");
        if (!r) {
            if (r.err().code == "not_found") continue;   // gone meanwhile: the next pass sees it so
            co_return with_context(std::move(r).err(), "inspect container " + in_quotes(engine_name(c.name, c.role)));
        }
        if (!read_rollout_inspect(r->body, c)) co_return error{"engine", "inspect container " + in_quotes(c.name) + ": not a JSON object"};
        if (options_.flavour == engine_flavour::podman) co_await run_podman_healthcheck(c);
        if (looks_failed(c)) {
            const std::string target = "/containers/" + c.id + "/logs" +
                                       query_string({{"stdout", "1"}, {"stderr", "1"}, {"tail", std::to_string(report_lines)}});
            if (auto logs = co_await client_.call(http_method::get, target); logs) c.rollout.log_tail = log_tail(logs->body, report_lines);
        }
        if (settled) failed_details_[c.id] = c.rollout;
    }
    std::erase_if(failed_details_, [&](const auto& kv) { return !seen.count(kv.first); });
    std::erase_if(health_runs_, [&](const auto& kv) { return !seen.count(kv.first); });
    co_return status{};
}

asio::awaitable<void> docker_driver::run_podman_healthcheck(actual_object& c) {
    // Podman runs healthchecks from systemd timers; where there is no
    // systemd, nothing runs them and a container's health stays
    // "starting". So a watched candidate's check is run here, at most once
    // per its interval (its own health_status events wake the loop again).
    if (!c.running || !c.rollout.has_healthcheck || c.health == "healthy" || c.health == "unhealthy") co_return;
    const auto now = std::chrono::steady_clock::now();
    const auto every = std::chrono::milliseconds(std::max<std::int64_t>(c.rollout.health_interval_ms, 1000));
    if (auto it = health_runs_.find(c.id); it != health_runs_.end() && now - it->second < every) co_return;
    health_runs_[c.id] = now;
    auto r = co_await client_.call(http_method::get, "/libpod/containers/" + c.id + "/healthcheck");
    if (r) read_health_run(r->body, c);
}

asio::awaitable<status> docker_driver::rename_container(const actual_object& c, const std::string& to) {
    const std::string target = "/containers/" + c.id + "/rename" + query_string({{"name", to}});
    auto r = co_await client_.call(http_method::post, target);
    if (r) co_return status{};
    // Podman 4.3 answers a name in use with HTTP 500 where dockerd says 409.
    const std::string what = "rename container " + in_quotes(engine_name(c.name, c.role)) + " to " + in_quotes(to);
    if (r.err().code == "conflict" || r.err().message.find("already in use") != std::string::npos)
        co_return error{"conflict", what + ": the name is in use by another container; remove or rename it", r.err().http_status};
    co_return with_context(std::move(r).err(), what);
}

asio::awaitable<status> docker_driver::stop_container(const actual_object& c) {
    // Without `t` the engine waits the container's own StopTimeout. 304:
    // already stopped.
    auto r = co_await client_.call(http_method::post, "/containers/" + c.id + "/stop", {}, options_.timeout + options_.stop_wait);
    if (r) co_return status{};
    co_return with_context(std::move(r).err(), "stop container " + in_quotes(engine_name(c.name, c.role)));
}

asio::awaitable<status> docker_driver::start_container(const std::string& id, const std::string& name) {
    auto r = co_await client_.call(http_method::post, "/containers/" + id + "/start");
    if (r) co_return status{};
    co_return with_context(std::move(r).err(), "start container " + in_quotes(name));
}

namespace {

// The user networks of `s` on which its endpoint has aliases, with its
// endpoint settings there.
std::vector<std::pair<std::string, json>> aliased_networks(const ds::spec& s) {
    std::vector<std::pair<std::string, json>> out;
    for (const auto& network : s.as_service()->networks) {
        json ep = endpoint_settings(network, s);
        if (ep.contains("Aliases") && !ep["Aliases"].empty()) out.emplace_back(network, std::move(ep));
    }
    return out;
}

}  // namespace

asio::awaitable<status> docker_driver::give_aliases(const actual_object& candidate, const ds::spec& s) {
    // An endpoint's aliases are set when it connects: the candidate leaves
    // each network and joins it again with them (it serves nobody yet). Not
    // connected (a promote cut short after the disconnect) is not an error.
    const auto networks = aliased_networks(s);
    for (const auto& joined : networks) {
        const std::string path = "/networks/" + joined.first;
        // (Built apart from the co_await: GCC 12 cannot initialise a
        // braced list inside one.)
        const std::string leave = json{{"Container", candidate.id}}.dump();
        auto left = co_await client_.call(http_method::post, path + "/disconnect", leave);
        static_cast<void>(left);
        const std::string body = json{{"Container", candidate.id}, {"EndpointConfig", joined.second}}.dump();
        if (auto r = co_await client_.call(http_method::post, path + "/connect", body); !r)
            co_return with_context(std::move(r).err(), "give " + in_quotes(engine_name(candidate.name, candidate.role)) +
                                                            " the service's aliases on network " + in_quotes(joined.first));
    }
    co_return status{};
}

asio::awaitable<void> docker_driver::leave_networks(const actual_object& old, const ds::spec& s) {
    // Best effort: the removal that follows takes it off them anyway, only
    // later (DNS names a stopping container until it has exited).
    const auto networks = aliased_networks(s);
    for (const auto& joined : networks) {
        const std::string leave = json{{"Container", old.id}, {"Force", true}}.dump();
        auto left = co_await client_.call(http_method::post, "/networks/" + joined.first + "/disconnect", leave);
        static_cast<void>(left);
    }
}

asio::awaitable<bool> docker_driver::refused_to_start(const std::string& id) {
    // A start that failed is the spec's failure only when the engine says
    // so in the container (State.Error): a connection lost or an answer
    // garbled on the way is not, and must not mark the spec as failed.
    auto r = co_await client_.call(http_method::get, "/containers/" + id + "/json");
    if (!r) co_return false;
    actual_object c;
    if (!read_rollout_inspect(r->body, c)) co_return false;
    co_return !c.rollout.error.empty() && !c.running;
}

asio::awaitable<status> docker_driver::bring_back(const actual_object& previous) {
    if (auto st = co_await rename_container(previous, previous.name); !st) co_return st;
    co_return co_await start_container(previous.id, previous.name);
}

asio::awaitable<status> docker_driver::fail_start(const std::string& spec_name, const std::string& id, error why,
                                                  const std::optional<actual_object>& previous) {
    actual_object c;
    c.kind = ds::kind::service;
    c.name = spec_name;
    c.id = id;
    // The refused candidate is kept, stopped, under NAME--FAILED: its hash is
    // not tried again, and the engine keeps why it would not start.
    const std::string failed_name = engine_name(spec_name, rollout_role::failed);
    if (auto st = co_await rename_container(c, failed_name); !st) {
        co_await discard_container(id);
        why.message += "; the candidate could not be kept as " + in_quotes(failed_name) + " (" + st.err().message + ")";
    }
    if (previous)
        if (auto st = co_await bring_back(*previous); !st) why.message += "; and putting the old container back failed: " + st.err().message;
    why.message += "; rolled back";
    co_return why;
}

asio::awaitable<status> docker_driver::roll_back_podman(const rollout_request& r) {
    // Made first, so that whenever driftless stops, NAME--FAILED says the
    // spec failed (then the candidate goes, then the old one comes back).
    std::map<std::string, std::string> why{{labels::rollback_reason, r.reason.substr(0, 1000)}};
    auto marker = co_await make_container(*r.want, std::nullopt, rollout_role::failed, false, why);
    if (!marker) co_return std::move(marker).err();
    if (auto st = co_await remove_container(r.candidate->id, engine_name(r.candidate->name, r.candidate->role)); !st) co_return st;
    if (r.previous) co_return co_await bring_back(*r.previous);
    co_return status{};
}

asio::awaitable<status> docker_driver::rollout(const rollout_request& r) {
    for (const auto* o : {&r.live, &r.candidate, &r.previous, &r.failed}) {
        if (!*o) continue;
        if (auto ok = who_.refuse_unless_owned(**o, "update"); !ok) co_return ok;
        if ((*o)->kind != ds::kind::service || !valid_object_id((*o)->id))
            co_return error{"invalid", "rollout: " + in_quotes((*o)->name) + " is not a container with a valid id"};
    }
    const bool creates = r.step == rollout_step::begin_stop_first || r.step == rollout_step::begin_start_first ||
                         r.step == rollout_step::create_candidate;
    if (creates && !r.want) co_return error{"invalid", std::string("rollout: ") + to_string(r.step) + " needs the wanted spec"};
    // The image is made present before anything is stopped: a bad spec or
    // a missing image does not cost the running container.
    std::optional<std::string> pulled;
    if (creates) {
        if (auto ok = check_container_spec(r.want->spec); !ok) co_return ok;
        const auto& svc = *r.want->spec.as_service();
        auto img = co_await ensure_image(r.want->spec.name, svc);
        if (!img) co_return std::move(img).err();
        if (svc.pull == ds::pull_policy::always) pulled = std::move(*img);
    }
    if (r.failed && (creates || r.step == rollout_step::roll_back))
        if (auto st = co_await remove_container(r.failed->id, engine_name(r.failed->name, r.failed->role)); !st) co_return st;

    switch (r.step) {
    case rollout_step::begin_stop_first:
    case rollout_step::create_candidate: {
        std::optional<actual_object> previous = r.previous;
        if (r.step == rollout_step::begin_stop_first) {
            if (!r.live) co_return error{"invalid", "rollout: begin stop-first needs the live container"};
            if (auto st = co_await stop_container(*r.live); !st) co_return st;
            if (auto st = co_await rename_container(*r.live, engine_name(r.live->name, rollout_role::previous)); !st) co_return st;
            previous = r.live;
            previous->role = rollout_role::previous;
        }
        if (!previous) co_return error{"invalid", "rollout: create the candidate needs the previous container"};
        auto made = co_await make_container(*r.want, std::move(pulled), rollout_role::none, false);
        if (!made) {
            // Not made at all (an engine error, a name taken): the old one
            // goes back, and the update is retried with backoff.
            error e = std::move(made).err();
            if (auto st = co_await bring_back(*previous); !st) e.message += "; and putting the old container back failed: " + st.err().message;
            co_return e;
        }
        if (r.want->spec.as_service()->replicas == 0) co_return status{};
        if (auto st = co_await start_container(*made, r.want->spec.name); !st) {
            if (co_await refused_to_start(*made)) co_return co_await fail_start(r.want->spec.name, *made, st.err(), previous);
            co_return st;   // the answer was lost, not the start: the next pass judges the candidate
        }
        co_return status{};
    }
    case rollout_step::begin_start_first: {
        auto made = co_await make_container(*r.want, std::move(pulled), rollout_role::next, false);
        if (!made) co_return std::move(made).err();
        if (auto st = co_await start_container(*made, engine_name(r.want->spec.name, rollout_role::next)); !st) {
            if (co_await refused_to_start(*made)) co_return co_await fail_start(r.want->spec.name, *made, st.err(), std::nullopt);
            co_return st;
        }
        co_return status{};
    }
    case rollout_step::promote: {
        if (!r.candidate) co_return error{"invalid", "rollout: promote needs the candidate"};
        // The candidate takes the service's aliases beside the old one; the
        // old one leaves those networks (so DNS stops naming it) and goes
        // only then, after the candidate passed.
        if (r.want)
            if (auto st = co_await give_aliases(*r.candidate, r.want->spec); !st) co_return st;
        if (r.live) {
            if (r.want) co_await leave_networks(*r.live, r.want->spec);
            if (auto st = co_await remove_container(r.live->id, r.live->name); !st) co_return st;
        }
        co_return co_await rename_container(*r.candidate, r.candidate->name);
    }
    case rollout_step::finish: {
        if (!r.previous) co_return error{"invalid", "rollout: finish needs the previous container"};
        co_return co_await remove_container(r.previous->id, engine_name(r.previous->name, rollout_role::previous));
    }
    case rollout_step::roll_back: {
        if (!r.candidate) co_return error{"invalid", "rollout: roll back needs the candidate"};
        if (options_.flavour == engine_flavour::podman && r.want) co_return co_await roll_back_podman(r);
        if (auto st = co_await stop_container(*r.candidate); !st) co_return st;
        if (auto st = co_await rename_container(*r.candidate, engine_name(r.candidate->name, rollout_role::failed)); !st) co_return st;
        if (r.previous) co_return co_await bring_back(*r.previous);
        co_return status{};
    }
    case rollout_step::quiet: {
        if (!r.failed) co_return error{"invalid", "rollout: quiet needs the failed candidate"};
        co_return co_await stop_container(*r.failed);
    }
    case rollout_step::restore: {
        if (!r.previous) co_return error{"invalid", "rollout: restore needs the previous container"};
        co_return co_await bring_back(*r.previous);
    }
    case rollout_step::clear_failed_update: break;   // swarm's
    }
    co_return error{"invalid", "rollout: unknown step"};
}

}  // namespace driftless::drivers::docker
