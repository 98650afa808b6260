// How long the status server waits before its next accept after one failed.
// Out of descriptors (EMFILE, ENFILE) or kernel memory (ENOBUFS, ENOMEM) the
// waiting connection stays queued and an immediate retry fails again at once,
// spinning a core: wait 100 ms, doubling to 1 s, until an accept succeeds.
// Other failures concern one connection only (ECONNABORTED, EPERM ...): the
// next accept does not repeat them, so it runs at once.
//
// A pure state machine; not thread-safe (the server's thread).
#pragma once

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace driftless::status_surface {

class accept_backoff {
public:
    static constexpr std::chrono::milliseconds first{100};
    static constexpr std::chrono::milliseconds cap{1000};

    // The delay before the next accept after one that failed with `error`
    // (an errno value).
    std::chrono::milliseconds failed(int error) {
        if (error != EMFILE && error != ENFILE && error != ENOBUFS && error != ENOMEM)
            return std::chrono::milliseconds::zero();
        delay_ = delay_ == std::chrono::milliseconds::zero() ? first : std::min(delay_ * 2, cap);
        return delay_;
    }
    void succeeded() { delay_ = std::chrono::milliseconds::zero(); }
    // True between a failure for want of resources and the next success.
    [[nodiscard]] bool backing_off() const { return delay_ != std::chrono::milliseconds::zero(); }

private:
    std::chrono::milliseconds delay_{0};
};

}  // namespace driftless::status_surface
