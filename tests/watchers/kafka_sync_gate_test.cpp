#include "watchers/kafka_sync_gate.hpp"

#include <doctest/doctest.h>

using driftless::watchers::kafka_sync_gate;

TEST_CASE("kafka_sync_gate: synced once every partition reaches its watermark at start") {
    kafka_sync_gate g;
    CHECK_FALSE(g.synced());   // watermarks unknown yet
    g.reached(0, 100);         // ignored before begin
    CHECK_FALSE(g.synced());

    g.begin({{0, {0, 3}}, {1, {0, 0}}, {2, {5, 5}}, {3, {10, 12}}});
    CHECK(g.begun());
    CHECK(g.partitions_behind() == 2);   // 1 and 2 are empty: synced at once
    CHECK_FALSE(g.synced());

    g.reached(0, 1);
    g.reached(0, 2);
    CHECK(g.partitions_behind() == 2);
    g.reached(0, 3);                     // the record at offset 2 was read
    CHECK(g.partitions_behind() == 1);
    g.reached(7, 1000);                  // a partition added after start does not count
    CHECK_FALSE(g.synced());
    g.reached(3, 12);                    // end of partition at 12 (11 was a transaction marker)
    CHECK(g.synced());

    SUBCASE("stays synced") {
        g.begin({{0, {0, 50}}});         // a second begin changes nothing
        CHECK(g.synced());
    }
}

TEST_CASE("kafka_sync_gate: a topic with only empty partitions is synced at begin") {
    kafka_sync_gate g;
    g.begin({{0, {0, 0}}, {1, {4, 4}}});
    CHECK(g.synced());
}
