// diff(desired, actual) -> plan: the pure heart of the reconciler.
//
// No I/O, no clock, no randomness: the same inputs give the same plan, so
// every rule here is unit-tested without an engine (STYLE.md, "Logic apart
// from I/O"). The executor carries a plan out; the loop decides when.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "desired_state/store.hpp"
#include "drivers/driver.hpp"

namespace driftless::reconciler {

using desired_state::desired_entry;
using desired_state::resource_key;
using drivers::actual_object;

enum class action_type {
    create,     // + nothing owned holds the name
    update,     // ~ owned, hash differs (docker: recreate; swarm: in place)
    start,      // ~ owned, hash equal, not running
    remove,     // - owned, no longer desired
    conflict,   // ! an unowned object holds a wanted name: never touched
    drifted,    // ~ a change driftless will not make by itself (reported only)
    wait,       // ~ a create, update or start held until a depends_on condition holds (reported only)
    adopt,      // ~ --adopt: a container docker compose made is removed and ours made in its place
    use,        // = --adopt: a network or volume docker compose made is used as it is (plan::used only)
    rollout,    // ~ a later step of a health-gated update (reconciler/rollout.hpp): promote, finish, roll back...
    rolled_back,// ~ an update rolled back (or paused) whose spec is not tried again: reported only
};

[[nodiscard]] const char* to_string(action_type t) noexcept;
[[nodiscard]] char symbol(action_type t) noexcept;          // + ~ - ! =

struct action {
    action_type type = action_type::create;
    resource_key key;
    std::optional<desired_entry> want;      // create, update, start, drifted, adopt (none: a replica beyond those declared)
    std::optional<actual_object> have;      // update, start, remove, conflict, drifted, adopt, use
    std::string reason;                     // for a person: why this action
    std::vector<std::size_t> after;         // indexes of actions that must succeed first
    // Not empty: the action counts as failed with this message (and backs
    // off) even when carried out: a wait past its deadline, a one-shot
    // container that exited non-zero and is run again.
    std::string failure;
    // A health-gated update's step: an update (its first step) or a rollout.
    std::optional<drivers::rollout_request> rollout;
    // Not empty: what the object is reported as while this action stands
    // (rolling_out for a wait on a candidate; rolled_back or paused).
    std::string observed;
    // Planned by reconciler/rollout.hpp: once carried out, another step may
    // follow (apply passes again).
    bool in_rollout = false;
};

// Why actions were held back in a pass (DESIGN.md §5): removals by the
// prune guards; with not_synced, also whatever a source that is still
// catching up declares (create, update, start, and the reports about it).
enum class guard { none, not_synced, empty, mass, unparsed_documents };
[[nodiscard]] const char* to_string(guard g) noexcept;

struct plan {
    std::vector<action> actions;            // ordered: execute respecting `after`
    guard held_back = guard::none;          // what held actions back
    std::size_t removals_held = 0;          // how many actions it held (not only removals while not synced)
    std::string guard_message;              // one line for the log and /api/v1/state
    // What docker compose made that is used as it is (--adopt): its
    // networks and volumes, never created, changed or removed. Nothing to
    // do, so not in `actions`: shown by `plan`.
    std::vector<action> used;
    // A rollout waiting on a candidate: when (Unix ms) its verdict can change
    // by time alone, so the loop looks again then without an event.
    std::optional<std::int64_t> recheck_at_ms;

    [[nodiscard]] bool converged() const noexcept { return actions.empty() && removals_held == 0; }
    [[nodiscard]] std::size_t count(action_type t) const noexcept;
};

// Image reference -> the digest its registry gives the tag now.
using registry_digests = std::map<std::string, std::string>;

struct diff_options {
    bool allow_empty = false;
    bool allow_mass_prune = false;
    std::optional<std::size_t> max_prune;   // default: max(5, managed / 2)
    // What registries said about `pull: always` images; a container made
    // from another digest of its tag is updated (DESIGN.md §4).
    const registry_digests* digests = nullptr;
    // depends_on conditions: the wall clock in Unix seconds (0 = no
    // deadline), and how long a dependency may take to turn healthy after
    // its container was created before its dependents are failed.
    std::int64_t now = 0;
    std::chrono::seconds dependency_timeout{300};
    // --adopt (DESIGN.md §3): take over what docker compose made for the
    // declared projects (reconciler/adoption.hpp). Without it, that is a
    // conflict whose reason names --adopt.
    bool adopt = false;
    // Health-gated updates (reconciler/rollout.hpp): docker and podman. Off,
    // a changed spec is an update as it always was (swarm's is in place).
    bool rollouts = false;
    // The wall clock in Unix milliseconds for judging candidates (0: now * 1000).
    std::int64_t now_ms = 0;
    // Swarm: service name -> the hash of the spec whose update swarm rolled
    // back, while its status says so (rollout::plan_swarm_service).
    const std::map<std::string, std::string>* swarm_rolled_back = nullptr;
};

// Computes the plan that brings `actual` to `desired`.
//   actual:   owned objects (one list per kind);
//   unowned:  objects not owned by this instance that hold wanted names,
//             and docker compose's containers of the projects checked
//             (an object in both counts once).
// The sync gate (DESIGN.md §5): keys in desired.unsynced get no action at
// all, and while !desired.synced nothing is removed; both are counted in
// removals_held under guard::not_synced. Everything else converges.
// depends_on conditions hold dependents back as `wait` actions, and leave
// completed one-shot dependencies exited (reconciler/depends.hpp).
[[nodiscard]] plan diff(const desired_state::snapshot& desired, const std::vector<actual_object>& actual,
                        const std::vector<actual_object>& unowned, const diff_options& options = {});

// The keys a plan needs checked for conflicts before create: wanted names
// with no owned object, neither held nor waiting for their source's sync. One find_unowned call covers them.
[[nodiscard]] std::vector<resource_key> names_to_check(const desired_state::snapshot& desired,
                                                       const std::vector<actual_object>& actual);

// The `pull: always` images whose registry digest a pass should ask for:
// those of owned containers made from the spec now wanted (same hash) that
// carry the digest they were pulled at. Sorted, each once.
[[nodiscard]] std::vector<std::string> images_to_check(const desired_state::snapshot& desired,
                                                       const std::vector<actual_object>& actual);

}  // namespace driftless::reconciler
