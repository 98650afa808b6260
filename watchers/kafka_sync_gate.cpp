#include "watchers/kafka_sync_gate.hpp"

namespace driftless::watchers {

void kafka_sync_gate::begin(const std::map<std::int32_t, partition_watermarks>& partitions) {
    if (begun_) return;
    begun_ = true;
    for (const auto& [p, w] : partitions)
        if (w.high > w.low) behind_[p] = w.high;
}

void kafka_sync_gate::reached(std::int32_t partition, std::int64_t next_offset) {
    auto it = behind_.find(partition);
    if (it != behind_.end() && next_offset >= it->second) behind_.erase(it);
}

}  // namespace driftless::watchers
