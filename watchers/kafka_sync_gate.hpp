// The sync gate of one Kafka source (DESIGN.md §5): the source is "synced"
// once every partition has been read up to the high watermark seen at
// start. Until then the desired state it gave is partial, and no pass may
// prune because of it.
//
// A small state machine with no I/O: the consumer feeds it the watermarks
// it queried and the offsets it reached, and asks synced().
//   - Before begin() nothing is synced (the watermarks are not known yet).
//   - An empty partition (high <= low) is synced at once.
//   - A partition is synced when the next offset to read is >= its high
//     watermark at start; a partition end (EOF) event counts, which covers
//     offsets that hold no record (transaction markers, compaction).
//   - Once synced, it stays synced: records produced later, broker loss and
//     partitions added later do not take it back.
//
// Threading: not thread-safe; owned by the consumer thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>

namespace driftless::watchers {

struct partition_watermarks {
    std::int64_t low = 0;
    std::int64_t high = 0;
};

class kafka_sync_gate {
public:
    // The watermarks of every partition of the topic, queried at start.
    void begin(const std::map<std::int32_t, partition_watermarks>& partitions);

    // The consumer's position in `partition` moved to `next_offset` (a
    // record at offset o gives o + 1; an end-of-partition event at o gives o).
    // Partitions unknown at begin() are ignored.
    void reached(std::int32_t partition, std::int64_t next_offset);

    [[nodiscard]] bool begun() const noexcept { return begun_; }
    [[nodiscard]] bool synced() const noexcept { return begun_ && behind_.empty(); }
    // Partitions still short of their start watermark.
    [[nodiscard]] std::size_t partitions_behind() const noexcept { return behind_.size(); }

private:
    bool begun_ = false;
    std::map<std::int32_t, std::int64_t> behind_;   // partition -> high watermark at start
};

}  // namespace driftless::watchers
