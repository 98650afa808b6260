#include "reconciler/backoff.hpp"

#include <algorithm>

namespace driftless::reconciler {

backoff::backoff(random_source random, std::chrono::milliseconds base, std::chrono::milliseconds cap)
    : random_(std::move(random)), base_(base), cap_(cap) {}

std::chrono::milliseconds doubling_delay(std::chrono::milliseconds base, std::chrono::milliseconds cap, int failures) {
    std::chrono::milliseconds d = base;
    for (int i = 1; i < failures && d < cap; ++i) d *= 2;
    return std::min(d, cap);
}

std::chrono::milliseconds backoff::ceiling(int failures) const {
    return doubling_delay(base_, cap_, failures);
}

std::chrono::milliseconds backoff::fail(const desired_state::resource_key& key, clock::time_point now, std::string error) {
    auto& s = states_[key];
    s.failures = std::min(s.failures + 1, 64);
    const auto top = ceiling(s.failures);
    const double r = std::clamp(random_(), 0.0, 1.0);
    const auto delay = std::chrono::milliseconds(top.count() / 2 + static_cast<std::int64_t>(r * static_cast<double>(top.count() - top.count() / 2)));
    s.not_before = now + delay;
    s.last_error = std::move(error);
    return delay;
}

void backoff::succeed(const desired_state::resource_key& key) { states_.erase(key); }

bool backoff::due(const desired_state::resource_key& key, clock::time_point now) const {
    auto it = states_.find(key);
    return it == states_.end() || it->second.not_before <= now;
}

std::optional<backoff::clock::time_point> backoff::next_due(clock::time_point now) const {
    std::optional<clock::time_point> best;
    for (const auto& [key, s] : states_) {
        if (s.not_before > now && (!best || s.not_before < *best)) best = s.not_before;
    }
    return best;
}

const backoff::state* backoff::find(const desired_state::resource_key& key) const {
    auto it = states_.find(key);
    return it == states_.end() ? nullptr : &it->second;
}

void backoff::retain(const std::function<bool(const desired_state::resource_key&)>& keep) {
    std::erase_if(states_, [&](const auto& kv) { return !keep(kv.first); });
}

}  // namespace driftless::reconciler
