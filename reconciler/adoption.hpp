// Taking over what docker compose made for a declared project (--adopt,
// DESIGN.md §3). Pure, like diff, which calls it.
//
// A container compose made (drivers/compose_adoption.hpp) is paired with a
// declared Service of its project and service that has no owned
// container: the one whose name it holds (compose v2 names containers as
// driftless does, PROJECT-SERVICE-N), else the one of its replica number
// (the container-number label; compose 1.29 names them PROJECT_SERVICE_N).
// With --adopt a paired container is removed and the Service's made in its
// place (action_type::adopt); compose's containers of a declared service
// that no replica takes are removed first, as part of taking it over.
// Compose's networks and volumes that hold a wanted name are used as they
// are (action_type::use): driftless does not own them, so it never changes
// or removes them, and their data stays. Without --adopt each paired
// container and each such network or volume is a conflict whose reason
// names --adopt; nothing else is reported.
//
// Nothing is done about a service one of whose declarations is held back
// (defined twice, denied, its source still syncing): its compose
// containers are neither paired nor removed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reconciler/plan.hpp"

namespace driftless::reconciler::adoption {

// The compose projects a pass looks for containers of: those of the
// Services among `keys` (names_to_check's) that come from a compose file.
// Sorted, each once.
[[nodiscard]] std::vector<std::string> projects_to_check(const desired_state::snapshot& desired,
                                                         const std::vector<resource_key>& keys);

// Compose's containers among `unowned`, paired with declared Services.
// Holds pointers into `desired` and `unowned`, which must outlive it.
class pairing {
public:
    pairing(const desired_state::snapshot& desired, const std::vector<actual_object>& actual,
            const std::vector<actual_object>& unowned);

    // The container the Service `key` takes over; nullptr when none.
    [[nodiscard]] const actual_object* container_for(const resource_key& key) const;
    // Compose's containers of declared services that no replica takes.
    [[nodiscard]] const std::vector<const actual_object*>& leftovers() const noexcept { return leftovers_; }

private:
    std::map<resource_key, const actual_object*> paired_;
    std::vector<const actual_object*> leftovers_;
};

// The action for the wanted `key`, which no owned object holds, when
// compose made what holds its name or what it takes over: adopt or use
// (with `adopt`), else a conflict naming --adopt. nullopt when compose has
// no part in it: then it is a create, or a conflict with `holder`.
[[nodiscard]] std::optional<action> for_wanted(const resource_key& key, const desired_entry& entry,
                                               const actual_object* holder, const pairing& pairs, bool adopt);

// With `adopt`, appends the removal of each leftover (an adopt action
// without `want`) and orders each take-over of a service after its
// leftovers: one that fails holds the service back, so the next pass,
// which finds it still without an owned container, tries both again.
void add_leftovers(plan& p, const pairing& pairs, bool adopt);

}  // namespace driftless::reconciler::adoption
