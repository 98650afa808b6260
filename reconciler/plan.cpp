#include "reconciler/plan.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "desired_state/hash.hpp"
#include "desired_state/joined_services.hpp"
#include "reconciler/adoption.hpp"
#include "reconciler/depends.hpp"
#include "reconciler/rollout.hpp"

namespace driftless::reconciler {

using desired_state::kind;

const char* to_string(action_type t) noexcept {
    switch (t) {
    case action_type::create: return "create";
    case action_type::update: return "update";
    case action_type::start: return "start";
    case action_type::remove: return "remove";
    case action_type::conflict: return "conflict";
    case action_type::drifted: return "drifted";
    case action_type::wait: return "wait";
    case action_type::adopt: return "adopt";
    case action_type::use: return "use";
    case action_type::rollout: return "rollout";
    case action_type::rolled_back: return "rolled_back";
    }
    return "?";
}

char symbol(action_type t) noexcept {
    switch (t) {
    case action_type::create: return '+';
    case action_type::remove: return '-';
    case action_type::conflict: return '!';
    case action_type::use: return '=';
    default: return '~';
    }
}

const char* to_string(guard g) noexcept {
    switch (g) {
    case guard::none: return "none";
    case guard::not_synced: return "not_synced";
    case guard::empty: return "empty";
    case guard::mass: return "mass";
    case guard::unparsed_documents: return "unparsed_documents";
    }
    return "?";
}

std::size_t plan::count(action_type t) const noexcept {
    return static_cast<std::size_t>(std::count_if(actions.begin(), actions.end(), [t](const action& a) { return a.type == t; }));
}

namespace {

// Top-level fields of two canonical specs that differ, as "env", "ports"...
// When the old form is unknown (an object made by an older build), say so.
std::string changed_fields(const desired_entry& want, const actual_object& have) {
    if (have.spec_json.empty()) return "spec hash changed";
    nlohmann::json old_json = nlohmann::json::parse(have.spec_json, nullptr, false);
    if (old_json.is_discarded() || !old_json.is_object()) return "spec hash changed";
    // Both sparse: the label may hold either form, and a field absent from
    // one side then means its default on both.
    old_json = desired_state::without_defaults(std::move(old_json));
    nlohmann::json new_json = desired_state::without_defaults(desired_state::redacted(desired_state::canonical_json(want.spec)));
    std::set<std::string> keys;
    std::vector<std::string> changed;
    for (auto& [k, v] : new_json.items()) keys.insert(k);
    for (auto& [k, v] : old_json.items()) keys.insert(k);
    for (const auto& k : keys) {
        const bool in_new = new_json.contains(k), in_old = old_json.contains(k);
        if (!in_new || !in_old || new_json[k] != old_json[k]) {
            // Descend one level into the body so "service.env" is named, not "service".
            if (in_new && in_old && new_json[k].is_object() && old_json[k].is_object()) {
                std::set<std::string> inner;
                for (auto& [ik, iv] : new_json[k].items()) inner.insert(ik);
                for (auto& [ik, iv] : old_json[k].items()) inner.insert(ik);
                for (const auto& ik : inner) {
                    if (!new_json[k].contains(ik) || !old_json[k].contains(ik) || new_json[k][ik] != old_json[k][ik])
                        changed.push_back(ik);
                }
            } else {
                changed.push_back(k);
            }
        }
    }
    if (changed.empty()) return "spec hash changed";
    std::string out = "changed: ";
    for (std::size_t i = 0; i < changed.size(); ++i) out += (i ? ", " : "") + changed[i];
    return out;
}

}  // namespace

namespace {

// An actual object by its key, without copying the name: diff and
// names_to_check sort these and walk them beside the snapshot's sorted map,
// instead of building a map of 1,000 keys every pass.
struct keyed {
    desired_state::kind kind;
    std::string_view name;
    std::size_t index;   // in the actual list
    [[nodiscard]] bool before(const resource_key& k) const {
        return kind != k.kind ? kind < k.kind : name < std::string_view(k.name);
    }
    [[nodiscard]] bool is(const resource_key& k) const { return kind == k.kind && name == k.name; }
};

std::vector<keyed> sorted_keys(const std::vector<actual_object>& actual) {
    std::vector<keyed> out;
    out.reserve(actual.size());
    for (std::size_t i = 0; i < actual.size(); ++i) out.push_back({actual[i].kind, actual[i].name, i});
    // Stable: of two objects with one key, the first listed is the one used.
    std::stable_sort(out.begin(), out.end(), [](const keyed& x, const keyed& y) {
        return x.kind != y.kind ? x.kind < y.kind : x.name < y.name;
    });
    return out;
}

}  // namespace

namespace {

// The `pull: always` service `have` was made from, when it is the one wanted
// and `have` knows the digest it was pulled at; else nullptr.
const desired_state::service* pulled_always(const desired_entry& entry, const actual_object& have) {
    const auto* svc = entry.spec.as_service();
    if (svc == nullptr || svc->pull != desired_state::pull_policy::always) return nullptr;
    if (have.image_digest.empty() || have.spec_hash != entry.hash) return nullptr;
    return svc;
}

// The digest a `pull: always` image's tag has moved to since `have` was
// made from it; nullptr when it has not, or when that is not known.
const std::string* moved_tag(const desired_entry& entry, const actual_object& have, const registry_digests* digests) {
    if (digests == nullptr) return nullptr;
    const auto* svc = pulled_always(entry, have);
    if (svc == nullptr) return nullptr;
    const auto it = digests->find(svc->image);
    return it != digests->end() && it->second != have.image_digest ? &it->second : nullptr;
}

// "2 create(s), 1 update(s) and 9 removal(s)", in action_type order.
std::string held_counts(const std::map<action_type, std::size_t>& counts) {
    std::vector<std::string> parts;
    for (const auto& [type, n] : counts)
        parts.push_back(std::to_string(n) + " " +
                        (type == action_type::remove ? "removal" : type == action_type::drifted ? "drift" : to_string(type)) +
                        "(s)");
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i)
        out += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + parts[i];
    return out;
}

}  // namespace

