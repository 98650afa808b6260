// Per-object exponential backoff with jitter (DESIGN.md §5): 1 s, 2 s, 4 s
// ... up to 5 min, each delay drawn in [d/2, d] ("equal jitter") so that many
// objects failing together do not retry in lockstep. One failing object never
// blocks the others: the executor skips only the keys that are not due.
//
// A small state machine with the clock and the random source passed in, so
// tests step through it without sleeping. Not thread-safe (the loop's thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "desired_state/spec.hpp"

namespace driftless::reconciler {

// `base` doubled for each consecutive failure after the first, at most
// `cap`: the delay before the n-th retry (n >= 1), without jitter. What
// backoff uses per object, and builds and release checks use per image.
[[nodiscard]] std::chrono::milliseconds doubling_delay(std::chrono::milliseconds base, std::chrono::milliseconds cap,
                                                       int failures);

class backoff {
public:
    using clock = std::chrono::steady_clock;
    // Returns a number in [0, 1).
    using random_source = std::function<double()>;

    struct state {
        int failures = 0;
        clock::time_point not_before{};
        std::string last_error;
    };

    explicit backoff(random_source random, std::chrono::milliseconds base = std::chrono::seconds(1),
                     std::chrono::milliseconds cap = std::chrono::minutes(5));

    // Records a failure at `now`; returns the delay until the next try.
    std::chrono::milliseconds fail(const desired_state::resource_key& key, clock::time_point now, std::string error);
    // Forgets the key's failures.
    void succeed(const desired_state::resource_key& key);
    // True when the key has no pending backoff at `now`.
    [[nodiscard]] bool due(const desired_state::resource_key& key, clock::time_point now) const;
    // The earliest time a backed-off key becomes due, if any is waiting.
    [[nodiscard]] std::optional<clock::time_point> next_due(clock::time_point now) const;
    [[nodiscard]] const state* find(const desired_state::resource_key& key) const;
    [[nodiscard]] const std::map<desired_state::resource_key, state>& all() const { return states_; }
    // Drops keys for which `keep` is false (objects no longer wanted nor present).
    void retain(const std::function<bool(const desired_state::resource_key&)>& keep);

    // The delay for the n-th consecutive failure before jitter (n >= 1).
    [[nodiscard]] std::chrono::milliseconds ceiling(int failures) const;

private:
    random_source random_;
    std::chrono::milliseconds base_, cap_;
    std::map<desired_state::resource_key, state> states_;
};

}  // namespace driftless::reconciler
