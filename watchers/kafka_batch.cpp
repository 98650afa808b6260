#include "watchers/kafka_batch.hpp"

#include <utility>

namespace driftless::watchers {

kafka_batch::kafka_batch(std::string topic, record_options options)
    : topic_(std::move(topic)), options_(std::move(options)) {}

void kafka_batch::add(std::string_view key, const char* value, std::size_t size, std::int32_t partition,
                      std::int64_t offset) {
    ++records_;
    raw r;
    r.size = value ? size : 0;
    r.where = kafka_where(topic_, partition, offset);
    // An oversized value is judged by its size alone; copying it would only
    // cost memory.
    if (value && size > 0 && size <= options_.max_record_bytes) r.value.emplace(value, size);
    else if (value && size > 0) r.value.emplace();
    // A key past the limit names nothing whatever follows; one byte more
    // than the limit keeps it judged too long without keeping it whole.
    if (key.size() > options_.max_key_bytes) key = key.substr(0, options_.max_key_bytes + 1);
    auto it = keys_.find(key);
    if (it == keys_.end()) it = keys_.emplace(std::string(key), std::vector<raw>{}).first;
    it->second.push_back(std::move(r));
}

std::vector<kafka_change> kafka_batch::close() {
    std::vector<kafka_change> out;
    for (auto& [key, list] : keys_) {
        const auto doc_id = kafka_doc_id(topic_, key);
        std::optional<kafka_change> rejected;
        for (auto it = list.rbegin(); it != list.rend(); ++it) {
            if (!it->value) {
                out.push_back(kafka_change{kafka_change::op_kind::erase, doc_id, key, {}, it->where, {}, {}});
                break;
            }
            record_specs r;
            if (auto too_big = check_record_size(it->size, it->where, options_)) r.errors.push_back(std::move(*too_big));
            else r = read_record(key, *it->value, it->where, options_);
            if (r.ok()) {
                out.push_back(kafka_change{kafka_change::op_kind::upsert, doc_id, key, std::move(*it->value), it->where,
                                           std::move(r.specs), {}});
                break;
            }
            if (!rejected)
                rejected = kafka_change{kafka_change::op_kind::reject, doc_id, key, std::move(*it->value), it->where, {},
                                        std::move(r.errors), read_key(key, it->where, options_).keys};
        }
        if (rejected) out.push_back(std::move(*rejected));
    }
    keys_.clear();
    records_ = 0;
    return out;
}

void kafka_pending::merge(std::vector<kafka_change> changes) {
    for (auto& c : changes) {
        auto& e = keys_[c.key];
        if (c.op == kafka_change::op_kind::reject) {
            e.reject = std::move(c);
        } else {
            e.base = std::move(c);
            e.reject.reset();
        }
    }
}

std::vector<kafka_change> kafka_pending::take() {
    std::vector<kafka_change> out;
    for (auto& [key, e] : keys_) {
        if (e.base) out.push_back(std::move(*e.base));
        if (e.reject) out.push_back(std::move(*e.reject));
    }
    keys_.clear();
    return out;
}

}  // namespace driftless::watchers
