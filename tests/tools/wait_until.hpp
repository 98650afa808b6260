// Waits on a condition with a deadline, never a fixed sleep (unit tests;
// the integration tests have support/process.hpp's).
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace driftless::testing {

inline bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

}  // namespace driftless::testing
