// Reading Swarm's list answers (GET /services?status=true, GET /tasks)
// into actual_objects. Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "desired_state/result.hpp"
#include "drivers/docker_listing.hpp"
#include "drivers/driver.hpp"

namespace driftless::drivers::swarm {

// Services: kind service, id, name (io.driftless.name, else Spec.Name, per
// `how`), owner, spec_hash, spec_json, mac from Spec.Labels, name_matches
// (io.driftless.name equals Spec.Name), version =
// Version.Index, tasks_running/tasks_desired from ServiceStatus
// (RunningTasks/DesiredTasks, API >= 1.41 with status=true).
// running = tasks_running >= tasks_desired and no update is paused or rolled
// back; state "running", else "N/M tasks running" or "update <state>". An
// update that paused or rolled back sets task_error from its message.
// An answer that is not the documented shape is an "engine" error.
[[nodiscard]] result<std::vector<actual_object>> parse_service_list(std::string_view body, docker::naming how);

// Folds a GET /tasks answer (tasks of these services; others are ignored)
// into `services`: each service that is not running and has no task_error
// yet gets why from its tasks, as "<state>: <err>": a task that should run
// but reports an error (pending: "no suitable node (...)"), else its
// latest failed or rejected task. Services that run are left alone.
[[nodiscard]] status apply_tasks(std::vector<actual_object>& services, std::string_view tasks_body);

// The state shown for a service that is not converged: "N/M tasks running".
[[nodiscard]] std::string tasks_state(int running, int desired);

}  // namespace driftless::drivers::swarm
