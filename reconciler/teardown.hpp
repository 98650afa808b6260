// What `driftless down` removes, and in what order (DESIGN.md §6). Pure: no
// I/O, no clock; teardown_executor.hpp carries it out.
//
// Selection. Only objects listed as owned (the driver's list(): owner label
// and a MAC under the installation key) are candidates, and of those only
// the ones labelled with `owner`. Without `all`, a candidate is removed when
// the sources declare its key: a key that is held (defined twice, or by a
// document in error) or declared by a source not read through is not
// declared. A document in error declares nothing, so it can only narrow
// what is removed, never widen it. With `all`, every candidate is removed.
//
// Volumes hold data: they are kept (and listed as kept) unless `volumes`.
//
// Order, as `docker compose down` has it: dependents before what they
// depend on. Services come first, in levels by their dependencies
// (depends_on, links, and network_mode/pid/ipc "container:NAME"): a service
// no other removed service depends on is in level 0, a service only those
// depend on in level 1, and so on; then the networks, then the volumes.
// What a service uses is read from its io.driftless.spec label (what it was
// made from) and from its declaration, when it has one; a service with
// neither is taken to use every network and volume removed. Services that
// depend on each other in a cycle share one level (noted).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "desired_state/store.hpp"
#include "drivers/driver.hpp"

namespace driftless::reconciler {

struct teardown_options {
    bool all = false;       // --all: every owned object, declared or not
    bool volumes = false;   // --volumes: remove volumes too
    std::string owner;      // only objects with this owner label ("" = every object listed)
};

struct teardown_removal {
    drivers::actual_object have;
    std::size_t level = 0;               // removed only once every lower level is done
    // Removals (indexes into teardown_plan::removals, all of lower levels)
    // of what uses or depends on this object: each must have succeeded
    // before this one is tried, so a dependency is never removed from
    // under a dependent that is still there.
    std::vector<std::size_t> after;
};

struct teardown_kept {
    drivers::actual_object have;
    std::string reason;
};

struct teardown_plan {
    std::vector<teardown_removal> removals;   // by level, then kind, then name
    std::size_t levels = 0;                   // 1 + the highest level; 0 when nothing is removed
    std::vector<teardown_kept> kept;          // owned and selected, but left in place, with why
    std::vector<std::string> notes;           // for a person: cycles broken
};

// `declared`: what the sources declare (ignored with options.all);
// `owned`: the driver's list().
[[nodiscard]] teardown_plan plan_teardown(const desired_state::snapshot& declared,
                                          const std::vector<drivers::actual_object>& owned, const teardown_options& options);

// The first removal in `after` of removal `i` that was not carried out
// (`removed[j]` false), as "Service/web"; nullopt when `i` may go.
[[nodiscard]] std::optional<std::string> blocked_by(const teardown_plan& p, std::size_t i, const std::vector<bool>& removed);

// "- Service/web", as `plan` shows a removal.
[[nodiscard]] std::string removal_line(const teardown_removal& r);
// "= Volume/data  (kept: ...)".
[[nodiscard]] std::string kept_line(const teardown_kept& k);

}  // namespace driftless::reconciler
