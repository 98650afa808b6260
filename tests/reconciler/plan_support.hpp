// Building blocks for the tests of diff: desired entries, owned objects,
// snapshots, and finding an action by its key.
#pragma once

#include <string>
#include <vector>

#include "reconciler/plan.hpp"

namespace driftless::reconciler::testing {

using desired_state::kind;

// A service declared by `NAME.yaml`.
inline desired_state::desired_entry service_entry(const std::string& name, const std::string& hash,
                                                  std::vector<std::string> depends_on = {},
                                                  std::vector<std::string> networks = {}) {
    desired_state::spec s;
    s.name = name;
    desired_state::service svc;
    svc.image = "busybox:1";
    svc.depends_on = std::move(depends_on);
    svc.networks = std::move(networks);
    s.body = svc;
    return {s, hash, name + ".yaml"};
}

inline desired_state::desired_entry network_entry(const std::string& name, const std::string& hash) {
    desired_state::spec s;
    s.name = name;
    s.body = desired_state::network{};
    return {s, hash, name + ".yaml"};
}

// `e`, declared by the document `doc_id` instead.
inline desired_state::desired_entry declared_by(desired_state::desired_entry e, std::string doc_id) {
    e.doc_id = std::move(doc_id);
    return e;
}

inline drivers::actual_object owned(kind k, const std::string& name, const std::string& hash, bool running = true) {
    drivers::actual_object a;
    a.kind = k;
    a.name = name;
    a.id = "id-" + name;
    a.owner = "me";
    a.spec_hash = hash;
    a.running = running;
    a.state = running ? "running" : "exited";
    return a;
}

inline desired_state::snapshot snapshot_of(std::vector<desired_state::desired_entry> entries) {
    desired_state::snapshot s;
    for (auto& e : entries) s.resources[desired_state::key_of(e.spec)] = e;
    return s;
}

inline const action* find(const plan& p, const std::string& key) {
    for (const auto& a : p.actions)
        if (a.key.to_string() == key) return &a;
    return nullptr;
}

}  // namespace driftless::reconciler::testing
