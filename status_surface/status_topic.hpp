// The status topic (`--status-topic TOPIC`): one Kafka record per managed
// or desired object whenever its status changes, so other systems can follow
// what driftless did without polling /api/v1/state.
//
//   key   "OWNER/KIND/NAME"                    e.g. "driftless/Service/web"
//   value {"owner","kind","name","desired_hash","actual_hash","observed",
//          "last_action","last_result","error","backoff_ms","drifted",
//          "failing","since","timestamp"}   (JSON; "" where unknown)
//   a tombstone (null value) once the object is neither desired nor present
//
// With a compacted topic the latest record per key is the object's status.
//
// Threading: every member runs on the loop's io_context thread. publish()
// never blocks: librdkafka produces asynchronously and a timer polls it for
// delivery reports. Records librdkafka cannot queue now (its queue full) are
// kept, the newest per key, and offered again on the next tick. A broker
// that is away is not an error for the loop: librdkafka retries until
// message.timeout.ms, and a failed delivery is logged and shown by error().
// Blocking: stop() waits up to its timeout for records in flight.
#pragma once

#include <utility>
#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "desired_state/result.hpp"
#include "desired_state/spec.hpp"
#include "reconciler/status.hpp"
#include "watchers/kafka_uri.hpp"

namespace driftless::status_surface {

struct status_record {
    std::string key;
    std::optional<std::string> value;   // nullopt: tombstone
    bool operator==(const status_record&) const = default;
};

// "OWNER/KIND/NAME"
[[nodiscard]] std::string status_key(const std::string& owner, const desired_state::resource_key& key);

// The record for `key`: its status as JSON (with `timestamp`, RFC 3339), or
// a tombstone when `status.objects` no longer holds it. Pure.
[[nodiscard]] status_record make_status_record(const std::string& owner, const reconciler::loop_status& status,
                                               const desired_state::resource_key& key, const std::string& timestamp);

// Where `--status-topic` goes: "kafka://HOST:PORT[,...]/TOPIC" as written,
// or a bare TOPIC on the brokers of the first Kafka source. An error when a
// bare topic has no Kafka source to borrow brokers from, or is malformed.
[[nodiscard]] result<watchers::kafka_uri> status_topic_uri(const std::string& flag,
                                                           const std::vector<watchers::kafka_uri>& sources);

// The settings the status topic's producer gets. `status_settings`
// (--status-X) when any are given: the topic's cluster is then configured
// on its own. Else the sources' `source_settings` (-X) when the topic is on
// a Kafka source's cluster (a bare TOPIC, or a kafka:// URI naming a broker
// of a source), as that is the cluster they were written for. Else
// none: SASL or TLS credentials for one cluster never go to another. Pure.
[[nodiscard]] std::vector<watchers::kafka_setting> status_topic_settings(
    const watchers::kafka_uri& status_uri, const std::vector<watchers::kafka_uri>& sources,
    const std::vector<watchers::kafka_setting>& source_settings,
    const std::vector<watchers::kafka_setting>& status_settings);

struct status_topic_options {
    std::string owner = "driftless";                    // --owner: the keys' first part
    std::vector<watchers::kafka_setting> settings;      // status_topic_settings(), over driftless's defaults
    std::chrono::milliseconds poll_interval{100};       // delivery reports and retries
};

struct status_topic_stats {
    std::uint64_t produced = 0;    // handed to librdkafka
    std::uint64_t delivered = 0;   // acknowledged by the brokers
    std::uint64_t failed = 0;      // delivery reports with an error
    std::size_t waiting = 0;       // kept for the next tick (librdkafka's queue was full)
};

class status_topic {
public:
    status_topic(boost::asio::any_io_executor executor, watchers::kafka_uri uri, status_topic_options options);
    ~status_topic();   // stop({})
    status_topic(const status_topic&) = delete;
    status_topic& operator=(const status_topic&) = delete;

    // Builds the producer and starts polling. An error: librdkafka refused a
    // setting or could not make a client.
    [[nodiscard]] status start();

    // One record per key in `changed` (the loop's on_status_change). Keys
    // whose object is gone from `status` get a tombstone.
    void publish(const reconciler::loop_status& status, const std::vector<desired_state::resource_key>& changed);

    // Waits up to `flush` for records in flight, then closes the producer.
    // Idempotent.
    void stop(std::chrono::milliseconds flush = std::chrono::seconds(5));

    // The latest delivery failure, "" once a later record was delivered.
    [[nodiscard]] const std::string& error() const noexcept;
    [[nodiscard]] status_topic_stats stats() const;
    [[nodiscard]] const watchers::kafka_uri& uri() const noexcept;

private:
    class impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace driftless::status_surface
