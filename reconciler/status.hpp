// What the loop knows about itself and the objects it manages, for
// /api/v1/state, /metrics, the status topic and the log.
//
// Written by the loop after each pass, read by the status server: both run
// on the loop's io_context thread, so there is no locking.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "desired_state/diagnostic.hpp"
#include "desired_state/spec.hpp"
#include "desired_state/store.hpp"
#include "drivers/driver.hpp"
#include "reconciler/metrics.hpp"
#include "reconciler/plan.hpp"
#include "reconciler/release_status.hpp"

namespace driftless::reconciler {

struct object_status {
    std::string desired_hash;            // "" when not desired
    std::string actual_hash;             // "" when absent
    std::string observed;                // absent | running | exited | ... | conflict | rolling_out | rolled_back | paused
    std::string last_action;             // create | update | start | remove | "": the latest taken on it, in any pass
    std::string last_result;             // succeeded | failed | skipped | reported | ""
    std::string error;                   // the latest error, "" when healthy
    std::int64_t backoff_ms = 0;         // time until the next try, 0 = none
    bool drifted = false;                // actual differs from desired
    bool failing = false;                // the latest action failed or a conflict holds it
    std::string since;                   // RFC 3339 time of the last change of this status
    bool made = false;                   // it has stood at desired_hash since that was wanted (an action that puts it back heals it)
    // Back to the values above, keeping the strings' storage.
    void reset() {
        for (auto* s : {&desired_hash, &actual_hash, &observed, &last_action, &last_result, &error, &since}) s->clear();
        backoff_ms = 0;
        drifted = failing = made = false;
    }
    bool operator==(const object_status& o) const {
        return desired_hash == o.desired_hash && actual_hash == o.actual_hash && observed == o.observed &&
               last_action == o.last_action && last_result == o.last_result && error == o.error &&
               drifted == o.drifted && failing == o.failing;
    }
};

// Counters and gauges exported as Prometheus metrics.
struct counters {
    std::uint64_t passes = 0;
    std::uint64_t passes_failed = 0;
    double last_pass_seconds = 0;
    double pass_seconds_sum = 0;
    double last_pass_cpu_seconds = 0;         // CPU time of the loop's thread during the last pass
    double pass_cpu_seconds_sum = 0;
    std::uint64_t last_pass_engine_requests = 0;
    std::uint64_t engine_requests_total = 0;  // requests sent to the runtime, streams included
    std::map<std::pair<std::string, std::string>, std::uint64_t> actions;  // (kind, result) -> count
    std::uint64_t source_errors_total = 0;
    std::uint64_t engine_events = 0;
    std::uint64_t rollbacks = 0;              // health-gated updates rolled back
};

// Who this instance is, for the status page and /api/v1/state.
struct instance_info {
    std::string owner;
    std::string driver;
    std::vector<std::string> sources;    // as given on the command line
};

struct loop_status {
    instance_info instance;
    bool ready = false;                  // a pass has completed
    bool synced = false;                 // every source has read what it holds (DESIGN.md §5)
    std::string engine_error;            // "" when the engine answers
    std::uint64_t desired_version = 0;
    std::size_t desired = 0, managed = 0, drifted = 0, failing = 0;
    std::size_t rolling_out = 0, rolled_back = 0, paused = 0;   // health-gated updates (reconciler/rollout.hpp)
    std::vector<desired_state::diagnostic> source_errors;
    std::vector<std::string> last_plan;  // plan lines as `plan` prints them
    std::string guard_message;
    std::string last_pass_at;            // RFC 3339
    std::map<desired_state::resource_key, object_status> objects;
    // The latest pass's inputs, kept as they are: /api/v1/state turns them
    // into JSON when it is asked, not every pass.
    std::shared_ptr<const desired_state::snapshot> desired_snapshot;
    std::vector<drivers::actual_object> actual;   // spec_json cleared
    std::vector<release_status> releases;          // followed images (releases.hpp)
    counters metrics;
    // Histograms and per-type event counters (reconciler/metrics.hpp).
    std::shared_ptr<pass_metrics> histograms = std::make_shared<pass_metrics>();
};

// "+ Service/web  (reason)" — one line per action.
[[nodiscard]] std::string plan_line(const action& a);
[[nodiscard]] nlohmann::json to_json(const loop_status& s);
// One object's status: kind, name, hashes, observed state, last action and result, error, backoff.
[[nodiscard]] nlohmann::json to_json(const desired_state::resource_key& key, const object_status& o);
// Prometheus text exposition format (version 0.0.4).
[[nodiscard]] std::string to_prometheus(const loop_status& s);
[[nodiscard]] std::string now_rfc3339();
[[nodiscard]] std::string to_rfc3339(std::chrono::system_clock::time_point at);

}  // namespace driftless::reconciler
