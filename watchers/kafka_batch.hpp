// Coalescing a Kafka backlog into few, small deliveries: a topic read from
// the beginning may hold 100,000 records for a few hundred keys, and the
// store needs only where each key ends up.
//
// Two stages, both pure (no I/O):
//   - kafka_batch gathers the raw records of one poll round and, on
//     close(), turns them into at most two changes per key: the latest
//     record that counts (an upsert or an erase), then, if a later record of
//     the key was rejected, that rejection. Only the latest record of a key
//     is parsed unless it is rejected; then earlier ones are tried, newest
//     first, so a bad record never hides a good one before it.
//   - kafka_pending folds the changes of successive rounds until the loop's
//     thread takes them, with the same rule: a newer upsert or erase
//     replaces everything pending for the key; a newer rejection replaces
//     the pending rejection and leaves the pending upsert or erase.
//
// A key is expected to live in one partition (Kafka's default partitioner
// does that); if it appears in several, the record read last wins.
//
// Threading: not thread-safe. kafka_batch lives on the consumer thread;
// kafka_pending is shared between it and the loop's thread under a mutex
// (kafka_source).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "watchers/kafka_change.hpp"
#include "watchers/kafka_record.hpp"

namespace driftless::watchers {

class kafka_batch {
public:
    kafka_batch(std::string topic, record_options options);

    // One record. `value` == nullptr or `size` == 0 is a tombstone. Values
    // over options.max_record_bytes are not copied; keys over
    // options.max_key_bytes (which name nothing) are kept to one byte more.
    void add(std::string_view key, const char* value, std::size_t size, std::int32_t partition, std::int64_t offset);

    // The round's changes, sorted by key, and an empty batch.
    [[nodiscard]] std::vector<kafka_change> close();

    [[nodiscard]] std::size_t records() const noexcept { return records_; }

private:
    struct raw {
        std::optional<std::string> value;   // nullopt: tombstone
        std::size_t size = 0;               // of the value as received
        std::string where;
    };
    std::string topic_;
    record_options options_;
    std::map<std::string, std::vector<raw>, std::less<>> keys_;
    std::size_t records_ = 0;
};

class kafka_pending {
public:
    void merge(std::vector<kafka_change> changes);
    // Everything pending, sorted by key (per key the upsert or erase before
    // the rejection), and an empty kafka_pending.
    [[nodiscard]] std::vector<kafka_change> take();
    [[nodiscard]] bool empty() const noexcept { return keys_.empty(); }

private:
    struct entry {
        std::optional<kafka_change> base;     // upsert or erase
        std::optional<kafka_change> reject;   // newer than base
    };
    std::map<std::string, entry> keys_;
};

}  // namespace driftless::watchers
