#include "reconciler/teardown.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "desired_state/hash.hpp"
#include "desired_state/joined_services.hpp"

namespace driftless::reconciler {

using desired_state::kind;
using drivers::actual_object;
using nlohmann::json;

namespace {

// What a service uses that is itself removed: the services it depends on,
// its networks and its volumes. `known` is false when neither its label nor
// a declaration says.
struct uses {
    bool known = false;
    std::set<std::string> services, networks, volumes;
};

const json& member(const json& j, const char* key) {
    static const json null_json;
    if (!j.is_object()) return null_json;
    const auto it = j.find(key);
    return it != j.end() ? *it : null_json;
}

void for_each_string(const json& list, const auto& f) {
    if (!list.is_array()) return;
    for (const auto& v : list)
        if (v.is_string()) f(v.get<std::string>());
}

// A canonical spec (canonical_json, or the sparse form of the
// io.driftless.spec label: an absent field is empty).
void read_uses(const json& canonical, uses& u) {
    if (!canonical.is_object() || member(canonical, "kind") != "Service") return;
    const json& body = member(canonical, "spec");
    if (!body.is_object()) return;
    u.known = true;
    for_each_string(member(body, "depends_on"), [&](const std::string& s) { u.services.insert(s); });
    for_each_string(member(body, "links"),
                    [&](const std::string& s) { u.services.insert(desired_state::linked_service(s)); });
    for (const char* field : {"network_mode", "pid", "ipc"}) {
        const json& mode = member(body, field);
        if (!mode.is_string()) continue;
        auto joined = desired_state::joined_service(mode.get<std::string>());
        if (!joined.empty()) u.services.insert(std::move(joined));
    }
    for_each_string(member(body, "networks"), [&](const std::string& s) { u.networks.insert(s); });
    if (const json& endpoints = member(body, "endpoints"); endpoints.is_object())
        for (const auto& [name, endpoint] : endpoints.items()) u.networks.insert(name);
    if (const json& mounts = member(body, "mounts"); mounts.is_array())
        for (const auto& m : mounts)
            if (member(m, "type") == "volume" && member(m, "source").is_string())
                u.volumes.insert(member(m, "source").get<std::string>());
}

// The union of what the object was made from and what is declared now:
// either may be the one that still holds.
uses uses_of(const actual_object& have, const desired_state::desired_entry* declared) {
    uses u;
    if (!have.spec_json.empty()) read_uses(json::parse(have.spec_json, nullptr, false), u);
    if (declared != nullptr) read_uses(desired_state::canonical_json(declared->spec), u);
    return u;
}

bool order_of(const teardown_removal& x, const teardown_removal& y) {
    if (x.level != y.level) return x.level < y.level;
    if (x.have.kind != y.have.kind) return x.have.kind < y.have.kind;
    if (x.have.name != y.have.name) return x.have.name < y.have.name;
    return x.have.id < y.have.id;
}

}  // namespace

teardown_plan plan_teardown(const desired_state::snapshot& declared, const std::vector<actual_object>& owned,
                            const teardown_options& options) {
    teardown_plan out;
    // Selected objects, and for services what they use.
    std::vector<teardown_removal> chosen;
    std::vector<uses> used;   // parallel to chosen
    for (const auto& have : owned) {
        if (!options.owner.empty() && have.owner != options.owner) continue;
        const auto key = have.key();
        const desired_state::desired_entry* entry = nullptr;
        if (!options.all) {
            if (declared.held.count(key)) {
                out.kept.push_back({have, "kept: declared twice, or by a document in error"});
                continue;
            }
            const auto it = declared.resources.find(key);
            if (it == declared.resources.end() || declared.unsynced.count(key)) continue;
            entry = &it->second;
        } else if (const auto it = declared.resources.find(key); it != declared.resources.end()) {
            entry = &it->second;
        }
        if (have.kind == kind::volume && !options.volumes) {
            out.kept.push_back({have, "kept: a volume holds data; --volumes removes it"});
            continue;
        }
        chosen.push_back({have, 0, {}});
        used.push_back(have.kind == kind::service ? uses_of(have, entry) : uses{});
    }

    // Service levels: peel off, again and again, the services no remaining
    // service depends on.
    std::vector<std::size_t> remaining;
    for (std::size_t i = 0; i < chosen.size(); ++i)
        if (chosen[i].have.kind == kind::service) remaining.push_back(i);
    auto depends_on = [&](std::size_t dependent, std::size_t dependency) {
        return dependent != dependency && used[dependent].services.count(chosen[dependency].have.name) > 0;
    };
    std::size_t level = 0;
    while (!remaining.empty()) {
        std::vector<std::size_t> layer, rest;
        for (auto i : remaining) {
            const bool needed = std::any_of(remaining.begin(), remaining.end(), [&](std::size_t j) { return depends_on(j, i); });
            (needed ? rest : layer).push_back(i);
        }
        if (layer.empty()) {
            // A cycle: no order is right; they go together.
            std::string names;
            for (auto i : rest) names += (names.empty() ? "" : ", ") + chosen[i].have.key().to_string();
            out.notes.push_back("depends on each other in a cycle, removed together: " + names);
            layer = std::move(rest);
            rest.clear();
        }
        for (auto i : layer) chosen[i].level = level;
        remaining = std::move(rest);
        ++level;
    }
    const std::size_t service_levels = level;
    bool any_network = false;
    for (auto& c : chosen) {
        if (c.have.kind == kind::network) {
            c.level = service_levels;
            any_network = true;
        }
    }
    for (auto& c : chosen)
        if (c.have.kind == kind::volume) c.level = service_levels + (any_network ? 1 : 0);

    // What must be gone first, by position in `chosen`: dependents of a
    // service, users of a network or volume.
    std::vector<std::vector<std::size_t>> first(chosen.size());
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        const auto& have = chosen[i].have;
        for (std::size_t j = 0; j < chosen.size(); ++j) {
            if (chosen[j].have.kind != kind::service || chosen[j].level >= chosen[i].level) continue;
            const auto& u = used[j];
            const bool before = have.kind == kind::service ? depends_on(j, i)
                                : !u.known                 ? true
                                : have.kind == kind::network ? u.networks.count(have.name) > 0
                                                             : u.volumes.count(have.name) > 0;
            if (before) first[i].push_back(j);
        }
    }

