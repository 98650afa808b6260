#include "reconciler/rollout.hpp"

#include <algorithm>

namespace driftless::reconciler::rollout {

using drivers::rollout_request;
using drivers::rollout_role;
using drivers::rollout_step;

namespace {

std::string seconds_text(std::int64_t ms) {
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    return std::to_string(ms / 1000) + "." + std::to_string((ms % 1000) / 100) + "s";
}

std::string short_hash(const std::string& h) { return h.substr(0, 12); }

// Why the old container must stop before the new one starts, or "".
std::string held_by_old(const desired_state::service& svc, bool writes_too) {
    for (const auto& p : svc.ports)
        if (p.published != 0) return "it publishes host port " + std::to_string(p.published);
    for (const auto& [net, e] : svc.endpoints)
        if (!e.ipv4_address.empty() || !e.ipv6_address.empty()) return "it has a fixed address on " + net;
    if (svc.network_mode == "host") return "it uses the host's network";
    if (!writes_too) return {};
    if (!svc.devices.empty()) return "it uses a host device";
    for (const auto& m : svc.mounts)
        if (m.type != desired_state::mount_type::tmpfs && !m.read_only)
            return "it writes to " + std::string(m.type == desired_state::mount_type::bind ? "bind mount " : "volume ") +
                   m.source + " (two containers would write the same data)";
    return {};
}

// "; last log lines: a | b", or "".
std::string evidence(const actual_object& c) {
    return c.rollout.log_tail.empty() ? std::string() : "; last log lines: " + c.rollout.log_tail;
}

std::string exit_text(const actual_object& c) {
    std::string out = "exited with code " + std::to_string(c.exit_code);
    if (c.rollout.oom_killed) out += " (out of memory)";
    return out;
}

action report(const resource_key& key, const desired_entry& entry, const actual_object* have, std::string observed,
              std::string reason) {
    action a;
    a.type = action_type::rolled_back;
    a.key = key;
    a.want = entry;
    if (have) a.have = *have;
    a.observed = std::move(observed);
    a.reason = std::move(reason);
    return a;
}

action remove_one(const resource_key& key, const actual_object& have, std::string reason) {
    action a;
    a.type = action_type::remove;
    a.key = key;
    a.have = have;
    a.reason = drivers::engine_name(have.name, have.role) + ": " + std::move(reason);
    return a;
}

action step(const resource_key& key, const desired_entry& entry, rollout_request r, std::string reason,
            action_type type = action_type::rollout) {
    action a;
    a.type = type;
    a.key = key;
    a.want = entry;
    if (r.live) a.have = *r.live;
    else if (r.candidate) a.have = *r.candidate;
    else if (r.previous) a.have = *r.previous;
    else if (r.failed) a.have = *r.failed;
    a.rollout = std::move(r);
    a.reason = std::move(reason);
    return a;
}

// A `created` candidate: started without a want, so that a start the
// engine refuses is not turned into a recreate.
action start_candidate(const resource_key& key, const actual_object& c) {
    action a;
    a.type = action_type::start;
    a.key = key;
    a.have = c;
    a.reason = drivers::engine_name(c.name, c.role) + ": the candidate was made but not started";
    return a;
}

}  // namespace

strategy strategy_of(const desired_state::service& svc) {
    strategy s;
    const auto* p = svc.update_config ? &*svc.update_config : nullptr;
    if (p && p->monitor_ns > 0) s.monitor_ms = p->monitor_ns / 1'000'000;
    if (p && p->failure_action == "pause") s.on_failure = failure_action::pause;
    else if (p && p->failure_action == "continue") s.on_failure = failure_action::keep;
    const std::string asked = p ? p->order : std::string();
    if (asked == "stop-first") {
        s.why = "stop-first, as update_config.order asks";
    } else if (asked == "start-first") {
        const auto held = held_by_old(svc, false);
        s.order = held.empty() ? order::start_first : order::stop_first;
        s.why = held.empty() ? "start-first, as update_config.order asks" : "stop-first: start-first cannot work, " + held;
    } else {
        const auto held = held_by_old(svc, true);
        s.order = held.empty() ? order::start_first : order::stop_first;
        s.why = held.empty() ? "start-first: the old container holds nothing the new one needs" : "stop-first: " + held;
    }
    return s;
}

bool gated(const desired_state::service& svc, bool one_shot) noexcept { return svc.replicas == 1 && !one_shot; }

judgement judge(const actual_object& c, const strategy& s, std::int64_t now_ms) {
    const auto& d = c.rollout;
    judgement j;
    if (c.state == "created" && d.started_at_ms == 0 && d.error.empty()) {
        j.verdict = verdict::not_started;
        j.reason = "made, not started";
        return j;
    }
    auto fail = [&](std::string why) {
        j.verdict = verdict::failed;
        j.reason = std::move(why) + evidence(c);
        return j;
    };
    if (!d.error.empty() && !c.running) return fail("the engine could not start it: " + d.error);
    if (d.restart_count > 0)
        return fail("it restarted " + std::to_string(d.restart_count) + " time(s)" +
                    (c.running ? std::string() : ", " + exit_text(c)));
    if (!c.running) return fail("it " + (c.state == "exited" || c.state == "dead" ? exit_text(c) : "is " + c.state));
    const std::int64_t started = d.started_at_ms;
    if (d.has_healthcheck) {
        if (c.health == "healthy") {
            j.verdict = verdict::passed;
            j.reason = "healthy";
            return j;
        }
        if (c.health == "unhealthy")
            return fail("its healthcheck failed" + (d.health_output.empty() ? std::string() : ": " + d.health_output));
        const std::int64_t window = std::max(s.monitor_ms, d.health_window_ms);
        if (now_ms >= started + window)
            return fail("its healthcheck did not pass within " + seconds_text(window) + " (health: " +
                        (c.health.empty() ? std::string("none") : c.health) + ")");
        j.verdict = verdict::pending;
        j.reason = "waiting for it to be healthy (health: " + (c.health.empty() ? std::string("none") : c.health) + ")";
        // Health events wake the loop; podman's may not: look every 2 s too.
        j.recheck_at_ms = std::min(started + window, now_ms + 2000);
        return j;
    }
    if (now_ms >= started + s.monitor_ms) {
        j.verdict = verdict::passed;
        j.reason = "running for " + seconds_text(s.monitor_ms);
        return j;
    }
    j.verdict = verdict::pending;
    j.reason = "monitoring it for " + seconds_text(s.monitor_ms) + " (no healthcheck)";
    j.recheck_at_ms = started + s.monitor_ms;
    return j;
}

std::string failure_report(const actual_object& f) {
    const auto& d = f.rollout;
    if (!d.recorded_reason.empty()) return d.recorded_reason;
    std::string why;
    if (!d.error.empty()) why = "the engine could not start it: " + d.error;
    else if (d.restart_count > 0) why = "it restarted " + std::to_string(d.restart_count) + " time(s)";
    else if (d.health_status == "unhealthy")
        why = "its healthcheck failed" + (d.health_output.empty() ? std::string() : ": " + d.health_output);
    else if (d.has_healthcheck && d.health_status != "healthy") why = "its healthcheck did not pass";
    // 143 and 137: the roll back's own stop (SIGTERM, SIGKILL).
    else if (f.exit_code >= 0 && f.exit_code != 143 && f.exit_code != 137) why = "it " + exit_text(f);
    else why = "it failed its check";
    return why + evidence(f);
}

std::optional<action> plan_service(const resource_key& key, const desired_entry& entry, const containers& c, bool gate,
                                   std::int64_t now_ms, std::optional<std::int64_t>& recheck_at_ms) {
    const auto& want = entry.hash;
    const auto* svc = entry.spec.as_service();
    if (svc == nullptr) return std::nullopt;
    const strategy s = strategy_of(*svc);
    const std::string hash = short_hash(want);

    // What to do with a candidate that has a verdict; `previous`: stop-first.
    auto on_verdict = [&](const actual_object& cand, const actual_object* live, const actual_object* previous) -> action {
        const auto j = judge(cand, s, now_ms);
        const std::string cand_name = drivers::engine_name(cand.name, cand.role);
        if (j.verdict == verdict::not_started) return start_candidate(key, cand);
        if (j.verdict == verdict::pending) {
            action w;
            w.type = action_type::wait;
            w.key = key;
            w.want = entry;
            w.have = cand;
            w.observed = "rolling_out";
            w.reason = "rolling out " + hash + " (" + (previous ? "stop-first" : "start-first") + "): " + cand_name + " " + j.reason;
            if (j.recheck_at_ms > 0) recheck_at_ms = std::min(recheck_at_ms.value_or(j.recheck_at_ms), j.recheck_at_ms);
            return w;
        }
        rollout_request r;
        r.candidate = cand;
        if (live) r.live = *live;
        if (previous) r.previous = *previous;
        const auto kept = [&](std::string reason) {
            if (previous) {
                r.step = rollout_step::finish;
                return step(key, entry, std::move(r), std::move(reason));
            }
            r.step = rollout_step::promote;
            r.want = entry;   // the service's aliases, which the candidate takes
            return step(key, entry, std::move(r), std::move(reason));
        };
        if (j.verdict == verdict::passed)
            return kept(previous ? "the new container passed (" + j.reason + "): remove " + drivers::engine_name(key.name, rollout_role::previous)
                                 : cand_name + " passed (" + j.reason + "): it replaces the old container");
        switch (s.on_failure) {
        case failure_action::pause:
            return report(key, entry, &cand, "paused",
                          "the update to " + hash + " is paused: " + cand_name + " failed: " + j.reason +
                              "; nothing changes until a new spec or `driftless retry " + key.name + "`");
        case failure_action::keep:
            return kept(cand_name + " failed (" + j.reason + "), kept as update_config.failure_action is continue");
        case failure_action::rollback: break;
        }
        r.step = rollout_step::roll_back;
        r.want = entry;
        r.reason = j.reason;
        if (c.failed) r.failed = *c.failed;
        return step(key, entry, std::move(r), "roll back " + hash + ": " + j.reason);
    };

    if (c.previous) {
        const auto& p = *c.previous;
        if (c.next) return remove_one(key, *c.next, "a start-first candidate beside a stop-first update");
        if (c.live == nullptr) {
            rollout_request r;
            r.previous = p;
            if (p.spec_hash == want || (c.failed && c.failed->spec_hash == want)) {
                r.step = rollout_step::restore;
                return step(key, entry, std::move(r),
                            p.spec_hash == want ? "the old container holds the spec wanted: put it back"
                                                : "finish the roll back of " + hash + ": put the old container back");
            }
            r.step = rollout_step::create_candidate;
            r.want = entry;
            if (c.failed) r.failed = *c.failed;
            return step(key, entry, std::move(r), "rolling out " + hash + " (stop-first): make the new container");
        }
        if (c.live->spec_hash != want)
            return remove_one(key, *c.live, "a candidate of another spec; " +
                                                drivers::engine_name(key.name, rollout_role::previous) + " is kept");
        return on_verdict(*c.live, nullptr, &p);
    }
    if (c.next) {
        const auto& n = *c.next;
        if (n.spec_hash != want) return remove_one(key, n, "a candidate of another spec");
        if (c.live != nullptr && c.live->spec_hash == want) return remove_one(key, n, "the spec wanted already runs");
        if (c.live == nullptr) {
            rollout_request r;
            r.step = rollout_step::promote;
            r.want = entry;
            r.candidate = n;
            return step(key, entry, std::move(r), "finish the promotion of " + drivers::engine_name(key.name, rollout_role::next));
        }
        return on_verdict(n, c.live, nullptr);
    }
    const bool begins = c.live != nullptr && c.live->spec_hash != want && gate;
    if (c.failed) {
        const auto& f = *c.failed;
        // Of another spec: a begin replaces it, else it goes now.
        if (f.spec_hash != want && !begins) return remove_one(key, f, "another spec is wanted now");
        if (f.spec_hash == want && c.live != nullptr && c.live->spec_hash == want) return remove_one(key, f, "the spec wanted runs");
    }
    if (!begins) return std::nullopt;

    // NAME holds another spec.
    const auto& live = *c.live;
    if (c.failed && c.failed->spec_hash == want && (c.failed->running || c.failed->state == "restarting")) {
        // Podman restarts a container that exited on its own just before
        // the roll back's stop; a stop of the running one holds.
        rollout_request r;
        r.step = rollout_step::quiet;
        r.failed = *c.failed;
        return step(key, entry, std::move(r), drivers::engine_name(key.name, rollout_role::failed) +
                                                  " was started again by its restart policy: stop it");
    }
    if (c.failed && c.failed->spec_hash == want) {
        const std::string why = "the update to " + hash + " was rolled back: " + failure_report(*c.failed);
        if (!live.running) {
            // Started as it is: a start the engine refuses is not turned into
            // the update that failed.
            action a;
            a.type = action_type::start;
            a.key = key;
            a.have = live;
            a.reason = "not running (" + (live.state.empty() ? std::string("stopped") : live.state) + "); " + why;
            return a;
        }
        return report(key, entry, &live, "rolled_back",
                      why + "; the old container runs; a new spec or `driftless retry " + key.name + "` tries again");
    }
    rollout_request r;
    r.want = entry;
    r.live = live;
    if (c.failed) r.failed = *c.failed;   // of another spec: replaced
    r.step = s.order == order::start_first ? rollout_step::begin_start_first : rollout_step::begin_stop_first;
    return step(key, entry, std::move(r), "rolling out " + hash + ", " + s.why, action_type::update);
}

bool swarm_rolled_back(const actual_object& have) noexcept {
    return have.update_state == "rollback_started" || have.update_state == "rollback_paused" ||
           have.update_state == "rollback_completed";
}

std::optional<action> plan_swarm_service(const resource_key& key, const desired_entry& entry, const actual_object& have,
                                         const std::map<std::string, std::string>* rolled_back) {
    const std::string said = have.update_message.empty() ? have.update_state : have.update_state + ": " + have.update_message;
    const std::string again = "; a new spec or `driftless retry " + key.name + "` tries again";
    if (swarm_rolled_back(have)) {
        if (have.spec_hash == entry.hash) return std::nullopt;   // the spec rolled back to is the one wanted
        if (rolled_back) {
            const auto it = rolled_back->find(key.name);
            if (it != rolled_back->end() && it->second != entry.hash) return std::nullopt;   // a new spec
        }
        auto a = report(key, entry, &have, "rolled_back",
                        "swarm rolled the update to " + short_hash(entry.hash) + " back (" + said +
                            "); the previous spec runs" + (have.task_error.empty() ? "" : "; " + have.task_error) + again);
        return a;
    }
    if (have.update_state == "paused" && have.spec_hash == entry.hash)
        return report(key, entry, &have, "paused",
                      "swarm paused the update to " + short_hash(entry.hash) + " half way (" + said + ")" + again);
    return std::nullopt;
}

std::vector<actual_object> retry_removals(const std::vector<actual_object>& owned, const std::string& name) {
    containers c;
    for (const auto& o : owned) {
        if (o.kind != desired_state::kind::service || o.name != name) continue;
        switch (o.role) {
        case rollout_role::none: c.live = &o; break;
        case rollout_role::previous: c.previous = &o; break;
        case rollout_role::next: c.next = &o; break;
        case rollout_role::failed: c.failed = &o; break;
        }
    }
    std::vector<actual_object> out;
    if (c.failed) out.push_back(*c.failed);
    // A candidate beside the old one: made afresh (restarts and health start over).
    if (c.previous && c.live && c.live->spec_hash != c.previous->spec_hash) out.push_back(*c.live);
    if (c.next) out.push_back(*c.next);
    return out;
}

}  // namespace driftless::reconciler::rollout
