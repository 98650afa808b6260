// A Kafka topic read as desired state (DESIGN.md §1, §5, §6): key = resource
// (NAME or Kind/NAME), value = one YAML or JSON document, an empty value
// deletes; the latest record of each key wins.
//
// At start every partition is assigned explicitly from its beginning (no
// consumer-group offsets are used or committed) and the high watermark of
// each is queried: the source is `synced()` once every partition has been
// read up to it (kafka_sync_gate.hpp). The partition count is looked at
// again every `metadata_interval`; partitions added later are read from
// their beginning too.
//
// librdkafka's consumer runs on a thread of its own. It parses and checks
// each record there (kafka_record.hpp), coalesces (kafka_batch.hpp) and
// hands the result to the executor with asio::post: at most one delivery
// is queued at a time, so a backlog of 100,000 records becomes a handful of
// callbacks carrying the latest change per key.
//
// Not errors, and never a reason to erase: brokers unreachable, the topic
// missing, a partition failing. They are reported by `broker_error()` (and
// the state callback), the last known desired state stands, librdkafka
// keeps retrying, and reading resumes where it stopped when the brokers
// return. Records that are too large, malformed or whose key does not name
// their resource are `reject` changes for their key (kafka_change.hpp); one
// whose key names nothing holds nothing back.
//
// Threading: construct, start, stop, destroy and call the accessors on the
// executor's thread (the loop's io_context); the callbacks run there too and
// must not throw. synced() and broker_error() change only when the state
// callback is about to run, after the changes read before them were
// delivered. stats() may be read from any thread.
//
// Blocking: start() only builds the client. stop() joins the consumer
// thread, which can take up to `request_timeout` while it waits on a broker
// that does not answer.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "desired_state/result.hpp"
#include "watchers/kafka_change.hpp"
#include "watchers/kafka_record.hpp"
#include "watchers/kafka_uri.hpp"

namespace driftless::watchers {

struct kafka_source_options {
    // `-X` settings, applied over driftless's defaults (auto.offset.reset=earliest,
    // enable.auto.commit=false, group.id=driftless: the group is never joined).
    std::vector<kafka_setting> settings;
    record_options records;                                  // size limit, parse options
    std::chrono::milliseconds metadata_interval{5000};       // looking for new partitions, and for the brokers' return
    std::chrono::milliseconds request_timeout{2000};         // one metadata or watermark query
    std::chrono::milliseconds retry_interval{1000};          // between start attempts while the brokers are away
    std::size_t max_round_records = 10'000;                  // records folded before a delivery is offered
};

// Counters for status pages, tests and benchmarks.
struct kafka_source_stats {
    std::uint64_t records = 0;        // records read (tombstones included)
    std::uint64_t bytes = 0;          // of keys and values
    std::uint64_t rounds = 0;         // poll rounds that read something
    std::uint64_t deliveries = 0;     // change callbacks run
    std::uint64_t changes = 0;        // changes delivered
    std::uint64_t partitions = 0;     // partitions assigned
};

class kafka_source {
public:
    // Changes since the previous call, sorted by key; per key at most an
    // upsert or erase followed by a reject.
    using change_callback = std::function<void(std::vector<kafka_change> changes)>;
    // synced() or broker_error() changed.
    using state_callback = std::function<void()>;

    kafka_source(boost::asio::any_io_executor executor, kafka_uri uri, kafka_source_options options,
                 change_callback on_change, state_callback on_state);
    ~kafka_source();   // stop()
    kafka_source(const kafka_source&) = delete;
    kafka_source& operator=(const kafka_source&) = delete;

    // Builds the consumer and starts its thread; reaching the brokers is
    // the thread's business. An error: librdkafka refused a setting, or
    // could not make a client. Call once.
    [[nodiscard]] status start();

    // Idempotent. No callback runs after it returns.
    void stop();

    // Every partition has been read up to its high watermark seen at start.
    [[nodiscard]] bool synced() const;
    // Why the topic cannot be read now ("" when it can), e.g.
    // "kafka://localhost:9092/desired: 1/1 brokers are down; the last known desired state is kept".
    [[nodiscard]] std::string broker_error() const;
    [[nodiscard]] const kafka_uri& uri() const noexcept;
    [[nodiscard]] kafka_source_stats stats() const;

private:
    class impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace driftless::watchers