    // Sorted for showing; `after` renumbered to the sorted positions.
    std::vector<std::size_t> order(chosen.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return order_of(chosen[x], chosen[y]); });
    std::vector<std::size_t> position(chosen.size());
    for (std::size_t p = 0; p < order.size(); ++p) position[order[p]] = p;
    for (auto i : order) {
        auto r = std::move(chosen[i]);
        for (auto j : first[i]) r.after.push_back(position[j]);
        std::sort(r.after.begin(), r.after.end());
        out.levels = std::max(out.levels, r.level + 1);
        out.removals.push_back(std::move(r));
    }
    std::sort(out.kept.begin(), out.kept.end(), [](const teardown_kept& x, const teardown_kept& y) {
        return x.have.key() != y.have.key() ? x.have.key() < y.have.key() : x.have.id < y.have.id;
    });
    return out;
}

std::optional<std::string> blocked_by(const teardown_plan& p, std::size_t i, const std::vector<bool>& removed) {
    for (auto j : p.removals[i].after)
        if (j >= removed.size() || !removed[j]) return p.removals[j].have.key().to_string();
    return std::nullopt;
}

namespace {

// A rollout's other containers show the name the engine gives them.
std::string shown(const actual_object& o) {
    if (o.role == drivers::rollout_role::none) return o.key().to_string();
    return o.key().to_string() + " (" + drivers::engine_name(o.name, o.role) + ")";
}

}  // namespace

std::string removal_line(const teardown_removal& r) { return "- " + shown(r.have); }

std::string kept_line(const teardown_kept& k) { return "= " + shown(k.have) + "  (" + k.reason + ")"; }

}  // namespace driftless::reconciler