std::vector<std::string> images_to_check(const desired_state::snapshot& desired, const std::vector<actual_object>& actual) {
    std::set<std::string> images;
    for (const auto& a : actual) {
        if (a.kind != kind::service || a.image_digest.empty()) continue;
        const auto it = desired.resources.find(a.key());
        if (it == desired.resources.end()) continue;
        if (desired.unsynced.count(it->first)) continue;   // no update before its source is synced
        if (const auto* svc = pulled_always(it->second, a)) images.insert(svc->image);
    }
    return {images.begin(), images.end()};
}

namespace {

// A rollout's containers in a role (NAME--PREVIOUS, --NEXT, --FAILED), by
// key; the others are the live ones diff compares with the desired state.
struct rollout_split {
    std::map<resource_key, rollout::containers> roles;
    std::vector<const actual_object*> role_objects;
    std::vector<actual_object> live_copy;   // filled only when some object has a role
    const std::vector<actual_object>* all = nullptr;
    bool any = false;
    [[nodiscard]] const std::vector<actual_object>& live() const { return any ? live_copy : *all; }
};

rollout_split split_roles(const std::vector<actual_object>& actual) {
    rollout_split out;
    out.all = &actual;
    const bool any = std::any_of(actual.begin(), actual.end(), [](const actual_object& a) { return a.role != drivers::rollout_role::none; });
    if (!any) return out;
    for (const auto& a : actual) {
        if (a.role == drivers::rollout_role::none) {
            out.live_copy.push_back(a);
            continue;
        }
        out.role_objects.push_back(&a);
        auto& c = out.roles[a.key()];
        const actual_object** slot = a.role == drivers::rollout_role::previous ? &c.previous
                                     : a.role == drivers::rollout_role::next   ? &c.next
                                                                               : &c.failed;
        if (*slot == nullptr) *slot = &a;
    }
    out.any = true;
    return out;
}

}  // namespace

