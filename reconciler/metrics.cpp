#include "reconciler/metrics.hpp"

#include "reconciler/events.hpp"

#include <sstream>

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace driftless::reconciler {

namespace {

// From a no-op pass over a few objects (well under a millisecond) to a
// slow engine's minutes.
const prometheus::Histogram::BucketBoundaries pass_buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                           0.25,   0.5,   1,      2.5,   5,    10,    30,    60};
// The debounce (100 ms by default) is most of a reaction.
const prometheus::Histogram::BucketBoundaries reaction_buckets{0.01, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, 5, 10, 30};

}  // namespace

pass_metrics::pass_metrics() : registry_(std::make_shared<prometheus::Registry>()) {
    pass_ = &prometheus::BuildHistogram()
                 .Name("driftless_pass_duration_seconds")
                 .Help("Wall-clock time of passes.")
                 .Register(*registry_)
                 .Add({}, pass_buckets);
    reaction_ = &prometheus::BuildHistogram()
                     .Name("driftless_reaction_seconds")
                     .Help("From a trigger (a source change, an engine event) to the first engine request of the pass it starts.")
                     .Register(*registry_)
                     .Add({}, reaction_buckets);
    events_ = &prometheus::BuildCounter().Name("driftless_events_total").Help("Events published, by type.").Register(*registry_);
    for (const auto t : all_event_types()) events_->Add({{"type", to_string(t)}});   // every type shows, 0 included
}

pass_metrics::~pass_metrics() = default;

void pass_metrics::observe_pass(double seconds) { pass_->Observe(seconds); }

void pass_metrics::observe_reaction(double seconds) { reaction_->Observe(seconds); }

void pass_metrics::count(event_type t) { events_->Add({{"type", to_string(t)}}).Increment(); }

std::string pass_metrics::text() const {
    std::ostringstream out;
    prometheus::TextSerializer{}.Serialize(out, registry_->Collect());
    return out.str();
}

}  // namespace driftless::reconciler
