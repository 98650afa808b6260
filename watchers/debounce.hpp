// Coalesces a burst of events into one action: it is due `quiet` after the
// latest event, and never later than `max_delay` after the first event of
// the burst, so a steady trickle of events cannot postpone it forever.
//
// A plain state machine: no clock and no timer; the caller passes the time
// in and arms its own timer for `deadline()`. Not thread-safe.
#pragma once

#include <chrono>

namespace driftless::watchers {

class debounce {
public:
    using clock = std::chrono::steady_clock;

    debounce(clock::duration quiet, clock::duration max_delay) noexcept;

    // An event happened at `now`. Returns the (new) deadline; a deadline only
    // ever moves later within one burst.
    clock::time_point on_event(clock::time_point now) noexcept;

    // Whether a burst is waiting, and when it is due (meaningful if pending).
    [[nodiscard]] bool pending() const noexcept { return pending_; }
    [[nodiscard]] clock::time_point deadline() const noexcept { return deadline_; }

    // True, and the burst is over, when one is pending and due at `now`.
    bool take_if_due(clock::time_point now) noexcept;

    void reset() noexcept { pending_ = false; }

private:
    clock::duration quiet_;
    clock::duration max_delay_;
    bool pending_ = false;
    clock::time_point first_{};
    clock::time_point deadline_{};
};

}  // namespace driftless::watchers
