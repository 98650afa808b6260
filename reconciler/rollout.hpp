// Health-gated updates on docker and podman (DESIGN.md §4, rollouts):
// which strategy a service's update follows, whether a candidate passed,
// and which step comes next. Pure, like diff, which calls it: the state of
// a rollout is read from the engine each pass (the containers' names, hashes
// and inspects), never kept, so a restart mid-rollout goes on from what the
// engine holds.
//
// A service's containers, by name (drivers::rollout_role):
//   NAME              the live container
//   NAME--PREVIOUS    the old one, stopped, during a stop-first update
//   NAME--NEXT        a start-first candidate
//   NAME--FAILED      a rolled-back candidate, stopped; its hash is the
//                     failed spec, which is not tried again
//
// The states, with D the wanted hash, and the step each leads to:
//   NAME(≠D)                          begin: start-first makes NAME--NEXT(D),
//                                     stop-first stops NAME, renames it
//                                     NAME--PREVIOUS and makes NAME(D)
//   NAME(≠D) + FAILED(D)              rolled_back: nothing (a stopped NAME is started)
//   PREVIOUS, no NAME                 restore when PREVIOUS or FAILED holds D
//                                     (a roll back cut short, or the old spec
//                                     wanted again), else create NAME(D)
//   PREVIOUS + NAME(≠D)               remove NAME: a candidate of another spec
//   PREVIOUS + NAME(D)                judge NAME: start it (created), wait,
//                                     finish (remove PREVIOUS) or fail
//   NEXT(D) + NAME(≠D)                judge NEXT: start, wait, promote (remove
//                                     NAME, rename NEXT) or fail
//   NEXT(D), no NAME                  promote (rename)
//   NEXT(≠D), or NEXT beside NAME(D)  remove NEXT
//   FAILED(≠D), or beside NAME(D)     remove FAILED (a new spec tries again)
// A candidate that fails: rollback (the default) stops it, renames it
// NAME--FAILED and puts PREVIOUS back; pause leaves everything as it is
// (reported paused) until a new spec or `driftless retry`; continue keeps
// it (as a passed one).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reconciler/plan.hpp"

namespace driftless::reconciler::rollout {

enum class order { stop_first, start_first };
enum class failure_action { rollback, pause, keep };   // keep: compose's "continue"

// A service's update settings on docker and podman, defaults filled.
struct strategy {
    rollout::order order = order::stop_first;
    std::string why;                        // "start-first: ..." / "stop-first: it publishes host port 8080"
    std::int64_t monitor_ms = 10'000;
    failure_action on_failure = failure_action::rollback;
};

// update_config's order when it can work, else stop-first. The default:
// start-first unless the old container holds something the new one needs
// (a published host port, a fixed address, the host's network, a device)
// or both would write the same data (a writable bind or volume mount).
// Asked-for start-first falls back to stop-first only for what cannot be
// shared at all (host ports, fixed addresses, the host network).
// monitor: update_config.monitor, else 10 s. failure_action: rollback by default.
[[nodiscard]] strategy strategy_of(const desired_state::service& svc);

// Whether an update of `svc` is health-gated: one container (replicas 1),
// and not a one-shot that is meant to exit (a depends_on
// service_completed_successfully dependency). Others are recreated.
[[nodiscard]] bool gated(const desired_state::service& svc, bool one_shot) noexcept;

enum class verdict { not_started, pending, passed, failed };
struct judgement {
    rollout::verdict verdict = verdict::pending;
    std::string reason;                     // passed: how; pending: what for; failed: which check, with its evidence
    std::int64_t recheck_at_ms = 0;         // pending: when the verdict can change by time alone
};

// A candidate (inspected: drivers::rollout_details) judged at `now_ms`:
// failed when the engine could not start it, it restarted, it is not
// running, its healthcheck reports unhealthy, or it has not turned healthy
// within max(monitor, its healthcheck's window); passed when healthy (with
// a healthcheck) or still running `monitor` after it started.
[[nodiscard]] judgement judge(const actual_object& candidate, const strategy& s, std::int64_t now_ms);

// Why a NAME--FAILED container failed, from what the engine kept of it (its
// start error, restarts, health, exit code and last log lines).
[[nodiscard]] std::string failure_report(const actual_object& failed);

// A service's containers in the roles above; nullptr when absent.
struct containers {
    const actual_object* live = nullptr;
    const actual_object* previous = nullptr;
    const actual_object* next = nullptr;
    const actual_object* failed = nullptr;
};

// The action for a wanted service whose containers are `c`, or nullopt when
// the ordinary rules apply (nothing in a role and nothing to update, or
// only NAME--FAILED with no live container: a create is never held back).
// `gate`: gated() for the wanted spec. A pending verdict is a `wait` with
// observed "rolling_out" and lowers `recheck_at_ms` to when to look again.
[[nodiscard]] std::optional<action> plan_service(const resource_key& key, const desired_entry& entry, const containers& c,
                                                 bool gate, std::int64_t now_ms, std::optional<std::int64_t>& recheck_at_ms);

// Swarm carries out a service's update itself (UpdateConfig); what its
// UpdateStatus says of a failed one is reported, never taken for converged:
// rolled back (rollback_started, rollback_paused, rollback_completed: the
// previous spec runs again) or paused (half way, the wanted spec). A
// rolled-back spec is not sent again, or swarm would fail and roll back
// every pass: `rolled_back` maps a service name to the hash whose update
// swarm rolled back, as first seen (the loop keeps it while the status
// stands; swarm keeps only the previous spec). A name it does not hold is
// taken to have rolled back the spec wanted now. A new spec is sent.
// nullopt: the ordinary rules apply.
[[nodiscard]] bool swarm_rolled_back(const actual_object& have) noexcept;
[[nodiscard]] std::optional<action> plan_swarm_service(const resource_key& key, const desired_entry& entry,
                                                       const actual_object& have,
                                                       const std::map<std::string, std::string>* rolled_back);

// What `driftless retry NAME` removes so that the update is tried again:
// NAME--FAILED (rolled back); a paused candidate (NAME beside
// NAME--PREVIOUS, or NAME--NEXT) that failed is made afresh by the next pass.
// From `owned` (a driver's list); empty when NAME has nothing to retry.
[[nodiscard]] std::vector<actual_object> retry_removals(const std::vector<actual_object>& owned, const std::string& name);

}  // namespace driftless::reconciler::rollout
