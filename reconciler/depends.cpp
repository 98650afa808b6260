#include "reconciler/depends.hpp"

#include <optional>

#include "desired_state/compose_labels.hpp"
#include "desired_state/hash.hpp"

namespace driftless::reconciler::depends {

using desired_state::kind;
using desired_state::restart_policy;

namespace {

constexpr const char* healthy = "service_healthy";
constexpr const char* completed_successfully = "service_completed_successfully";

const desired_state::dependency& condition_of(const desired_state::service& svc, const std::string& dep) {
    static const desired_state::dependency started{};
    const auto it = svc.depends_on_conditions.find(dep);
    return it == svc.depends_on_conditions.end() ? started : it->second;
}

// Why a dependent cannot go ahead yet; `failing` when it is an error (a
// deadline passed, a spec that cannot work) rather than a wait.
struct hold {
    std::string message;
    bool failing = false;
};

// The owned Service containers by name (the first listed of a name, as diff uses).
std::map<std::string_view, const actual_object*> services_by_name(const std::vector<actual_object>& actual) {
    std::map<std::string_view, const actual_object*> out;
    for (const auto& a : actual)
        if (a.kind == kind::service) out.emplace(a.name, &a);
    return out;
}

struct checker {
    const desired_state::snapshot& desired;
    const std::map<std::string_view, const actual_object*>& have;
    const std::map<std::string, action_type>& planned;   // Service name -> its action before any wait
    const diff_options& options;

    const actual_object* container(const std::string& name) const {
        const auto it = have.find(name);
        return it == have.end() ? nullptr : it->second;
    }
    // The dependency is being created, updated, started or taken over in
    // this plan, or a health-gated update of it is under way (`rollout`
    // stands for its steps and for the wait on its candidate).
    bool pending(const std::string& name) const {
        const auto it = planned.find(name);
        return it != planned.end() &&
               (it->second == action_type::create || it->second == action_type::update || it->second == action_type::start ||
                it->second == action_type::adopt || it->second == action_type::rollout);
    }
    // The dependency's update was rolled back (or paused) and stands so.
    bool rolled_back(const std::string& name) const {
        const auto it = planned.find(name);
        return it != planned.end() && it->second == action_type::rolled_back;
    }

    // A spec error: holds even a dependent that needs no action.
    std::optional<hold> misconfigured(const std::string& dep, const desired_state::dependency& c) const {
        if (c.condition != completed_successfully) return std::nullopt;
        const auto it = desired.resources.find({kind::service, dep});
        if (it == desired.resources.end()) return std::nullopt;
        const auto* svc = it->second.spec.as_service();
        if (svc == nullptr || (svc->restart != restart_policy::always && svc->restart != restart_policy::unless_stopped))
            return std::nullopt;
        return hold{"depends_on " + dep + ": condition service_completed_successfully needs " + dep +
                        "'s restart to be \"no\" or \"on-failure\" (it is \"" + desired_state::to_string(svc->restart) +
                        "\": it would never stay completed); change " + dep + "'s restart",
                    true};
    }

    bool declares_healthcheck(const std::string& dep) const {
        const auto it = desired.resources.find({kind::service, dep});
        const auto* svc = it == desired.resources.end() ? nullptr : it->second.spec.as_service();
        return svc != nullptr && svc->health && !svc->health->disable && !svc->health->test.empty() &&
               svc->health->test.front() != "NONE";
    }

    std::optional<hold> check(const std::string& dep, const desired_state::dependency& c, bool explicit_entry) const {
        if (auto bad = misconfigured(dep, c)) return bad;
        // Swarm keeps no order between services: conditions do not apply there.
        if (const auto* d = container(dep); d != nullptr && d->self_healing) return std::nullopt;
        const resource_key key{kind::service, dep};
        if (desired.held.count(key)) return hold{"waiting for " + dep + " (defined twice, not applied)"};
        if (!desired.resources.count(key)) {
            // The plain list never held a dependent on an undeclared name.
            if (explicit_entry && c.required) return hold{"waiting for " + dep + " to be declared (a required dependency)"};
            return std::nullopt;
        }
        if (c.condition == healthy) return check_healthy(dep);
        if (c.condition == completed_successfully) return check_completed(dep);
        return std::nullopt;   // service_started: ordering only
    }

