// What a Kafka source tells the store: one document per key of the topic.
//
// The topic is read as a table: the latest record of each key wins; a
// tombstone (an empty value) erases the key's document; a rejected record
// (too large, unparsable, not matching its key) leaves the key's last good
// specs in place and records why beside them (DESIGN.md §5). While the key
// has no last good version, a rejection holds only what the key names
// (kafka_record.hpp, read_key), and nothing when it names nothing.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "desired_state/diagnostic.hpp"
#include "desired_state/spec.hpp"
#include "desired_state/store.hpp"
#include "watchers/kafka_uri.hpp"

namespace driftless::watchers {

struct kafka_change {
    enum class op_kind { upsert, erase, reject };
    op_kind op = op_kind::upsert;
    std::string doc_id;                               // "kafka:TOPIC/KEY"
    std::string key;                                  // the record's key
    std::string text;                                 // the value (upsert, reject); empty for an erase or an oversized value
    std::string where;                                // "TOPIC/PARTITION@OFFSET" of the record
    std::vector<desired_state::spec> specs;           // upsert: the one resource, checked against the key
    std::vector<desired_state::diagnostic> errors;    // reject: why
    std::set<desired_state::resource_key> scope;      // reject: what the key names (empty: nothing)

    bool operator==(const kafka_change&) const = default;
};

[[nodiscard]] const char* to_string(kafka_change::op_kind op) noexcept;   // "upsert", "erase", "reject"

// Applies changes in order: upsert -> store.put_specs, erase -> store.erase,
// reject -> store.put_errors with its scope (the last good specs stay). Must run on the
// store's thread.
void apply_kafka_changes(desired_state::store& store, const std::vector<kafka_change>& changes);

// The document that carries a source's own trouble (brokers unreachable,
// topic missing): "kafka:TOPIC", beside the keys' "kafka:TOPIC/KEY". It
// holds no specs, so recording an error there never removes anything.
[[nodiscard]] std::string kafka_source_doc_id(const kafka_uri& uri);

// Records `broker_error` (kafka_source::broker_error()) as the error of
// kafka_source_doc_id(uri), or forgets it when empty.
void apply_kafka_broker_error(desired_state::store& store, const kafka_uri& uri, const std::string& broker_error);

}  // namespace driftless::watchers
