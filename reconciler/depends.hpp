// depends_on conditions (compose's long form) applied to a plan. Pure, like
// diff, which calls these; no clock of its own (diff_options::now).
//
//   service_started                 the dependent is made after its dependency
//                                   (ordering only: plan's `after`).
//   service_healthy                 the dependent is created, updated or started
//                                   only once the dependency's container reports
//                                   healthy; until then it waits, and once the
//                                   dependency's container is older than the
//                                   dependency timeout it fails (and backs off).
//   service_completed_successfully  the dependency is a one-shot: once it exited 0
//                                   with the wanted hash it is left exited; the
//                                   dependent waits until then. A non-zero exit is
//                                   the dependency's failure, run again with backoff.
//   restart: true                   a running dependent is recreated when its
//                                   dependency is recreated (in this plan, or its
//                                   container is younger than the dependent's).
//   (any condition)                 dependency waves: while the dependency's
//                                   health-gated update is under way the
//                                   dependent waits as for service_healthy; while
//                                   the dependency's update stands rolled back
//                                   (or paused), the dependent is not updated.
//   x-driftless.depends_on          (a compose file's top level: projects) every
//                                   Service of the project is created, updated or
//                                   started only once every Service of the named
//                                   projects is up: running, healthy where the
//                                   engine reports health, or a one-shot that
//                                   completed; and not updated while one of their
//                                   updates stands rolled back.
//   required: false                 an undeclared dependency does not hold the
//                                   dependent; a required one named in the long
//                                   form does (the plain list keeps not holding).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "reconciler/plan.hpp"

namespace driftless::reconciler::depends {

// Names of the Services some declared Service depends on with condition
// service_completed_successfully.
[[nodiscard]] std::set<std::string> one_shots(const desired_state::snapshot& desired);

// What becomes of a one-shot's stopped container (same hash as wanted):
// true when it ran to completion (exited 0) and is left as it is.
[[nodiscard]] bool completed(const actual_object& have);

// Adds restart: true recreations and turns the creates, updates, starts and
// take-overs of Services whose conditions do not hold into `wait` actions (with
// `failure` set past a deadline or for a spec error). `index_of` maps each
// key to its action and is kept up to date. Call before ordering.
void apply(plan& p, std::map<resource_key, std::size_t>& index_of, const desired_state::snapshot& desired,
           const std::vector<actual_object>& actual, const diff_options& options);

// "5m", "90s", "1h": a timeout as a person writes it.
[[nodiscard]] std::string format_duration(std::chrono::seconds d);

}  // namespace driftless::reconciler::depends
