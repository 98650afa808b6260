// The level-triggered reconcile loop (DESIGN.md §1).
//
// Every pass re-reads desired state (the store's latest snapshot) and actual
// state (one list call per kind), diffs them and executes the plan. Events
// only say *when* to look: a new snapshot, an engine event about an owned
// object, a backoff coming due, and a periodic resync. Bursts of triggers
// are coalesced (debounce) and at most one pass runs at a time.
//
// The loop keeps nothing that cannot be rebuilt from the engine's labels:
// a restart, a crash or a second instance with the same owner changes
// nothing.
//
// Threading: everything runs on one io_context thread; trigger() must be
// called on it (other threads post to it).
#pragma once

#include <utility>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "desired_state/store.hpp"
#include "drivers/driver.hpp"
#include "reconciler/backoff.hpp"
#include "reconciler/builds.hpp"
#include "reconciler/executor.hpp"
#include "reconciler/plan.hpp"
#include "reconciler/events.hpp"
#include "reconciler/releases.hpp"
#include "reconciler/status.hpp"
#include "watchers/folder_changes.hpp"

namespace driftless::reconciler {

struct loop_options {
    std::size_t parallel = 8;
    std::chrono::milliseconds resync{30'000};
    std::chrono::milliseconds debounce{100};
    // After a pass whose actions succeeded, one more list this long after
    // it: the engine's events do not report what we did ourselves, and the
    // state shown (page, API) should be what the engine holds, not what was
    // asked of it.
    std::chrono::milliseconds confirm{1'000};
    diff_options diff;
    build_options builds;                      // images built for services with build:
    release_options releases;                  // registry images followed by rule (follow:)
    // Watch the build contexts (`run`): an edit in one starts a pass at
    // once, and a context that reported nothing is not read again.
    bool watch_contexts = false;
    // Passes (from the first) whose execution draws a progress line on the
    // terminal (progress.hpp): `apply` all, `run` the first, 0 when stderr
    // is not a terminal.
    std::size_t progress_passes = 0;
};

struct pass_result {
    bool engine_ok = false;              // list (and conflict check) answered
    std::string error;                   // engine error when !engine_ok
    reconciler::plan plan;
    execution_report report;             // empty for a dry run
    // Built services whose context could not be read (held, not changed).
    std::vector<desired_state::diagnostic> build_errors;
    // Followed services held for want of a release to run (the registry's error).
    std::vector<desired_state::diagnostic> release_errors;
    std::vector<release_status> releases;   // what each followed repository runs, and why
    [[nodiscard]] bool all_succeeded() const;
};

class loop {
public:
    loop(boost::asio::any_io_executor ex, drivers::driver& driver, desired_state::store& store, loop_options options);

    // Asks for a pass soon; bursts are coalesced by the debounce. Sources
    // that coalesce their own bursts (the folder watcher, the Kafka batch)
    // pass debounce = false: the pass starts as soon as the loop is free.
    void trigger(const char* why, bool debounce = true);

    // Lists, diffs and (unless dry_run) executes once. Updates status().
    boost::asio::awaitable<pass_result> pass(bool dry_run = false);

    // Runs passes until stop() is called, following engine events too.
    boost::asio::awaitable<void> run();

    // Stops taking work: the pass in flight finishes, then run() returns.
    void stop();

    [[nodiscard]] const loop_status& status() const noexcept { return status_; }
    void set_instance(instance_info i) { status_.instance = std::move(i); }
    // What changed, as events (reconciler/events.hpp): the status server's
    // /api/v1/events and the notifications read them.
    [[nodiscard]] event_log& events() noexcept { return events_; }
    // Notified after every pass with the objects whose status changed.
    std::function<void(const loop_status&, const std::vector<desired_state::resource_key>& changed)> on_status_change;
    // Notified after every pass the engine answered, with the pass's summary
    // line ("" when it carried nothing out; progress.hpp).
    std::function<void(const loop_status&, const std::string& summary)> on_pass;

private:
    boost::asio::awaitable<void> follow_events();
    // Logs an object's rollout state when it changes: rolled back or paused
    // (with why), or a rollout starting to wait on its candidate.
    static void log_rollout_change(const desired_state::resource_key& key, const object_status& before, const object_status& now);
    // Asks the registries about the `pull: always` images in use, at most
    // once per resync period; what they say stays in digests_.
    boost::asio::awaitable<void> check_registries(const desired_state::snapshot& desired,
                                                  const std::vector<drivers::actual_object>& actual);
    void record(std::shared_ptr<const desired_state::snapshot> desired, std::vector<drivers::actual_object> actual,
                const pass_result& r, double seconds);

    boost::asio::any_io_executor ex_;
    drivers::driver& driver_;
    desired_state::store& store_;
    loop_options options_;
    std::mt19937_64 rng_;
    backoff backoff_;
    backoff engine_backoff_;
    loop_status status_;
    std::map<desired_state::resource_key, object_status> spare_objects_;   // nodes for the next record()
    boost::asio::steady_timer wake_;
    boost::asio::steady_timer debounce_;       // coalesces a burst of triggers; an urgent one cuts it short
    boost::asio::steady_timer events_retry_;
    boost::asio::steady_timer hold_;           // waits out an engine outage
    std::size_t passes_run_ = 0;
    bool dirty_ = true;
    bool urgent_ = false;                      // a trigger without debounce is pending
    bool stopping_ = false;
    std::chrono::steady_clock::time_point last_pass_{};
    std::chrono::steady_clock::time_point engine_retry_at_{};
    std::optional<std::chrono::steady_clock::time_point> triggered_at_;   // the first trigger since the last pass began
    std::optional<std::chrono::steady_clock::time_point> recheck_at_;   // a rollout's candidate to judge again
    event_log events_;
    release_follower releases_;
    image_builds builds_;
    std::unique_ptr<watchers::folder_changes> context_watch_;   // watch_contexts: the latest pass's contexts
    std::map<std::string, std::string> swarm_rolled_back_;   // service -> the hash swarm rolled back (diff_options)
    registry_digests digests_;                 // image -> its tag's digest, as last asked
    std::map<std::string, std::string> registry_errors_;   // image -> last error logged
    std::optional<std::chrono::steady_clock::time_point> registries_checked_;
};

}  // namespace driftless::reconciler
