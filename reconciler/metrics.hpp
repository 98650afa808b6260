// The metrics that are distributions or grow with the event types, kept in
// prometheus-cpp's registry and written with its text serializer beside
// the hand-written counters of status.cpp:
//   driftless_pass_duration_seconds   histogram of passes' wall-clock time
//   driftless_reaction_seconds        histogram of trigger -> the pass's first
//                                     engine request (a file written, a
//                                     container died: how soon driftless acts)
//   driftless_events_total{type}      events published, by type (events.hpp)
// So the figures of bench/README.md can be watched in production.
#pragma once

#include <memory>
#include <string>


namespace prometheus {
class Registry;
class Histogram;
class Counter;
template <typename T>
class Family;
}  // namespace prometheus

namespace driftless::reconciler {

enum class event_type;   // events.hpp

class pass_metrics {
public:
    pass_metrics();
    ~pass_metrics();
    pass_metrics(const pass_metrics&) = delete;
    pass_metrics& operator=(const pass_metrics&) = delete;

    void observe_pass(double seconds);
    void observe_reaction(double seconds);
    void count(event_type t);
    // Prometheus text exposition (0.0.4) of the above.
    [[nodiscard]] std::string text() const;

private:
    std::shared_ptr<prometheus::Registry> registry_;
    prometheus::Histogram* pass_ = nullptr;
    prometheus::Histogram* reaction_ = nullptr;
    prometheus::Family<prometheus::Counter>* events_ = nullptr;
};

}  // namespace driftless::reconciler
