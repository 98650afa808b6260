// The desired-state sources of one driftless process (`-s ...`), all feeding
// one store: folders now, Kafka topics beside them.
//
// Threading: constructed, started and stopped on the loop's io_context
// thread; watchers deliver their changes there too.
#pragma once

#include <utility>
#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "desired_state/result.hpp"
#include "desired_state/store.hpp"

namespace driftless::reconciler {

class sources {
public:
    sources(boost::asio::any_io_executor ex, desired_state::store& store);
    ~sources();

    // Adds a source from its `-s` text: "PATH" or "dir:PATH". An error names
    // the problem (no such folder, unknown scheme).
    [[nodiscard]] status add(const std::string& text);

    // Reads every source once into the store (plan, apply, and run's start).
    void scan_once();

    // Watches every source; calls on_change on the io thread after the store
    // changed (one call per coalesced burst).
    void watch(std::function<void()> on_change);

    void stop();

    [[nodiscard]] std::size_t size() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace driftless::reconciler
