// The events of `driftless run`: one per change that matters (a pass, an
// object made, changed, healed, failing, held, rolled back; a source in
// error or recovered; the engine lost or back), numbered in order and kept
// in a bounded ring, so that a client that comes back with the last number
// it saw (SSE's Last-Event-ID) gets what it missed, and is told when it
// missed more than the ring holds.
//
// Written and read on the loop's io_context thread: no locking. Publishing
// never waits for a reader: listeners are called synchronously and must
// only take note (copy, wake a writer), never block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "desired_state/store.hpp"
#include "reconciler/status.hpp"

namespace driftless::reconciler {

enum class event_type {
    pass_started,      // a pass began (its trigger)
    pass_finished,     // a pass ended (its counts and duration)
    created,           // an object was made because the desired state asks for it
    updated,           // an object was changed (recreated, or a rollout finished) for a new spec
    started,           // a stopped object was started
    removed,           // an object no longer declared was removed
    healed,            // an object changed by hand (removed, stopped, edited) was put back
    failed,            // an object's action failed, or it turned failing
    held,              // a guard or a condition holds an object's action back
    rolled_back,       // an update was rolled back (or swarm rolled it back)
    paused,            // an update was paused where it failed
    recovered,         // a failing object is fine again
    source_error,      // a source document or record is in error
    source_recovered,  // a source error is gone
    engine_lost,       // the engine stopped answering
    engine_back,       // the engine answers again
};

[[nodiscard]] const char* to_string(event_type t) noexcept;
// The inverse of to_string; nullopt for an unknown name.
[[nodiscard]] std::optional<event_type> event_type_of(std::string_view name) noexcept;
// Every event type, in declaration order (for filters and metrics).
[[nodiscard]] const std::vector<event_type>& all_event_types();

struct event {
    std::uint64_t id = 0;         // 1, 2, ... in publishing order; set by publish
    std::string at;               // RFC 3339, set by publish when empty
    event_type type = event_type::pass_finished;
    std::string kind;             // the object's kind ("Service"), "" for instance events
    std::string name;             // the object's name, or the source's place
    std::string message;          // one line a person reads
    nlohmann::json detail = nlohmann::json::object();   // machine-readable extras
};

[[nodiscard]] nlohmann::json to_json(const event& e);
// One Server-Sent Events message: "id: N\nevent: TYPE\ndata: {json}\n\n".
[[nodiscard]] std::string to_sse(const event& e);
// The unnumbered message of event_log::state_changed: "event: state\ndata: {}\n\n".
[[nodiscard]] std::string_view state_sse() noexcept;

class event_log {
public:
    explicit event_log(std::size_t capacity = 1000);

    // Numbers `e`, keeps it (dropping the oldest past the capacity) and
    // tells the listeners. Returns the kept event.
    const event& publish(event e);

    struct replay {
        std::vector<event> events;   // those after the asked id, oldest first
        std::uint64_t missed = 0;    // how many were dropped from the ring before they could be sent
    };
    // The events after `last_id` (0: all the ring holds).
    [[nodiscard]] replay since(std::uint64_t last_id) const;
    [[nodiscard]] std::uint64_t last_id() const noexcept { return next_id_ - 1; }
    [[nodiscard]] std::size_t size() const noexcept { return ring_.size(); }
    [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
    // Events published, by type, since start (Prometheus counters).
    [[nodiscard]] const std::map<event_type, std::uint64_t>& counts() const noexcept { return counts_; }

    using listener = std::function<void(const event&)>;
    // Returns a handle for unsubscribe.
    std::size_t subscribe(listener l);
    void unsubscribe(std::size_t handle);

    // The objects' status changed in a way no event tells (an object seen
    // running after the action that made it): not numbered, not kept, only
    // a nudge for live views to read the state again.
    using state_listener = std::function<void()>;
    std::size_t subscribe_state(state_listener l);
    void unsubscribe_state(std::size_t handle);
    void state_changed();

private:
    std::size_t capacity_;
    std::deque<event> ring_;
    std::uint64_t next_id_ = 1;
    std::map<event_type, std::uint64_t> counts_;
    std::map<std::size_t, listener> listeners_;
    std::map<std::size_t, state_listener> state_listeners_;
    std::size_t next_listener_ = 1;
};

// The events one object's status change after a pass amounts to. `before`:
// its status after the previous pass (nullptr when it had none); `acted`:
// the action this pass carried out on it and its result, if any. A
// successful action on an object whose desired spec did not change since
// the previous pass puts back a change made by hand: `healed`.
struct acted_on {
    action_type type = action_type::create;
    bool succeeded = false;
};
[[nodiscard]] std::vector<event> object_events(const desired_state::resource_key& key, const object_status* before,
                                               const object_status& after, const std::optional<acted_on>& acted);

}  // namespace driftless::reconciler