std::vector<resource_key> names_to_check(const desired_state::snapshot& desired, const std::vector<actual_object>& all) {
    // The names a rollout's containers hold are their own, never a wanted one.
    const auto split = split_roles(all);
    const auto& actual = split.live();
    const auto have = sorted_keys(actual);
    auto h = have.begin();
    std::vector<resource_key> out;
    for (const auto& [key, entry] : desired.resources) {
        while (h != have.end() && h->before(key)) ++h;
        if ((h == have.end() || !h->is(key)) && !desired.held.count(key) && !desired.unsynced.count(key))
            out.push_back(key);
    }
    return out;
}

plan diff(const desired_state::snapshot& desired, const std::vector<actual_object>& all,
          const std::vector<actual_object>& unowned, const diff_options& options) {
    plan out;
    // Containers in a rollout role are planned by reconciler/rollout.hpp;
    // the rest of diff sees the live ones.
    const auto split = split_roles(all);
    const auto& actual = split.live();
    const std::int64_t now_ms = options.now_ms != 0 ? options.now_ms : options.now * 1000;
    // The snapshot's map and the sorted actual keys, walked side by side.
    const auto have = sorted_keys(actual);
    std::vector<bool> wanted(actual.size(), false);   // its key is desired or held
    auto h = have.begin();
    std::map<resource_key, const actual_object*> taken;
    for (const auto& u : unowned) taken.emplace(u.key(), &u);
    const adoption::pairing compose_made(desired, actual, unowned);

    // Wanted objects: create, update, start, conflict, drifted, adopt (and use).
    std::map<resource_key, std::size_t> index_of;     // key -> its action
    std::map<action_type, std::size_t> waiting;       // held by the sync gate, by type
    const auto one_shots = depends::one_shots(desired);
    for (const auto& [key, entry] : desired.resources) {
        while (h != have.end() && h->before(key)) ++h;
        const actual_object* found = nullptr;
        if (h != have.end() && h->is(key)) {
            found = &actual[h->index];
            for (auto same = h; same != have.end() && same->is(key); ++same) wanted[same->index] = true;
        }
        if (desired.held.count(key)) continue;
        action a;
        a.key = key;
        const auto roles = split.roles.find(key);
        const bool has_roles = roles != split.roles.end();
        auto planned_rollout = [&]() -> std::optional<action> {
            if (!options.rollouts || key.kind != kind::service || entry.spec.as_service() == nullptr) return std::nullopt;
            rollout::containers c = has_roles ? roles->second : rollout::containers{};
            c.live = found;
            const bool gate = rollout::gated(*entry.spec.as_service(), one_shots.count(key.name) > 0);
            auto r = rollout::plan_service(key, entry, c, gate, now_ms, out.recheck_at_ms);
            if (r) r->in_rollout = true;
            if (r && r->type == action_type::update && found != nullptr)
                r->reason = changed_fields(entry, *found) + "; " + r->reason;
            return r;
        };
        if (found == nullptr && has_roles && !taken.count(key)) {
            if (auto r = planned_rollout()) a = std::move(*r);
            else {
                a.type = action_type::create;
                a.want = entry;
            }
        } else if (auto r = found != nullptr ? planned_rollout() : std::nullopt) {
            a = std::move(*r);
        } else if (found == nullptr) {
            const auto t = taken.find(key);
            if (auto c = adoption::for_wanted(key, entry, t == taken.end() ? nullptr : t->second, compose_made, options.adopt)) {
                a = std::move(*c);
                if (a.type == action_type::use) {
                    // Nothing to do, not even while its source syncs: shown only.
                    if (!desired.unsynced.count(key)) out.used.push_back(std::move(a));
                    continue;
                }
            } else if (t != taken.end()) {
                a.type = action_type::conflict;
                a.have = *t->second;
                if (t->second->unverified)
                    a.reason = "labelled with this instance's owner, but its ownership labels do not verify: not made by it";
                else if (t->second->owner.empty())
                    a.reason = "an unmanaged " + std::string(desired_state::to_string(key.kind)) + " holds the name";
                else
                    a.reason = "owned by another driftless instance (owner \"" + t->second->owner + "\")";
            } else {
                a.type = action_type::create;
                a.want = entry;
            }
        } else if (auto failed = key.kind == kind::service && !found->update_state.empty()
                                     ? rollout::plan_swarm_service(key, entry, *found, options.swarm_rolled_back)
                                     : std::nullopt) {
            a = std::move(*failed);
        } else if (found->spec_hash != entry.hash) {
            a.want = entry;
            a.have = *found;
            a.reason = changed_fields(entry, *found);
            // Networks and volumes are not recreated by themselves: a volume
            // holds data and a network holds endpoints of running containers.
            a.type = key.kind == kind::service ? action_type::update : action_type::drifted;
            if (a.type == action_type::drifted)
                a.reason += "; remove the " + std::string(key.kind == kind::volume ? "volume" : "network") +
                            " by hand to apply (driftless does not recreate it)";
        } else if (const std::string* now = moved_tag(entry, *found, options.digests)) {
            // The tag moved in its registry: recreated from a fresh pull.
            a.type = action_type::update;
            a.want = entry;
            a.have = *found;
            a.reason = "image " + entry.spec.as_service()->image + " is now " + *now + " in its registry (made from " +
                       found->image_digest + ")";
        } else if (found->state == "removing") {
            // On its way out (removed by hand): the engine's destroy event
            // brings the pass that makes it again.
            continue;
        } else if (!found->running && key.kind == kind::service && found->self_healing) {
            // Swarm restarts tasks itself: nothing to do while it converges;
            // when its tasks fail or cannot be placed, report its reason.
            if (found->task_error.empty()) continue;
            a.type = action_type::drifted;
            a.want = entry;
            a.have = *found;
            a.reason = "not converged (" + found->state + "): " + found->task_error;
        } else if (!found->running && key.kind == kind::service) {
            const auto* svc = entry.spec.as_service();
            if (svc && svc->replicas == 0) continue;
            a.type = action_type::start;
            a.want = entry;
            a.have = *found;
            a.reason = "not running (" + (found->state.empty() ? std::string("stopped") : found->state) + ")";
            if (one_shots.count(key.name)) {
                // A one-shot that ran to completion stays exited: running it
                // again every pass is not healing it. A failed one is run
                // again, with backoff, and reported failing meanwhile.
                if (depends::completed(*found)) continue;
                if (found->state == "exited" && found->exit_code > 0) {
                    a.failure = "exited with code " + std::to_string(found->exit_code) +
                                " (a depends_on service_completed_successfully dependency)";
                    a.reason = a.failure + "; run again";
                }
            }
        } else {
            continue;
        }
        // Declared by a source still catching up: a later record may change
        // or delete it (a record then its tombstone), so nothing is done to
        // it yet, not even a create (DESIGN.md §5).
        if (desired.unsynced.count(key)) {
            ++waiting[a.type];
            continue;
        }
        index_of[key] = out.actions.size();
        out.actions.push_back(std::move(a));
    }
    depends::apply(out, index_of, desired, actual, options);
    adoption::add_leftovers(out, compose_made, options.adopt);

    // Owned objects no longer wanted: remove, unless a guard holds them back.
    std::vector<action> removals;
    for (const auto* a : split.role_objects) {
        const auto key = a->key();
        if (desired.resources.count(key) || desired.held.count(key)) continue;
        action r;
        r.type = action_type::remove;
        r.key = key;
        r.have = *a;
        r.reason = "no longer declared (" + drivers::engine_name(a->name, a->role) + ")";
        removals.push_back(std::move(r));
    }
    for (std::size_t i = 0; i < actual.size(); ++i) {
        const auto& a = actual[i];
        if (wanted[i]) continue;
        const auto key = a.key();
        if (desired.held.count(key)) continue;
        action r;
        r.type = action_type::remove;
        r.key = key;
        r.have = a;
        r.reason = "no longer declared";
        removals.push_back(std::move(r));
    }
    if (!removals.empty()) {
        const std::size_t managed = all.size();
        const std::size_t max_prune = options.max_prune.value_or(std::max<std::size_t>(5, managed / 2));
        const std::size_t unparsed = desired.unparsed.size();
        if (!desired.synced) {
            waiting[action_type::remove] += removals.size();
            out.held_back = guard::not_synced;
        } else if (unparsed > 0) {
            out.held_back = guard::unparsed_documents;
            out.guard_message = "holding back " + std::to_string(removals.size()) + " removal(s): " +
                                std::to_string(unparsed) + " source(s) in error with no last good version (" +
                                *desired.unparsed.begin() + (unparsed > 1 ? ", ..." : "") + "); what they declare is unknown";
        } else if (desired.resources.empty() && desired.held.empty() && !options.allow_empty) {
            out.held_back = guard::empty;
            out.guard_message = "holding back " + std::to_string(removals.size()) +
                                " removal(s): the desired state is empty while " + std::to_string(managed) +
                                " object(s) are managed (an emptied folder or a missing mount?); pass --allow-empty to remove them";
        } else if (removals.size() > max_prune && !options.allow_mass_prune) {
            out.held_back = guard::mass;
            out.guard_message = "holding back " + std::to_string(removals.size()) + " removal(s): more than --max-prune " +
                                std::to_string(max_prune) + " of " + std::to_string(managed) +
                                " managed; pass --allow-mass-prune to remove them";
        }
        if (out.held_back != guard::none) {
            out.removals_held = removals.size();
            removals.clear();
        }
    }
    if (!waiting.empty()) {
        out.held_back = guard::not_synced;
        out.removals_held = 0;
        for (const auto& [type, n] : waiting) out.removals_held += n;
        out.guard_message = "holding back " + held_counts(waiting) + ": not every source has been read through yet";
    }

    // Ordering. Services wait for the networks and volumes they use and for
    // the services they depend on, when those are being made in this plan:
    // those of depends_on, and those they join or link to
    // (desired_state/joined_services.hpp).
    auto wait_for = [&](action& a, const resource_key& dep) {
        if (auto it = index_of.find(dep); it != index_of.end()) {
            const auto& d = out.actions[it->second];
            if (d.type == action_type::create || d.type == action_type::update || d.type == action_type::start ||
                d.type == action_type::wait || d.type == action_type::adopt)
                a.after.push_back(it->second);
        }
    };
    for (auto& a : out.actions) {
        if (a.key.kind != kind::service || !a.want || a.type == action_type::wait) continue;
        const auto* svc = a.want->spec.as_service();
        if (!svc) continue;
        for (const auto& n : svc->networks) wait_for(a, {kind::network, n});
        for (const auto& m : svc->mounts)
            if (m.type == desired_state::mount_type::volume) wait_for(a, {kind::volume, m.source});
        for (const auto& d : svc->depends_on) wait_for(a, {kind::service, d});
        for (const std::string* mode : {&svc->network_mode, &svc->pid, &svc->ipc})
            if (auto joined = desired_state::joined_service(*mode); !joined.empty())
                wait_for(a, {kind::service, std::move(joined)});
        for (const auto& l : svc->links) wait_for(a, {kind::service, desired_state::linked_service(l)});
    }

    // Removals: services first (reverse order), then networks and volumes once
    // every service removal, update and take-over (which free endpoints) is done.
    std::vector<std::size_t> service_removals_and_updates;
    for (std::size_t i = 0; i < out.actions.size(); ++i)
        if ((out.actions[i].type == action_type::update || out.actions[i].type == action_type::adopt ||
             out.actions[i].type == action_type::rollout) &&
            out.actions[i].key.kind == kind::service)
            service_removals_and_updates.push_back(i);
    std::stable_sort(removals.begin(), removals.end(), [](const action& x, const action& y) {
        return (x.key.kind == kind::service) > (y.key.kind == kind::service);
    });
    for (auto& r : removals) {
        if (r.key.kind == kind::service) {
            service_removals_and_updates.push_back(out.actions.size());
        } else {
            r.after = service_removals_and_updates;
        }
        out.actions.push_back(std::move(r));
    }
    return out;
}

}  // namespace driftless::reconciler