    std::optional<hold> check_healthy(const std::string& dep) const {
        const auto* d = container(dep);
        const std::string waiting = "waiting for " + dep + " to be healthy";
        if (d == nullptr || pending(dep)) return hold{waiting};
        if (d->health == "healthy") return std::nullopt;
        // No health in the list: the container has none, unless its spec
        // gives one (an engine whose list does not tell, as podman's: the
        // deadline then ends the wait).
        if (d->running && d->health.empty() && !declares_healthcheck(dep))
            return hold{dep + " has no healthcheck, so depends_on condition service_healthy cannot hold; give " + dep +
                            " a healthcheck or depend on it with service_started",
                        true};
        if (options.now > 0 && d->created > 0 && options.now - d->created >= options.dependency_timeout.count()) {
            // Not running: its state ("exited") says more than a health it cannot have.
            const std::string last = !d->health.empty()                ? d->health
                                     : d->running || d->state.empty() ? std::string("none")
                                                                      : d->state;
            return hold{dep + " did not turn healthy within " + format_duration(options.dependency_timeout) +
                            ": last health \"" + last + "\"",
                        true};
        }
        return hold{waiting};
    }

    // x-driftless.depends_on: every Service of `project` is up (running,
    // healthy where its engine reports health, or a one-shot that
    // completed), none is being made or under a rollout, and, for an
    // `update`, none stands rolled back.
    std::optional<hold> check_project(const std::string& project, const std::vector<std::string>* services,
                                      bool update) const {
        const std::string waiting = "waiting for project " + project;
        if (services == nullptr) return hold{waiting + " to be declared (x-driftless.depends_on)"};
        for (const auto& dep : *services) {
            if (desired.held.count({kind::service, dep})) return hold{waiting + ": " + dep + " is defined twice, not applied"};
            if (update && rolled_back(dep))
                return hold{"not updated: the update of " + dep + " (project " + project + ") was rolled back"};
            const auto* d = container(dep);
            if (d != nullptr && d->self_healing) continue;   // swarm keeps no order between services
            if (d == nullptr || pending(dep)) return hold{waiting + ": " + dep + " is being made"};
            if (completed(*d)) continue;
            if (!d->running) return hold{waiting + ": " + dep + " is not running"};
            if (!d->health.empty() && d->health != "healthy")
                return hold{waiting + ": " + dep + " is not healthy yet (" + d->health + ")"};
        }
        return std::nullopt;
    }

