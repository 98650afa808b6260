#include "watchers/debounce.hpp"

#include <algorithm>

namespace driftless::watchers {

debounce::debounce(clock::duration quiet, clock::duration max_delay) noexcept
    : quiet_(quiet), max_delay_(std::max(max_delay, quiet)) {}

debounce::clock::time_point debounce::on_event(clock::time_point now) noexcept {
    if (!pending_) {
        pending_ = true;
        first_ = now;
        deadline_ = now + quiet_;
        return deadline_;
    }
    // Never earlier than before: a timer armed for the old deadline then
    // only has to look again when it fires, instead of being cancelled.
    deadline_ = std::max(deadline_, std::min(now + quiet_, first_ + max_delay_));
    return deadline_;
}

bool debounce::take_if_due(clock::time_point now) noexcept {
    if (!pending_ || now < deadline_) return false;
    pending_ = false;
    return true;
}

}  // namespace driftless::watchers
