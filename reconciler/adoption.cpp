#include "reconciler/adoption.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "desired_state/compose_labels.hpp"
#include "drivers/compose_adoption.hpp"

namespace driftless::reconciler::adoption {

using desired_state::kind;
namespace labels = desired_state::compose_labels;

namespace {

using service_id = std::pair<std::string, std::string>;   // compose project, service

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

// `container "shop_web_1" was made by docker compose for project "shop"
// (service "web", replica 1)`.
std::string made_by(const actual_object& o) {
    std::string out = drivers::compose_object_name(o) + " was made by docker compose for project " + quoted(o.compose.project);
    if (o.kind == kind::service) {
        out += " (service " + quoted(o.compose.service);
        if (!o.compose.number.empty()) out += ", replica " + o.compose.number;
        out += ")";
    }
    return out;
}

}  // namespace

std::vector<std::string> projects_to_check(const desired_state::snapshot& desired, const std::vector<resource_key>& keys) {
    std::set<std::string> out;
    for (const auto& key : keys) {
        if (key.kind != kind::service) continue;
        const auto it = desired.resources.find(key);
        if (it == desired.resources.end()) continue;
        if (auto project = drivers::compose_label(it->second.spec, labels::project); !project.empty()) out.insert(std::move(project));
    }
    return {out.begin(), out.end()};
}

pairing::pairing(const desired_state::snapshot& desired, const std::vector<actual_object>& actual,
                 const std::vector<actual_object>& unowned) {
    std::set<std::string> owned;
    for (const auto& a : actual)
        if (a.kind == kind::service) owned.insert(a.name);
    // The declared services of compose projects: their Services with no
    // owned container, and whether any of their declarations is held back.
    struct group {
        std::vector<std::pair<resource_key, const desired_entry*>> open;
        bool frozen = false;
    };
    std::map<service_id, group> groups;
    for (const auto& [key, entry] : desired.resources) {
        if (key.kind != kind::service) continue;
        service_id id{drivers::compose_label(entry.spec, labels::project), drivers::compose_label(entry.spec, labels::service)};
        if (id.first.empty() || id.second.empty()) continue;
        auto& g = groups[id];
        if (desired.held.count(key) || desired.unsynced.count(key)) g.frozen = true;
        else if (!owned.count(key.name)) g.open.emplace_back(key, &entry);
    }
    // Compose's containers of those services, each once (found by name and
    // by label alike), in replica order.
    std::vector<const actual_object*> made;
    std::set<std::string> seen;
    for (const auto& u : unowned) {
        if (u.kind != kind::service || !drivers::made_by_compose(u) || u.compose.oneoff == "True") continue;
        if (!groups.count({u.compose.project, u.compose.service}) || !seen.insert(u.id).second) continue;
        made.push_back(&u);
    }
    std::stable_sort(made.begin(), made.end(), [](const actual_object* x, const actual_object* y) {
        return x->compose.number.size() != y->compose.number.size() ? x->compose.number.size() < y->compose.number.size()
                                                                     : x->compose.number < y->compose.number;
    });
    std::set<const actual_object*> taken;
    auto pair_where = [&](auto matches) {
        for (const auto* c : made) {
            if (taken.count(c)) continue;
            auto& g = groups[{c->compose.project, c->compose.service}];
            if (g.frozen) continue;
            for (const auto& [key, entry] : g.open) {
                if (paired_.count(key) || !matches(*c, key, *entry)) continue;
                paired_[key] = c;
                taken.insert(c);
                break;
            }
        }
    };
    // The Service whose name it holds first (compose v2), then its replica.
    pair_where([](const actual_object& c, const resource_key& key, const desired_entry&) { return c.name == key.name; });
    pair_where([](const actual_object& c, const resource_key&, const desired_entry& entry) {
        return c.compose.number == drivers::compose_label(entry.spec, labels::number);
    });
    for (const auto* c : made)
        if (!taken.count(c) && !groups[{c->compose.project, c->compose.service}].frozen) leftovers_.push_back(c);
}

const actual_object* pairing::container_for(const resource_key& key) const {
    const auto it = paired_.find(key);
    return it == paired_.end() ? nullptr : it->second;
}

std::optional<action> for_wanted(const resource_key& key, const desired_entry& entry, const actual_object* holder,
                                 const pairing& pairs, bool adopt) {
    const actual_object* made = nullptr;
    if (key.kind == kind::service) {
        made = pairs.container_for(key);
        // Something else holds the name: a conflict of its own, which
        // --adopt would not resolve.
        if (made == nullptr || (holder != nullptr && holder->id != made->id)) return std::nullopt;
    } else {
        if (holder == nullptr || !drivers::made_by_compose_for(*holder, entry.spec)) return std::nullopt;
        made = holder;
    }
    action a;
    a.key = key;
    a.have = *made;
    a.reason = made_by(*made);
    if (!adopt) {
        a.type = action_type::conflict;
        a.reason += key.kind == kind::service ? "; run with --adopt to take it over" : "; run with --adopt to use it as it is";
    } else if (key.kind == kind::service) {
        a.type = action_type::adopt;
        a.want = entry;
        a.reason += ": removed, and this made in its place";
    } else {
        a.type = action_type::use;
        a.reason += ": used as it is (--adopt); driftless never changes or removes it";
    }
    return a;
}

void add_leftovers(plan& p, const pairing& pairs, bool adopt) {
    if (!adopt) return;
    std::map<service_id, std::vector<std::size_t>> removals;
    for (const auto* c : pairs.leftovers()) {
        action a;
        a.type = action_type::adopt;
        a.key = c->key();
        a.have = *c;
        a.reason = made_by(*c) + ", which no declared replica takes: removed";
        removals[{c->compose.project, c->compose.service}].push_back(p.actions.size());
        p.actions.push_back(std::move(a));
    }
    for (auto& a : p.actions) {
        if (a.type != action_type::adopt || !a.want) continue;
        const auto it = removals.find({a.have->compose.project, a.have->compose.service});
        if (it != removals.end()) a.after.insert(a.after.end(), it->second.begin(), it->second.end());
    }
}

}  // namespace driftless::reconciler::adoption