    std::optional<hold> check_completed(const std::string& dep) const {
        const auto* d = container(dep);
        const std::string waiting = "waiting for " + dep + " to complete successfully";
        if (d != nullptr && d->state == "exited" && d->exit_code > 0)
            return hold{waiting + " (it exited with code " + std::to_string(d->exit_code) + ")"};
        if (d == nullptr || pending(dep)) return hold{waiting};
        if (completed(*d)) return std::nullopt;
        return hold{waiting};
    }
};

void make_wait(action& a, hold h) {
    a.type = action_type::wait;
    a.after.clear();
    a.rollout.reset();
    a.in_rollout = false;
    a.failure = h.failing ? h.message : std::string();
    a.reason = std::move(h.message);
}

}  // namespace

std::set<std::string> one_shots(const desired_state::snapshot& desired) {
    std::set<std::string> out;
    for (const auto& [key, entry] : desired.resources) {
        const auto* svc = entry.spec.as_service();
        if (svc == nullptr) continue;
        for (const auto& [dep, c] : svc->depends_on_conditions)
            if (c.condition == completed_successfully) out.insert(dep);
    }
    return out;
}

bool completed(const actual_object& have) { return have.state == "exited" && have.exit_code == 0; }

std::string format_duration(std::chrono::seconds d) {
    const auto s = d.count();
    if (s > 0 && s % 3600 == 0) return std::to_string(s / 3600) + "h";
    if (s > 0 && s % 60 == 0) return std::to_string(s / 60) + "m";
    return std::to_string(s) + "s";
}

void apply(plan& p, std::map<resource_key, std::size_t>& index_of, const desired_state::snapshot& desired,
           const std::vector<actual_object>& actual, const diff_options& options) {
    const auto have = services_by_name(actual);
    auto action_of = [&](const std::string& name) -> action* {
        const auto it = index_of.find({kind::service, name});
        return it == index_of.end() ? nullptr : &p.actions[it->second];
    };

    // restart: true. A recreation in this plan restarts the dependents at
    // once; one made in an earlier pass (the dependent waited for it to turn
    // healthy) shows as a dependency container younger than the dependent's.
    // Until nothing is added: a recreated dependent may have dependents too.
    for (bool added = true; added;) {
        added = false;
        for (const auto& [key, entry] : desired.resources) {
            const auto* svc = entry.spec.as_service();
            if (svc == nullptr || desired.held.count(key) || index_of.count(key)) continue;
            const auto it = have.find(key.name);
            if (it == have.end() || it->second->spec_hash != entry.hash) continue;
            const actual_object& self = *it->second;
            if (self.self_healing) continue;   // swarm: an update with the same spec restarts nothing
            for (const auto& [dep, c] : svc->depends_on_conditions) {
                if (!c.restart) continue;
                std::string reason;
                // A health-gated update's first step is not yet a recreation:
                // the dependency's container younger than the dependent's
                // (below) says so once the new one has passed.
                if (const action* d = action_of(dep); d != nullptr && d->type == action_type::update && !d->in_rollout) {
                    reason = "restarted: " + dep + " is recreated (depends_on restart: true)";
                } else if (const auto dh = have.find(dep);
                           dh != have.end() && self.created > 0 && dh->second->created > self.created) {
                    reason = "restarted: " + dep + " was recreated after it (depends_on restart: true)";
                }
                if (reason.empty()) continue;
                action a;
                a.type = action_type::update;
                a.key = key;
                a.want = entry;
                a.have = self;
                a.reason = std::move(reason);
                index_of[key] = p.actions.size();
                p.actions.push_back(std::move(a));
                added = true;
                break;
            }
        }
    }

    std::map<std::string, action_type> planned;
    for (const auto& a : p.actions)
        if (a.key.kind == kind::service)
            planned.emplace(a.key.name, a.in_rollout && a.type == action_type::wait ? action_type::rollout : a.type);
    const checker check{desired, have, planned, options};
    // Compose projects by name, with their declared Services.
    std::map<std::string, std::vector<std::string>> projects;
    for (const auto& [key, entry] : desired.resources)
        if (entry.spec.as_service() != nullptr)
            if (const auto it = entry.spec.labels.find(desired_state::compose_labels::project); it != entry.spec.labels.end())
                projects[it->second].push_back(key.name);

    for (const auto& [key, entry] : desired.resources) {
        const auto* svc = entry.spec.as_service();
        if (svc == nullptr || desired.held.count(key)) continue;
        action* a = action_of(key.name);
        const bool acting = a != nullptr && (a->type == action_type::create || a->type == action_type::update ||
                                             a->type == action_type::start || a->type == action_type::adopt);
        std::optional<hold> first_wait, first_failure;
        // Dependency waves: an update waits while an update of what it
        // depends on stands rolled back, whatever the condition.
        if (a != nullptr && (a->type == action_type::update || a->type == action_type::adopt))
            for (const auto& dep : svc->depends_on)
                if (check.rolled_back(dep) && !first_wait)
                    first_wait = hold{"not updated: the update of " + dep + ", which it depends on, was rolled back"};
        if (acting)
            for (const auto& project : svc->after_projects) {
                const auto it = projects.find(project);
                auto h = check.check_project(project, it == projects.end() ? nullptr : &it->second,
                                             a->type == action_type::update || a->type == action_type::adopt);
                if (h && !first_wait) first_wait = std::move(h);
            }
        for (const auto& dep : svc->depends_on) {
            const auto& c = condition_of(*svc, dep);
            // A converged dependent is only held by a spec error.
            auto h = acting ? check.check(dep, c, svc->depends_on_conditions.count(dep) > 0) : check.misconfigured(dep, c);
            if (!h) continue;
            auto& slot = h->failing ? first_failure : first_wait;
            if (!slot) slot = std::move(h);
        }
        auto h = first_failure ? std::move(first_failure) : std::move(first_wait);
        if (!h) continue;
        if (a == nullptr) {
            action w;
            w.key = key;
            w.want = entry;
            if (const auto it = have.find(key.name); it != have.end()) w.have = *it->second;
            index_of[key] = p.actions.size();
            p.actions.push_back(std::move(w));
            a = &p.actions.back();
        } else if (!acting) {
            continue;   // a conflict or a drift report says more
        }
        make_wait(*a, std::move(*h));
    }
}

}  // namespace driftless::reconciler::depends
