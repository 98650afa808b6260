// One Kafka record turned into store input (DESIGN.md §6): the key names a
// resource, `NAME` or `Kind/NAME`; the value is one YAML or JSON document
// declaring exactly that resource. An empty value (a tombstone) deletes the
// resource; that case is the caller's (see kafka_batch.hpp), not this one's.
//
// Places: a record is `TOPIC/PARTITION@OFFSET` ("desired/2@1041"), its
// document `kafka:TOPIC/KEY`. Parse errors inside the value read
// "desired/2@1041:3:7: ports[0]: ..." (line and column within the value);
// errors about the record as a whole read "desired/2@1041: ...".
//
// Pure: no I/O, no state; safe to call from any thread (the environment is
// read through `options.parse.env`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "desired_state/diagnostic.hpp"
#include "desired_state/parse.hpp"
#include "desired_state/spec.hpp"

namespace driftless::watchers {

// "TOPIC/PARTITION@OFFSET"
[[nodiscard]] std::string kafka_where(std::string_view topic, std::int32_t partition, std::int64_t offset);

// "kafka:TOPIC/KEY": the store's doc_id for a key of a topic.
[[nodiscard]] std::string kafka_doc_id(std::string_view topic, std::string_view key);

// "kafka:TOPIC/": what every kafka_doc_id of the topic starts with (the
// store's sync gate marks a topic's documents by it).
[[nodiscard]] std::string kafka_doc_prefix(std::string_view topic);

struct record_options {
    std::size_t max_record_bytes = 1024 * 1024;   // larger values are rejected with one error
    std::size_t max_key_bytes = 256;              // longer keys name nothing; the record is ignored
    desired_state::parse_options parse;
};

struct record_specs {
    std::vector<desired_state::spec> specs;              // exactly one when ok()
    std::vector<desired_state::diagnostic> errors;       // why the record is rejected
    [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
};

// The error for a value of `size` bytes when that is over
// options.max_record_bytes; nullopt when it is not.
[[nodiscard]] std::optional<desired_state::diagnostic> check_record_size(std::size_t size, const std::string& where,
                                                                        const record_options& options);

// What a record's key names: `Kind/NAME` names that resource, `NAME` the
// resource of that name of whichever kind its value declares (so all three
// kinds). A key that names nothing (none, too long, an unknown kind, not a
// valid resource name) gives no keys and an error ending "the record is
// ignored": such a record holds nothing back, not even a removal.
struct key_scope {
    std::set<desired_state::resource_key> keys;
    std::optional<desired_state::diagnostic> error;   // set exactly when keys is empty
};
[[nodiscard]] key_scope read_key(std::string_view key, const std::string& where, const record_options& options = {});

// Parses and checks one record whose value is not empty. `where` is the
// record's place (kafka_where). Checks, in order: the value's size, the key
// (read_key), the value (desired_state::parse_text), that it declares
// exactly one resource, and that the key names that resource. A rejected
// record changes nothing: the store keeps the key's last good specs
// (store::put_errors, with the key's scope).
[[nodiscard]] record_specs read_record(std::string_view key, std::string_view value, const std::string& where,
                                       const record_options& options = {});

}  // namespace driftless::watchers
