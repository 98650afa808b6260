#include "watchers/kafka_change.hpp"

namespace driftless::watchers {

const char* to_string(kafka_change::op_kind op) noexcept {
    switch (op) {
        case kafka_change::op_kind::upsert: return "upsert";
        case kafka_change::op_kind::erase: return "erase";
        case kafka_change::op_kind::reject: return "reject";
    }
    return "?";
}

void apply_kafka_changes(desired_state::store& store, const std::vector<kafka_change>& changes) {
    for (const auto& c : changes) {
        switch (c.op) {
            case kafka_change::op_kind::upsert: (void)store.put_specs(c.doc_id, c.specs); break;
            case kafka_change::op_kind::erase: store.erase(c.doc_id); break;
            case kafka_change::op_kind::reject: store.put_errors(c.doc_id, c.errors, c.scope); break;
        }
    }
}

std::string kafka_source_doc_id(const kafka_uri& uri) { return "kafka:" + uri.topic; }

void apply_kafka_broker_error(desired_state::store& store, const kafka_uri& uri, const std::string& broker_error) {
    const auto id = kafka_source_doc_id(uri);
    // Erase rather than clear: an empty document would still count as one.
    if (broker_error.empty()) {
        store.erase(id);
        return;
    }
    // The diagnostic's place is the URI; a message that starts with it
    // (kafka_source::broker_error does) would say it twice.
    const auto place = uri.to_string();
    std::string message = broker_error;
    if (message.rfind(place + ": ", 0) == 0) message.erase(0, place.size() + 2);
    store.put_errors(id, {desired_state::diagnostic{{place, 0, 0}, "", std::move(message)}});
}

}  // namespace driftless::watchers
